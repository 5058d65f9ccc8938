"""The schedule fields of `Employee`: time off, balances and working pattern.

Attached to `Employee` (schema/employees/types.py) with `scoped(..., resolver=...)`; the request
type names `Employee`, so it is named lazily here and built through the presenter registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.core.clock import today
from resolvers.schedules import reads as r
from schema.core.ordering import FILTER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.relay import child_connection
from schema.schedules.filters import TimeOffFilter, time_off_filter_kwargs
from schema.schedules.values import TimeOffBalance, WorkingPattern
from web.context import Info

if TYPE_CHECKING:
    from schema.schedules.types import TimeOffRequest

TimeOffRequestRef = Annotated["TimeOffRequest", strawberry.lazy("schema.schedules.types")]

__all__ = ["TimeOffBalance", "TimeOffFilter", "TimeOffRequestRef", "WorkingPattern"]


async def time_off(
    root: Any,
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[TimeOffFilter | None, FILTER_ARGUMENT] = None,
) -> Any:
    spec = r.time_off_of(page_args(first, after, last, before), time_off_filter_kwargs(filter))
    return await child_connection(root.pk, spec, info.context.loaders)


async def time_off_balances(
    root: Any,
    info: Info,
    year: Annotated[
        int | None, strawberry.argument(description="The calendar year; this year if omitted.")
    ] = None,
) -> list[TimeOffBalance] | None:
    if not (await info.context.policy()).can_see_time_off_of(root.pk):
        return None
    found = await r.balances(root.row, year if year is not None else today().year)
    return [TimeOffBalance.from_balance(b) for b in found]


async def working_pattern(root: Any, info: Info) -> WorkingPattern | None:
    return WorkingPattern.from_row(await r.working_pattern(info.context.loaders, root.row))
