"""Copy GraphiQL's browser files from node_modules into static/vendor/ (`python -m web.vendor`).

Why: the GraphiQL page must work offline, so its JavaScript and CSS are served by this server,
never by a CDN. `npm ci` (run by the Makefile, pinned by package-lock.json) downloads the npm
packages at set-up; this script then copies only the handful of prebuilt UMD/CSS files the page
loads, so `static/vendor/` holds nothing else (no bundler, no node_modules at run time).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from config import ROOT

NODE_MODULES = ROOT / "node_modules"
VENDOR_DIR = ROOT / "static" / "vendor"

# Name under static/vendor/ -> path inside node_modules. Flat names keep the page's URLs short
# and independent of each package's internal layout. React 18 is the last React with UMD files,
# and GraphiQL 3.9's UMD build expects the `React` and `ReactDOM` globals they define.
VENDOR_FILES: dict[str, str] = {
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
    # The explorer plugin's UMD build reads `GraphiQL.React` and `GraphiQL.GraphQL`, which the
    # GraphiQL UMD bundle exposes, so it must load after graphiql.min.js.
    "plugin-explorer.umd.js": "@graphiql/plugin-explorer/dist/index.umd.js",
    "plugin-explorer.css": "@graphiql/plugin-explorer/dist/style.css",
}

# The order the page must load the scripts in: each UMD file reads the globals of the previous.
SCRIPTS: tuple[str, ...] = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "plugin-explorer.umd.js",
)
STYLESHEETS: tuple[str, ...] = ("graphiql.min.css", "plugin-explorer.css")


class VendorError(RuntimeError):
    """node_modules is missing or incomplete: the operator has to run `npm ci` first."""


def install(node_modules: Path = NODE_MODULES, target: Path = VENDOR_DIR) -> list[Path]:
    """Replace `target` with fresh copies of VENDOR_FILES; return the files written."""
    if not node_modules.is_dir():
        raise VendorError(
            f"{node_modules} does not exist: run `npm ci` in {ROOT} first "
            "(the Makefile's `make install` does both steps)."
        )
    missing = [src for src in VENDOR_FILES.values() if not (node_modules / src).is_file()]
    if missing:
        raise VendorError(
            f"missing in {node_modules}: {', '.join(missing)}. "
            "Is node_modules out of date? Run `npm ci` again (versions are pinned in package.json)."
        )
    # Start from an empty folder so files dropped from VENDOR_FILES do not linger and get served.
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    written = []
    for name, src in VENDOR_FILES.items():
        written.append(Path(shutil.copyfile(node_modules / src, target / name)))
    return written


def main() -> int:
    try:
        written = install()
    except VendorError as exc:
        print(f"web.vendor: {exc}", file=sys.stderr)
        return 1
    print(f"web.vendor: copied {len(written)} files into {VENDOR_DIR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
