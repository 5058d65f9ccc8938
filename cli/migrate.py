"""`migrate`: apply the database migrations not yet applied."""

from __future__ import annotations

import argparse
import asyncio

import db
from cli._run import Commands
from config import load_settings


def register(commands: Commands) -> None:
    migrate = commands.add_parser("migrate", help="Apply database migrations not yet applied.")
    migrate.set_defaults(handler=_migrate)


def _migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    asyncio.run(db.migrate(settings.database_url))
    print("migrations applied")
    return 0
