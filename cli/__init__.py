"""The `peoplegraph` command line: one sub-command module per concern."""

from __future__ import annotations

import argparse
import sys

from cli import admin, oauth, seed, webhooks


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peoplegraph", description="Employee self-service GraphQL API.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    admin.register(commands)
    seed.register(commands)
    oauth.register(commands)
    webhooks.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result = args.handler(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
