"""Reading teams: filters, orders, hierarchy and members."""

from __future__ import annotations

from typing import Any, cast

from tortoise.expressions import Q

from models.employees import Employee
from models.teams import MembershipRole, Team, TeamMembership
from resolvers.core.listing import Listing, root_listing
from resolvers.core.loaders import ChildList, Loaders, NestedList
from resolvers.core.pagination import PageArgs, SortKey
from resolvers.core.validation import search_condition

TEAM_ORDER_FIELDS = {"NAME": "name", "CREATED_AT": "created_at"}


def team_filter(
    *,
    search: str | None = None,
    parent_id: int | None = None,
    top_level: bool | None = None,
    lead_id: int | None = None,
) -> Q:
    q = Q()
    q &= search_condition(search, "name", "slug")
    if parent_id is not None:
        q &= Q(parent_id=parent_id)
    if top_level is not None:
        q &= Q(parent_id__isnull=top_level)
    if lead_id is not None:
        q &= Q(lead_id=lead_id)
    return q


SUBTEAMS = NestedList(name="Team.subteams", model=Team, partition="parent_id")
TEAMS_LED_BY = NestedList(name="Employee.ledTeams", model=Team, partition="lead_id")
MEMBERS_OF_TEAM = NestedList(
    name="Team.members",
    model=TeamMembership,
    partition="team_id",
    sort=SortKey("joined_at"),
    attach=("employee_id", Employee),
)


def subteams(sort: SortKey, args: PageArgs) -> ChildList:
    return SUBTEAMS.spec(args, sort=sort)


def led_by(sort: SortKey, args: PageArgs) -> ChildList:
    return TEAMS_LED_BY.spec(args, sort=sort)


def members(args: PageArgs, role: MembershipRole | None) -> ChildList:
    return MEMBERS_OF_TEAM.spec(args, filters={"role": role})


async def team_listing(filters: dict[str, Any], sort: SortKey, args: PageArgs, loaders: Loaders) -> Listing:
    """The `teams` root list: every team, narrowed by `team_filter(**filters)`."""
    return await root_listing(Team.filter(team_filter(**filters)), sort, "teams", args, loaders)


async def team_by_id(loaders: Loaders, pk: int | None) -> Team | None:
    """The team with this ID (None for no ID or no such row), batched with those asked for at once."""
    return None if pk is None else cast("Team | None", await loaders.by_id(Team).load(pk))
