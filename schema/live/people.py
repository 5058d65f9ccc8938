"""The people an event names (its actor, a deleted task's assignee...), as one reader may see them.

An event names people the subscriber did not ask about: who enrolled, who deleted a task. They
are shown only to a token that reads the directory (`employees:read`), and only where the
caller decided the subscriber may read what the event is about; otherwise they are null. The
subscriptions (schema/live/types.py) and the audit log (schema/audit/types.py) both present people
through here, so the rule lives in one place.
"""

from __future__ import annotations

import strawberry

from auth.scopes import Scope
from ids import to_global_id
from models import employees as em
from schema.employees.types import Employee
from web.context import Context


def reads_people(ctx: Context) -> bool:
    principal = ctx.principal
    return principal is not None and principal.has_scope(Scope.EMPLOYEES_READ)


async def shown_person(ctx: Context, pk: int | None) -> Employee | None:
    """The employee `pk`, or None when there is none or this reader may not read the directory."""
    if pk is None or not reads_people(ctx):
        return None
    row = await ctx.loaders.by_id(em.Employee).load(pk)
    return Employee.from_row(row) if row else None


def shown_id(ctx: Context, type_name: str, pk: int | None) -> strawberry.ID | None:
    """The global ID of a person or team an event names, for a reader of the directory."""
    if pk is None or not reads_people(ctx):
        return None
    return strawberry.ID(to_global_id(type_name, pk))
