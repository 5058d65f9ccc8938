"""The planner's SQL renderings of IDs and times agree with the codec and the resolver path."""

from __future__ import annotations

import base64
import itertools
import string
from datetime import UTC, datetime, timedelta, timezone

import pytest
from tortoise import connections

from ids import BIGINT_TYPES, MAX_BIG_PK, MAX_PK, to_global_id
from models.training import TrainingSession
from planner import sqlite_functions
from planner.dialect import dialect_for
from planner.mapping import NODE_TYPES, TYPES
from tests.support import factories as f


async def _select(expression: str, source: str = "", both: bool = False) -> list[object]:
    client = connections.get("default")
    if client.capabilities.dialect == "sqlite":
        await sqlite_functions.register(client)
    _, rows = await client.execute_query(f"SELECT {expression} {source}")
    return [(row[0], row[1]) if both else row[0] for row in rows]


def _pks(largest: int) -> list[int]:
    """0, both edges of every digit count up to `largest`'s, a spread between, and `largest`."""
    pks = {0, largest, *range(1, 1000, 7), *range(65530, 65540)}
    for digits in range(1, len(str(largest)) + 1):
        pks |= {10 ** (digits - 1), 10 ** (digits - 1) + 1, 10**digits - 1, 10**digits - 2}
        pks |= {int(("123456789" * 3)[:digits]), int("9" + "0" * (digits - 1))}
    return sorted(pk for pk in pks if pk <= largest)


async def test_global_ids_are_the_codecs(database_url: str) -> None:
    """Every type the planner shows IDs of (and a few names for each length of the prefix modulo
    3), for pks of every length up to the largest key: the SQL rendering is `to_global_id`."""
    dialect = dialect_for(connections.get("default").capabilities.dialect)
    names = {*TYPES, *NODE_TYPES, *BIGINT_TYPES, "MentorshipCheckIn", "A", "Ab", "Abc"}
    for type_name in sorted(names):
        pks = _pks(MAX_BIG_PK if type_name in BIGINT_TYPES else MAX_PK)
        values = ", ".join(f"({pk})" for pk in pks)
        rendered = dialect.gid(type_name, '"v"."pk"')
        shown = await _select(
            f'"pk", {rendered}',
            f'FROM (SELECT "column1" AS "pk" FROM (VALUES {values}) AS "t") AS "v" ORDER BY "pk"',
            both=True,
        )
        assert shown == [(pk, to_global_id(type_name, pk)) for pk in pks], type_name
    assert await _select(dialect.gid("Employee", "NULL")) == [None]


def test_postgres_ids_need_no_url_safe_translation() -> None:
    """The PostgreSQL rendering uses base64's standard alphabet as it is: "<Type>:<pk>" is made
    of a GraphQL name's characters, ":", digits and "-", and no group of three of them (nor a
    shorter tail) encodes to "+" or "/", the two characters where the URL-safe alphabet differs."""
    alphabet = (string.ascii_letters + string.digits + "_:-").encode()
    for size in (1, 2, 3):
        for group in itertools.product(alphabet, repeat=size):
            encoded = base64.b64encode(bytes(group))
            assert b"+" not in encoded and b"/" not in encoded, bytes(group)


def test_postgres_ids_refuse_a_type_name_that_is_not_a_graphql_name() -> None:
    with pytest.raises(ValueError, match="not a GraphQL type name"):
        dialect_for("postgres").gid("Bad'Name", '"p1"."id"')


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


async def test_stored_times_in_any_form_show_as_tortoise_loads_them(database_url: str) -> None:
    """SQLite keeps times as text: Tortoise's own UTC form is shown by SQL alone, and any other
    text (an offset, a fraction of zeros, no offset, a shorter fraction) by Tortoise's conversion."""
    if connections.get("default").capabilities.dialect != "sqlite":
        pytest.skip("PostgreSQL stores times as timestamptz: the test above covers them")
    dialect = dialect_for("sqlite")
    stored = [
        "2026-01-02 03:04:05+00:00",
        "2026-01-02 03:04:05.123456+00:00",
        "2026-01-02 03:04:05.000001+00:00",
        "2026-01-02 03:04:05.100000+00:00",
        "2026-01-02 03:04:05.000000+00:00",
        "2026-01-02 03:04:05.5+00:00",
        "2026-01-02 08:34:05+05:30",
        "2026-01-02 03:04:05",
        "2026-01-02T03:04:05+00:00",
    ]
    for text in stored:
        expected = sqlite_functions.planner_datetime(text)
        assert expected is not None
        assert await _select(dialect.datetime(f"'{text}'")) == [expected], text
