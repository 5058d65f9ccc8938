"""The `peoplegraph` command line: one module per command group, wired here in `--help` order."""

from __future__ import annotations

import argparse
import sys

from cli import (
    clients,
    documents,
    export_schema,
    keys,
    mentorships,
    migrate,
    seed,
    serve,
    tokens,
    training,
    webhooks,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peoplegraph", description="Employee self-service GraphQL API.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve.register(commands)
    migrate.register(commands)
    export_schema.register(commands)
    seed.register(commands)
    clients.register(commands)
    documents.register(commands)
    tokens.register(commands)
    keys.register(commands)
    webhooks.register(commands)
    mentorships.register(commands)
    training.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result = args.handler(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
