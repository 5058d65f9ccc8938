"""SQL functions the SQLite rendering calls: the one ID codec and Tortoise's time conversion.

SQLite has no base64 and stores times as text; rather than re-implement either, the planner
registers two deterministic Python functions on each SQLite connection it uses, so a compiled
response shows IDs and times exactly as the resolver path does.
"""

from __future__ import annotations

import functools
import weakref
from datetime import datetime
from typing import Any

import db_reads
from ids import to_global_id
from models.tasks import Task

# Any DatetimeField converts the same way (use_tz, UTC): Task.created_at stands for all of them.
_DATETIME: Any = Task._meta.fields_map["created_at"]
_registered: weakref.WeakSet[Any] = weakref.WeakSet()
_REMEMBERED = 65_536


# Both are pure, and a read shows the same rows again and again: remembering recent answers
# saves most of their cost, which is a good part of a compiled read on SQLite (bench/README.md).
@functools.lru_cache(maxsize=_REMEMBERED)
def planner_gid(type_name: str, pk: int | None) -> str | None:
    return None if pk is None else to_global_id(type_name, pk)


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
        reader.function("planner_gid", 2, planner_gid)
        reader.function("planner_datetime", 1, planner_datetime)
    raw = getattr(client, "_connection", None)
    if raw is None:
        await client.execute_query("SELECT 1")  # opens the connection
        raw = getattr(client, "_connection", None)
    if raw is None or raw in _registered:
        return
    await raw.create_function("planner_gid", 2, planner_gid, deterministic=True)
    await raw.create_function("planner_datetime", 1, planner_datetime, deterministic=True)
    _registered.add(raw)
