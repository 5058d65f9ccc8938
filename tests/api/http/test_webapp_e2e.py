"""The web app end to end, in headless Chromium against a real server process with the demo data
(tests/support/e2e_webapp.mjs, playwright-core driving Debian's chromium): sign in as a demo
employee, mark a task done, enroll in a session, see another client's change arrive live, lose
the connection and miss nothing, sign out.

Set PEOPLEGRAPH_E2E_SHOTS=docs/screenshots to refresh the README's screenshots with this run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from auth.oauth import routes
from auth.oauth.clients import mint_token
from auth.passwords import hash_password
from cli.seed.demo import DEMO_PASSWORD, seed_demo
from config import Settings
from ids import to_global_id
from models.employees import Employee
from tests.support.server_process import ROOT, START_WAIT, free_port, server_process
from tests.support.ws_client import WAIT

CHROMIUM = os.environ.get("PEOPLEGRAPH_CHROMIUM", "/usr/bin/chromium")
BUNDLE = ROOT / "static" / "app" / "app.js"
PLAYWRIGHT = ROOT / "node_modules" / "playwright-core"
EMAIL = "ada.lovelace@example.com"
OTHER = "grace.hopper@example.com"  # Ada's manager: may give her a task
RUN_TIMEOUT = 240

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason=f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (.ci/run does) or set PEOPLEGRAPH_CHROMIUM",
)


async def _drain(stream: asyncio.StreamReader | None, lines: list[str]) -> None:
    """Read the server's stderr so a chatty server never blocks on a full pipe; kept for failures."""
    while stream is not None and (line := await stream.readline()):
        lines.append(line.decode(errors="replace").rstrip())


async def test_an_employee_uses_the_web_app_in_a_browser(settings: Settings, tmp_path: Path) -> None:
    assert PLAYWRIGHT.is_dir() and BUNDLE.is_file(), (
        "run `make install` (npm ci and the web app bundle) first"
    )
    # given a server with the demo data whose issuer is its own address, as `make run` has it
    port = free_port()
    settings = replace(settings, issuer=f"http://127.0.0.1:{port}")
    await seed_demo(password_hash=hash_password(DEMO_PASSWORD))
    await routes.startup(settings)  # signing keys in the test's data dir, shared with the server
    ada = await Employee.get(email=EMAIL)
    other = await mint_token(settings, scopes="tasks:read tasks:write employees:read", employee_email=OTHER)
    own = await mint_token(settings, scopes="profile:write employees:read", employee_email=EMAIL)
    shots = os.environ.get("PEOPLEGRAPH_E2E_SHOTS")
    env = {
        **os.environ,
        "E2E_BASE_URL": settings.issuer,
        "E2E_EMAIL": EMAIL,
        "E2E_PASSWORD": DEMO_PASSWORD,
        "E2E_OTHER_TOKEN": str(other["access_token"]),
        "E2E_OWN_TOKEN": str(own["access_token"]),
        "E2E_VIEWER_ID": to_global_id("Employee", ada.id),
        "E2E_CHROMIUM": CHROMIUM,
        "E2E_WAIT_MS": str(int(WAIT * 3 * 1000)),  # per step; the machine may be busy
        **({"E2E_SHOTS": str((ROOT / shots).resolve())} if shots else {}),
    }
    logs: list[str] = []
    async with server_process(settings, port=port, ready_within=START_WAIT) as server:
        drain = asyncio.create_task(_drain(server.process.stderr, logs))
        # when the browser script runs every step against it
        script = await asyncio.create_subprocess_exec(
            shutil.which("node") or "node",
            "tests/support/e2e_webapp.mjs",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            output, _ = await asyncio.wait_for(script.communicate(), RUN_TIMEOUT)
        finally:
            if script.returncode is None:
                script.kill()
                await script.wait()
        drain.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await drain
    lines = output.decode().strip().splitlines()
    result: dict[str, Any] = {"ok": False, "error": output.decode()}
    if lines and lines[-1].startswith("{"):
        result = json.loads(lines[-1])
    # then every step passed, with no console error, CSP violation or request to another origin
    assert result["ok"], f"{result.get('error')}\nproblems: {result.get('problems')}\nserver: {logs[-20:]}"
    assert script.returncode == 0
    assert result["signedInAs"] == "Ada Lovelace"
    assert result["steps"][-1].startswith("signs out")
    assert result["events"] >= 3  # her own change, the live task and the one replayed after the drop
