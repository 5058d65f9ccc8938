"""Database set-up: the Tortoise configuration, start-up, shutdown and migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as run_migrations

import db_reads
from models import MODEL_MODULES


def tortoise_config(database_url: str, *, recovering: bool = True) -> dict[str, Any]:
    """`recovering`: serve with db_recovery's clients. Migrations use Tortoise's own, since its
    migration executor picks a schema editor by the client class's module name."""
    url = database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://").split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = expand_db_url(url)
    if recovering and connection["engine"] in ("tortoise.backends.asyncpg", "tortoise.backends.sqlite"):
        connection["engine"] = "db_recovery"  # the same clients, recovering from lost connections
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "migrations": "migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(database_url: str) -> None:
    # Request tasks under uvicorn do not inherit the lifespan's context; the global fallback
    # lets every task of the process reach the connections set up here.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    db_reads.close_all()  # SQLite's read connections (db_reads.py)
    await Tortoise.close_connections()  # also ends the global fallback context


async def migrate(database_url: str) -> None:
    """Apply every migration not yet applied (idempotent)."""
    await run_migrations(config=tortoise_config(database_url, recovering=False))
    await connections.close_all()


def dialect() -> str:
    dialect: str = connections.get("default").capabilities.dialect
    return dialect


# For Tortoise's own command line (`tortoise -c db.TORTOISE_ORM makemigrations`).
TORTOISE_ORM = tortoise_config("sqlite://:memory:", recovering=False)
