"""Employee fields that follow a relation backwards: teams led, tasks created, sessions taught.

Attached to `Employee` with `strawberry.field(resolver=...)`; the types they return are
imported when called, since those modules import `Employee` themselves.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from resolvers.core.listing import child_listing
from resolvers.teams import reads as team_reads
from resolvers.training import reads as training_reads
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.relay import to_connection
from schema.tasks.filters import TaskFilter, TaskOrder
from schema.training.filters import (
    TrainingSessionFilter,
    TrainingSessionOrder,
    session_filter_kwargs,
    session_sort,
)
from web.context import Info

Filtered = "Only items meeting all these conditions."
Ordered = "The order of the items; ties break on ID."


async def led_teams(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Any:
    from schema.teams.filters import team_sort
    from schema.teams.types import Team

    spec = team_reads.led_by(team_sort(None), page_args(first, after, last, before))
    listing = await child_listing(root.pk, spec, info.context.loaders)
    return to_connection(listing.page, Team.from_row, listing.count)


async def created_tasks(
    root: Any,
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[TaskFilter | None, strawberry.argument(description=Filtered)] = None,
    order_by: Annotated[TaskOrder | None, strawberry.argument(description=Ordered)] = None,
) -> Any:
    from schema.tasks.types import tasks_of

    return await tasks_of(
        info, "creator_id", root.pk, page_args(first, after, last, before), filter, order_by
    )


async def instructed_sessions(
    root: Any,
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[TrainingSessionFilter | None, strawberry.argument(description=Filtered)] = None,
    order_by: Annotated[TrainingSessionOrder | None, strawberry.argument(description=Ordered)] = None,
) -> Any:
    from schema.training.types import TrainingSession

    spec = training_reads.taught_by(
        session_sort(order_by), page_args(first, after, last, before), session_filter_kwargs(filter)
    )
    listing = await child_listing(root.pk, spec, info.context.loaders)
    return to_connection(listing.page, TrainingSession.from_row, listing.count)
