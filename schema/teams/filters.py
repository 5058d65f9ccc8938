"""Team filter and order inputs: the `teams` root list, `subteams` and `ledTeams`.

Kept apart from the types (like every domain's filters.py), so the fields of other domains can
take them as arguments without importing the types."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from resolvers.core.pagination import SortKey
from resolvers.teams import reads as r
from schema.core.enums import OrderDirection
from schema.core.ordering import sort_of
from schema.core.paging import pk_of


@strawberry.enum(description="Fields teams can be ordered by.")
class TeamOrderField(Enum):
    NAME = strawberry.enum_value("NAME", description="Team name.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the team was created.")


@strawberry.input(description="How to order teams; ties break on ID.")
class TeamOrder:
    field: TeamOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="The direction.")


def team_sort(order: TeamOrder | None) -> SortKey:
    return sort_of(order, r.TEAM_ORDER_FIELDS, SortKey("name"))


@strawberry.input(description="Narrow a list of teams; all given conditions must hold.")
class TeamFilter:
    search: str | None = strawberry.field(default=None, description="Part of the name or slug.")
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="Subteams of this team.")
    top_level: bool | None = strawberry.field(
        default=None, description="Only teams without (true) or with a parent."
    )
    lead_id: strawberry.ID | None = strawberry.field(default=None, description="Teams led by this employee.")


def team_filter_kwargs(f: TeamFilter | None) -> dict[str, Any]:
    """The filter as `resolvers.teams.reads.team_filter`'s keyword arguments."""
    if f is None:
        return {}
    return dict(
        search=f.search,
        parent_id=pk_of(f.parent_id, "Team"),
        top_level=f.top_level,
        lead_id=pk_of(f.lead_id, "Employee"),
    )
