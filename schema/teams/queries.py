"""The team root field: `teams`."""

from __future__ import annotations

from typing import Annotated

from auth.scopes import Scope
from resolvers.teams import reads as r
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import scoped
from schema.core.relay import Connection, to_connection
from schema.teams.filters import TeamFilter, TeamOrder, team_filter_kwargs, team_sort
from schema.teams.types import Team
from web.context import Info


@scoped("All teams.", Scope.EMPLOYEES_READ)
async def teams(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[TeamFilter | None, FILTER_ARGUMENT] = None,
    order_by: Annotated[TeamOrder | None, ORDER_ARGUMENT] = None,
) -> Connection[Team] | None:
    args = page_args(first, after, last, before)
    listing = await r.team_listing(
        team_filter_kwargs(filter), team_sort(order_by), args, info.context.loaders
    )
    return to_connection(listing.page, Team.from_row, listing.count)
