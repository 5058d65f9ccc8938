"""The embedded database is set up for a server: WAL, a busy timeout, foreign keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from tortoise import connections

import db
from config import Settings, load_settings


@pytest.fixture
async def default_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Settings]:
    monkeypatch.setenv("PEOPLEGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = load_settings()
    await db.migrate(settings.database_url)
    await db.init_db(settings.database_url)
    yield replace(settings)
    await db.close_db()


async def test_the_default_database_is_sqlite_in_wal_mode_with_a_busy_timeout(
    default_sqlite: Settings,
) -> None:
    conn = connections.get("default")

    journal = await conn.execute_query_dict("PRAGMA journal_mode")
    timeout = await conn.execute_query_dict("PRAGMA busy_timeout")
    foreign_keys = await conn.execute_query_dict("PRAGMA foreign_keys")

    assert default_sqlite.database_url.startswith("sqlite://")
    assert (default_sqlite.data_dir / "peoplegraph.db").exists()
    assert list(journal[0].values()) == ["wal"]
    assert list(timeout[0].values()) == [5000]
    assert list(foreign_keys[0].values()) == [1]


async def test_migrating_twice_changes_nothing(default_sqlite: Settings) -> None:
    await db.migrate(default_sqlite.database_url)
    await db.init_db(default_sqlite.database_url)
    rows = await connections.get("default").execute_query_dict("SELECT count(*) AS n FROM employees")
    assert rows[0]["n"] == 0
