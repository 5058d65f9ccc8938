"""`export-schema`: print (or write) the GraphQL schema as SDL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli._run import Commands


def register(commands: Commands) -> None:
    export = commands.add_parser("export-schema", help="Print the GraphQL schema (SDL).")
    export.add_argument("--output", "-o", help="Write to this file instead of standard output.")
    export.set_defaults(handler=_export_schema)


def _export_schema(args: argparse.Namespace) -> int:
    from schema import schema

    sdl = schema.as_str() + "\n"
    if args.output:
        Path(args.output).write_text(sdl)
    else:
        sys.stdout.write(sdl)
    return 0
