"""Employee fields that follow a relation backwards: teams led, tasks created, sessions taught;
and the edges of an employee's teams (with the employee's role in each).

Attached to `Employee` with `strawberry.field(resolver=...)`. The types they return live in
modules that import `Employee`, so they are named lazily (`strawberry.lazy`) and built through
the presenter registry (schema/core/relay.py), never imported here at run time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry

from models import teams as tm
from resolvers.core.listing import Listing
from resolvers.feedback import reads as feedback_reads
from resolvers.tasks import reads as task_reads
from resolvers.teams import reads as team_reads
from resolvers.training import reads as training_reads
from schema.core.enums import TeamRole
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.relay import PageInfo, build_edges, child_connection, present
from schema.feedback.filters import (
    PARTITIONS,
    FeedbackRequestDirection,
    FeedbackRequestFilter,
    feedback_request_filter_kwargs,
)
from schema.tasks.filters import TaskFilter, TaskOrder, task_filter_kwargs, task_sort
from schema.teams.filters import team_sort
from schema.training.filters import (
    TrainingSessionFilter,
    TrainingSessionOrder,
    session_filter_kwargs,
    session_sort,
)
from web.context import Info

if TYPE_CHECKING:
    from schema.feedback.types import FeedbackRequest, Kudos, RecognizedSkill
    from schema.mentorships.types import Mentorship
    from schema.tasks.types import Task
    from schema.teams.types import Team
    from schema.training.types import Enrollment, TrainingCompliance, TrainingSession

# The other domains' types an Employee's fields return.
MentorshipRef = Annotated["Mentorship", strawberry.lazy("schema.mentorships.types")]
TaskRef = Annotated["Task", strawberry.lazy("schema.tasks.types")]
TeamRef = Annotated["Team", strawberry.lazy("schema.teams.types")]
EnrollmentRef = Annotated["Enrollment", strawberry.lazy("schema.training.types")]
TrainingComplianceRef = Annotated["TrainingCompliance", strawberry.lazy("schema.training.types")]
TrainingSessionRef = Annotated["TrainingSession", strawberry.lazy("schema.training.types")]
KudosRef = Annotated["Kudos", strawberry.lazy("schema.feedback.types")]
FeedbackRequestRef = Annotated["FeedbackRequest", strawberry.lazy("schema.feedback.types")]
RecognizedSkillRef = Annotated["RecognizedSkill", strawberry.lazy("schema.feedback.types")]


async def led_teams(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Any:
    spec = team_reads.led_by(team_sort(None), page_args(first, after, last, before))
    return await child_connection(root.pk, spec, info.context.loaders)


async def created_tasks(
    root: Any,
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[TaskFilter | None, FILTER_ARGUMENT] = None,
    order_by: Annotated[TaskOrder | None, ORDER_ARGUMENT] = None,
) -> Any:
    args = page_args(first, after, last, before)
    spec = task_reads.child_tasks("creator_id", task_sort(order_by), args, task_filter_kwargs(filter))
    return await child_connection(root.pk, spec, info.context.loaders)


async def instructed_sessions(
    root: Any,
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[TrainingSessionFilter | None, FILTER_ARGUMENT] = None,
    order_by: Annotated[TrainingSessionOrder | None, ORDER_ARGUMENT] = None,
) -> Any:
    spec = training_reads.taught_by(
        session_sort(order_by), page_args(first, after, last, before), session_filter_kwargs(filter)
    )
    return await child_connection(root.pk, spec, info.context.loaders)


async def kudos_received(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Any:
    spec = feedback_reads.kudos_received(page_args(first, after, last, before))
    return await child_connection(root.pk, spec, info.context.loaders)


async def feedback_requests(
    root: Any,
    info: Info,
    direction: Annotated[
        FeedbackRequestDirection,
        strawberry.argument(description="REQUESTED (made by the employee) or ASKED (addressed to them)."),
    ] = FeedbackRequestDirection.REQUESTED,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[FeedbackRequestFilter | None, FILTER_ARGUMENT] = None,
) -> Any:
    args = page_args(first, after, last, before)
    spec = feedback_reads.child_feedback_requests(
        PARTITIONS[direction], args, feedback_request_filter_kwargs(filter)
    )
    return await child_connection(root.pk, spec, info.context.loaders)


async def recognized_skills(root: Any, info: Info) -> Any:
    return [present(s) for s in await feedback_reads.recognized_skills(info.context.loaders, root.pk)]


@strawberry.type(description="A team the employee belongs to, with the employee's role in it.")
class EmployeeTeamEdge:
    cursor: str = strawberry.field(description="Pass as `after` (or `before`) to page from this item.")
    membership: strawberry.Private[tm.TeamMembership]

    @strawberry.field(description="The employee's role in the team.")
    def role(self) -> TeamRole:
        return TeamRole(self.membership.role)

    @strawberry.field(description="When the employee joined the team.")
    def joined_at(self) -> datetime:
        return self.membership.joined_at

    @strawberry.field(description="The team.")
    def node(self) -> TeamRef:
        # `target` is the team row the list attached (resolvers/employees/reads.py).
        team = self.membership.target  # type: ignore[attr-defined]
        return cast("Team", present(team))


@strawberry.type(description="The teams an employee belongs to.")
class EmployeeTeamConnection:
    edges: list[EmployeeTeamEdge] = strawberry.field(description="The teams of this page with the role held.")
    page_info: PageInfo = strawberry.field(description="Paging information for this page.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many teams the employee belongs to.")
    async def total_count(self) -> int:
        return await self.count()


def present_memberships(listing: Listing) -> EmployeeTeamConnection:
    """An employee's team memberships (each with its team attached) as a connection."""
    edges, page_info = build_edges(listing.page, lambda row: row)
    return EmployeeTeamConnection(
        edges=[EmployeeTeamEdge(cursor=e.cursor, membership=e.node) for e in edges],
        page_info=page_info,
        count=listing.count,
    )
