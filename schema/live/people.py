"""The people an event names (its actor, a deleted task's assignee...), as one reader may see them.

An event names people the subscriber did not ask about: who enrolled, who deleted a task. They
are shown only to a token that reads the directory (`employees:read`), and only where the
caller decided the subscriber may read what the event is about; otherwise they are null. The
subscriptions (schema/live/types.py) and the audit log (schema/audit/types.py) both present people
through here; the rule itself is resolvers/live/reads.py `reads_people`.
"""

from __future__ import annotations

import strawberry

from ids import to_global_id
from resolvers.live import reads
from schema.employees.types import Employee
from web.context import Context


async def shown_person(ctx: Context, pk: int | None) -> Employee | None:
    """The employee `pk`, or None when there is none or this reader may not read the directory."""
    row = await reads.person(ctx, pk)
    return Employee.from_row(row) if row else None


def shown_id(ctx: Context, type_name: str, pk: int | None) -> strawberry.ID | None:
    """The global ID of a person or team an event names, for a reader of the directory."""
    if pk is None or not reads.reads_people(ctx):
        return None
    return strawberry.ID(to_global_id(type_name, pk))
