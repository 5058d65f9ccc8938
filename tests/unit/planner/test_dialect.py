"""The planner's SQL renderings of IDs and times agree with the codec and the resolver path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from tortoise import connections

from ids import to_global_id
from models.training import TrainingSession
from planner import sqlite_functions
from planner.dialect import dialect_for
from tests.support import factories as f


async def _select(expression: str, source: str = "") -> list[object]:
    client = connections.get("default")
    if client.capabilities.dialect == "sqlite":
        await sqlite_functions.register(client)
    _, rows = await client.execute_query(f"SELECT {expression} {source}")
    return [row[0] for row in rows]


async def test_global_ids_are_the_codecs(database_url: str) -> None:
    dialect = dialect_for(connections.get("default").capabilities.dialect)
    for type_name in ("Employee", "Team", "TrainingSession", "MentorshipCheckIn", "WebhookDelivery"):
        for pk in (1, 9, 10, 255, 65536, 999999, 2147483647):
            assert await _select(dialect.gid(type_name, str(pk))) == [to_global_id(type_name, pk)]


async def test_times_show_as_the_resolver_path_shows_them(database_url: str) -> None:
    course = await f.course()
    moments = [
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
        datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ]
    for moment in moments:
        await f.session(course, starts_at=moment, ends_at=moment + timedelta(hours=1))
    dialect = dialect_for(connections.get("default").capabilities.dialect)
    shown = await _select(dialect.datetime('"starts_at"'), 'FROM "training_sessions" ORDER BY "id"')
    loaded = [s.starts_at.isoformat() for s in await TrainingSession.all().order_by("id")]
    assert shown == loaded
    assert await _select(dialect.datetime("NULL")) == [None]


def test_the_read_path_setting_names_a_path_or_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from config import load_settings

    monkeypatch.setenv("PEOPLEGRAPH_READ_PATH", " Compiled ")
    assert load_settings().read_path == "compiled"
    monkeypatch.setenv("PEOPLEGRAPH_READ_PATH", "resolvers")
    assert load_settings().read_path == "resolvers"
    monkeypatch.delenv("PEOPLEGRAPH_READ_PATH")
    assert load_settings().read_path == "auto"  # the default: compile what the planner covers
    monkeypatch.setenv("PEOPLEGRAPH_READ_PATH", "fast")
    with pytest.raises(
        ValueError, match="PEOPLEGRAPH_READ_PATH must be one of resolvers, compiled, auto, not 'fast'"
    ):
        load_settings()
