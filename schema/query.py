"""The root Query: the viewer, any node by ID, and every root list."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.scopes import Scope
from models import employees as em
from models import mentorships as mm
from models import tasks as tkm
from models import teams as tm
from models import training as trm
from resolvers.core.listing import root_listing
from resolvers.core.problems import BadInput, Unauthenticated
from resolvers.mentorships import reads as mr
from resolvers.mentorships.suggestions import MAX_SUGGESTIONS, mentor_suggestions
from resolvers.tasks import reads as tr
from resolvers.training import reads as trr
from schema.audit.queries import AuditQuery
from schema.core.nodes import resolve_node
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import scoped_field
from schema.core.relay import Connection, Node, to_connection
from schema.employees.types import Employee, EmployeeFilter, EmployeeOrder, employee_q, employee_sort
from schema.mentorships.filters import (
    MentorshipFilter,
    MentorshipOrder,
    mentorship_filter_kwargs,
    mentorship_sort,
)
from schema.mentorships.types import Mentorship, MentorSuggestion
from schema.tasks.filters import TaskFilter, TaskOrder, task_filter_kwargs, task_sort
from schema.tasks.types import Task
from schema.teams.types import Team, TeamFilter, TeamOrder, team_q, team_sort
from schema.training.filters import (
    TrainingCourseFilter,
    TrainingCourseOrder,
    TrainingSessionFilter,
    TrainingSessionOrder,
    course_sort,
    session_filter_kwargs,
    session_sort,
)
from schema.training.types import TrainingCourse, TrainingSession
from schema.webhooks.queries import WebhookQuery
from web.context import Info

MAX_NODES = 100


def _require_principal(info: Info) -> None:
    if info.context.principal is None:
        raise Unauthenticated("Sign in: send an OAuth 2 bearer token in the Authorization header.")


@strawberry.type(description="Everything readable in peoplegraph starts here.")
class Query(AuditQuery, WebhookQuery):
    @scoped_field("The signed-in employee; null for a service token.", Scope.EMPLOYEES_READ)
    async def viewer(self, info: Info) -> Employee | None:
        policy = await info.context.policy()
        return Employee.from_row(policy.viewer) if policy.viewer else None

    @strawberry.field(
        description="Any object by its global ID; null if it does not exist or you may not see it. "
        "Needs the read scope of the object's type (`tasks:read` for a Task, ...)."
    )
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A global ID.")]
    ) -> Node | None:
        _require_principal(info)
        return await resolve_node(info.context, str(id))  # type: ignore[no-any-return]

    @strawberry.field(
        description="Objects by their global IDs, in the same order; null where absent or hidden, "
        "and null with an error at its index where your token lacks the object's read scope."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description=f"Up to {MAX_NODES} global IDs.")
        ],
    ) -> list[Node | None] | None:
        _require_principal(info)
        if len(ids) > MAX_NODES:
            raise BadInput(f"At most {MAX_NODES} IDs can be fetched at once (got {len(ids)}).")
        # Each ID resolves on its own (and in one batch): one refused or malformed ID is an error at
        # its own index, null there, and the other objects are still returned.
        return [resolve_node(info.context, str(i)) for i in ids]

    @scoped_field("The employee directory.", Scope.EMPLOYEES_READ)
    async def employees(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            EmployeeFilter | None, strawberry.argument(description="Only items meeting all these conditions.")
        ] = None,
        order_by: Annotated[
            EmployeeOrder | None, strawberry.argument(description="The order of the items; ties break on ID.")
        ] = None,
    ) -> Connection[Employee] | None:
        args = page_args(first, after, last, before)
        qs = em.Employee.filter(employee_q(filter))
        listing = await root_listing(qs, employee_sort(order_by), "employees", args, info.context.loaders)
        return to_connection(listing.page, Employee.from_row, listing.count)

    @scoped_field("All teams.", Scope.EMPLOYEES_READ)
    async def teams(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            TeamFilter | None, strawberry.argument(description="Only items meeting all these conditions.")
        ] = None,
        order_by: Annotated[
            TeamOrder | None, strawberry.argument(description="The order of the items; ties break on ID.")
        ] = None,
    ) -> Connection[Team] | None:
        args = page_args(first, after, last, before)
        qs = tm.Team.filter(team_q(filter))
        listing = await root_listing(qs, team_sort(order_by), "teams", args, info.context.loaders)
        return to_connection(listing.page, Team.from_row, listing.count)

    @scoped_field("Tasks you can see.", Scope.TASKS_READ)
    async def tasks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            TaskFilter | None, strawberry.argument(description="Only items meeting all these conditions.")
        ] = None,
        order_by: Annotated[
            TaskOrder | None, strawberry.argument(description="The order of the items; ties break on ID.")
        ] = None,
    ) -> Connection[Task] | None:
        args = page_args(first, after, last, before)
        policy = await info.context.policy()
        qs = tkm.Task.filter(tr.task_filter(**task_filter_kwargs(filter))).filter(policy.visible_tasks())
        listing = await root_listing(qs, task_sort(order_by), "tasks", args, info.context.loaders)
        return to_connection(listing.page, Task.from_row, listing.count)

    @scoped_field("Mentorships you can see.", Scope.MENTORSHIPS_READ)
    async def mentorships(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            MentorshipFilter | None,
            strawberry.argument(description="Only items meeting all these conditions."),
        ] = None,
        order_by: Annotated[
            MentorshipOrder | None,
            strawberry.argument(description="The order of the items; ties break on ID."),
        ] = None,
    ) -> Connection[Mentorship] | None:
        args = page_args(first, after, last, before)
        policy = await info.context.policy()
        q = mr.mentorship_filter(**mentorship_filter_kwargs(filter))
        qs = mm.Mentorship.filter(q).filter(policy.visible_mentorships())
        listing = await root_listing(qs, mentorship_sort(order_by), "mentorships", args, info.context.loaders)
        return to_connection(listing.page, Mentorship.from_row, listing.count)

    @scoped_field("The training catalog.", Scope.TRAINING_READ)
    async def training_courses(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            TrainingCourseFilter | None,
            strawberry.argument(description="Only items meeting all these conditions."),
        ] = None,
        order_by: Annotated[
            TrainingCourseOrder | None,
            strawberry.argument(description="The order of the items; ties break on ID."),
        ] = None,
    ) -> Connection[TrainingCourse] | None:
        args = page_args(first, after, last, before)
        q = trr.course_filter(
            search=filter.search if filter else None,
            category=filter.category if filter else None,
            mandatory=filter.mandatory if filter else None,
        )
        qs = trm.TrainingCourse.filter(q)
        listing = await root_listing(qs, course_sort(order_by), "trainingCourses", args, info.context.loaders)
        return to_connection(listing.page, TrainingCourse.from_row, listing.count)

    @scoped_field("Training sessions of every course.", Scope.TRAINING_READ)
    async def training_sessions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            TrainingSessionFilter | None,
            strawberry.argument(description="Only items meeting all these conditions."),
        ] = None,
        order_by: Annotated[
            TrainingSessionOrder | None,
            strawberry.argument(description="The order of the items; ties break on ID."),
        ] = None,
    ) -> Connection[TrainingSession] | None:
        args = page_args(first, after, last, before)
        qs = trm.TrainingSession.filter(trr.session_filter(**session_filter_kwargs(filter)))
        listing = await root_listing(
            qs, session_sort(order_by), "trainingSessions", args, info.context.loaders
        )
        return to_connection(listing.page, TrainingSession.from_row, listing.count)

    @scoped_field(
        "Colleagues who could mentor you in these skills: active employees ranked by how many of the "
        "skills they list (any case), then by name; never you or your reports. A ranked list, not "
        "a connection: it is computed, not paged.",
        Scope.EMPLOYEES_READ,
    )
    async def mentor_suggestions(
        self,
        info: Info,
        skills: Annotated[list[str], strawberry.argument(description="The skills you want to grow.")],
        first: Annotated[
            int, strawberry.argument(description=f"How many suggestions (1-{MAX_SUGGESTIONS}).")
        ] = 10,
    ) -> list[MentorSuggestion] | None:
        if not 1 <= first <= MAX_SUGGESTIONS:
            raise BadInput(f"first must be between 1 and {MAX_SUGGESTIONS}.")
        found = await mentor_suggestions(await info.context.policy(), skills, first)
        return [MentorSuggestion(suggestion=s) for s in found]
