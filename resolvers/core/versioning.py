"""Optimistic concurrency: `expectedVersion`, checked and written in this one place.

A versioned row (tasks, employees) carries `version`; a mutation that takes `expectedVersion`
calls `check_version` right after loading (and locking) the row, and writes with `save_versioned`.
Both refuse a stale version as the same CONFLICT at `input.expectedVersion`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tortoise.expressions import F
from tortoise.models import Model

from resolvers.core.clock import now
from resolvers.core.errors import ErrorCode, UserErrors, user_error
from resolvers.core.unit_of_work import UnitOfWork

Changes = Mapping[str, object]
"""The fields an input gave (model field names); a field left out of the input is not a key."""


def camel(name: str) -> str:
    """A model field's GraphQL name, as events list it in `changed`."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def diff(row: Model, values: Mapping[str, object]) -> dict[str, object]:
    """Only the values that differ from the row's: an unchanged field is neither written nor announced."""
    return {name: value for name, value in values.items() if getattr(row, name) != value}


def _conflict(message: str) -> UserErrors:
    return user_error(ErrorCode.CONFLICT, message, "input", "expectedVersion")


def check_version(row: Any, expected_version: int | None) -> None:
    """A stale `expectedVersion` is a CONFLICT, whether or not the mutation would change anything.

    Every mutation that takes a version asks this first, right after loading (and locking) the
    row, so a client never believes its view is current when it is not, and of many identical
    requests made from one stale view at most one can win.
    """
    if expected_version is not None and row.version != expected_version:
        noun = type(row).__name__.lower()
        raise _conflict(
            f"The {noun} is at version {row.version}, not {expected_version}; read it again and retry."
        )


async def save_versioned(
    uow: UnitOfWork, row: Model, expected_version: int | None, changes: Mapping[str, object]
) -> None:
    """Write changes if the version still matches (optimistic concurrency); bump the version.

    The row was read (and locked) in this transaction; a stale version is refused before
    anything else, and the version condition on the write guards any caller that did not lock.
    """
    check_version(row, expected_version)
    if not changes:
        return
    query = type(row).filter(id=row.pk)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    updated = await query.using_db(uow.conn).update(version=F("version") + 1, updated_at=now(), **changes)
    if not updated:
        raise _conflict(f"The {type(row).__name__.lower()} changed meanwhile; read it again and retry.")
    await row.refresh_from_db(using_db=uow.conn)
