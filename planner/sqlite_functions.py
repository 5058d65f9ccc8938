"""The SQL functions the SQLite rendering calls: times not in Tortoise's own UTC form, and the
lookup tables of IDs (planner/sqlite_ids.py `table`, once per statement).

SQLite stores times as text. The rendering shows Tortoise's UTC form ("YYYY-MM-DD HH:MM:SS[.f]
+00:00") by SQL alone (planner/dialect.py); any other text goes through Tortoise's conversion,
registered as a deterministic Python function on each SQLite connection the planner uses, so a
compiled response shows times exactly as the resolver path does. IDs need no callback per row: they are
rendered by arithmetic and lookups in constant tables (planner/sqlite_ids.py).
"""

from __future__ import annotations

import functools
import weakref
from datetime import datetime
from typing import Any

import db_reads
from models.tasks import Task
from planner import sqlite_ids

# Any DatetimeField converts the same way (use_tz, UTC): Task.created_at stands for all of them.
_DATETIME: Any = Task._meta.fields_map["created_at"]
_registered: weakref.WeakSet[Any] = weakref.WeakSet()
_REMEMBERED = 65_536


# Pure, and a read shows the same rows again and again: remembering recent answers saves most
# of its cost.
@functools.lru_cache(maxsize=_REMEMBERED)
def planner_datetime(value: str | None) -> str | None:
    if value is None:
        return None
    converted = _DATETIME.to_python_value(value)
    return converted.isoformat() if isinstance(converted, datetime) else None


async def register(client: Any) -> None:
    """Make sure the client's current SQLite connection, and its read connection (db_reads.py),
    know the planner's functions."""
    reader = db_reads.reader(client)
    if reader is not None:
        reader.function("planner_datetime", 1, planner_datetime)
        reader.function(sqlite_ids.FUNCTION, 1, sqlite_ids.table)
    raw = getattr(client, "_connection", None)
    if raw is None:
        await client.execute_query("SELECT 1")  # opens the connection
        raw = getattr(client, "_connection", None)
    if raw is None or raw in _registered:
        return
    await raw.create_function("planner_datetime", 1, planner_datetime, deterministic=True)
    await raw.create_function(sqlite_ids.FUNCTION, 1, sqlite_ids.table, deterministic=True)
    _registered.add(raw)
