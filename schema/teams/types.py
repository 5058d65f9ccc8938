"""The Team type and its members (with their role on the edge); filters and orders are in filters.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

import strawberry

from auth.scopes import Scope
from ids import to_global_id
from models import teams as m
from resolvers.core.listing import child_listing
from resolvers.employees import reads as employee_reads
from resolvers.tasks import reads as task_reads
from resolvers.teams import reads as r
from schema.core.enums import TeamRole
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import read_scope, scoped
from schema.core.relay import (
    Connection,
    Node,
    PageInfo,
    build_edges,
    child_connection,
    presents,
    to_connection,
)
from schema.employees.links import TaskRef
from schema.employees.types import Employee
from schema.tasks.filters import TaskFilter, TaskOrder, task_filter_kwargs, task_sort
from schema.teams.filters import TeamOrder, team_sort
from web.context import Info


@presents(m.Team)
@read_scope(Scope.EMPLOYEES_READ)
@strawberry.type(description="A group of employees with a lead; teams nest under parent teams.")
class Team(Node):
    pk: strawberry.Private[int]
    parent_pk: strawberry.Private[int | None]
    lead_pk: strawberry.Private[int | None]
    row: strawberry.Private[m.Team]
    name: str = strawberry.field(description="Team name; unique.")
    slug: str = strawberry.field(description="URL-friendly name; unique.")
    description: str = strawberry.field(description="What the team does.")
    created_at: datetime = strawberry.field(description="When the team was created.")

    @classmethod
    def from_row(cls, row: m.Team) -> Team:
        return cls(
            id=strawberry.ID(to_global_id("Team", row.id)),
            pk=row.id,
            parent_pk=row.parent_id,
            lead_pk=row.lead_id,
            row=row,
            name=row.name,
            slug=row.slug,
            description=row.description,
            created_at=row.created_at,
        )

    @strawberry.field(description="The team this one is part of; null for a top-level team.")
    async def parent(self, info: Info) -> Team | None:
        row = await r.team_by_id(info.context.loaders, self.parent_pk)
        return Team.from_row(row) if row else None

    @strawberry.field(description="The employee who leads the team.")
    async def lead(self, info: Info) -> Employee | None:
        row = await employee_reads.employee_by_id(info.context.loaders, self.lead_pk)
        return Employee.from_row(row) if row else None

    @strawberry.field(
        description="Whether you may change this team and its members (HR, service tokens and the team's lead)."
    )
    async def viewer_can_manage(self, info: Info) -> bool:
        return (await info.context.policy()).can_manage_team(self.row)

    @strawberry.field(description="Teams directly under this one.")
    async def subteams(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[TeamOrder | None, ORDER_ARGUMENT] = None,
    ) -> Connection[Team]:
        spec = r.subteams(team_sort(order_by), page_args(first, after, last, before))
        listing = await child_listing(self.pk, spec, info.context.loaders)
        return to_connection(listing.page, Team.from_row, listing.count)

    @strawberry.field(description="The team's members, with each one's role on the edge.")
    async def members(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        role: Annotated[
            TeamRole | None, strawberry.argument(description="Only members with this role.")
        ] = None,
    ) -> TeamMemberConnection:
        spec = r.members(page_args(first, after, last, before), role)
        listing = await child_listing(self.pk, spec, info.context.loaders)
        edges, page_info = build_edges(listing.page, lambda row: row)
        return TeamMemberConnection(
            edges=[TeamMemberEdge(cursor=e.cursor, membership=e.node) for e in edges],
            page_info=page_info,
            count=listing.count,
        )

    @scoped("Tasks of this team that you can see.", Scope.TASKS_READ)
    async def tasks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[TaskFilter | None, FILTER_ARGUMENT] = None,
        order_by: Annotated[TaskOrder | None, ORDER_ARGUMENT] = None,
    ) -> Connection[TaskRef] | None:
        args = page_args(first, after, last, before)
        spec = task_reads.child_tasks("team_id", task_sort(order_by), args, task_filter_kwargs(filter))
        return await child_connection(self.pk, spec, info.context.loaders)


@strawberry.type(description="A member of a team, with their role in it.")
class TeamMemberEdge:
    cursor: str = strawberry.field(description="Pass as `after` (or `before`) to page from this item.")
    membership: strawberry.Private[m.TeamMembership]

    @strawberry.field(description="The member's role in the team.")
    def role(self) -> TeamRole:
        return TeamRole(self.membership.role)

    @strawberry.field(description="When the member joined the team.")
    def joined_at(self) -> datetime:
        return self.membership.joined_at

    @strawberry.field(description="The member.")
    def node(self) -> Employee:
        return Employee.from_row(self.membership.target)  # type: ignore[attr-defined]


@strawberry.type(description="The members of a team.")
class TeamMemberConnection:
    edges: list[TeamMemberEdge] = strawberry.field(description="The members of this page with their role.")
    page_info: PageInfo = strawberry.field(description="Paging information for this page.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many members the team has (with the role asked for, if any).")
    async def total_count(self) -> int:
        return await self.count()
