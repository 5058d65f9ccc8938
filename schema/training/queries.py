"""The training root fields: the `trainingCourses` catalog and `trainingSessions`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.training import reads as r
from resolvers.training.requirements import compliance_report as report_of
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args, pk_of
from schema.core.permissions import scoped
from schema.core.relay import Connection, to_connection
from schema.training.filters import (
    TrainingCourseFilter,
    TrainingCourseOrder,
    TrainingSessionFilter,
    TrainingSessionOrder,
    course_filter_kwargs,
    course_sort,
    session_filter_kwargs,
    session_sort,
)
from schema.training.requirements import ComplianceReport
from schema.training.types import TrainingCourse, TrainingSession
from web.context import Info


@scoped("The training catalog.", Scope.TRAINING_READ)
async def training_courses(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[TrainingCourseFilter | None, FILTER_ARGUMENT] = None,
    order_by: Annotated[TrainingCourseOrder | None, ORDER_ARGUMENT] = None,
) -> Connection[TrainingCourse] | None:
    args = page_args(first, after, last, before)
    listing = await r.course_listing(
        course_filter_kwargs(filter), course_sort(order_by), args, info.context.loaders
    )
    return to_connection(listing.page, TrainingCourse.from_row, listing.count)


@scoped("Training sessions of every course.", Scope.TRAINING_READ)
async def training_sessions(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[TrainingSessionFilter | None, FILTER_ARGUMENT] = None,
    order_by: Annotated[TrainingSessionOrder | None, ORDER_ARGUMENT] = None,
) -> Connection[TrainingSession] | None:
    args = page_args(first, after, last, before)
    listing = await r.session_listing(
        session_filter_kwargs(filter), session_sort(order_by), args, info.context.loaders
    )
    return to_connection(listing.page, TrainingSession.from_row, listing.count)


@scoped(
    "Required training of a team's direct members: each member's status with each requirement. For the "
    "team's lead, managers above its members (their reports only), HR and service tokens; FORBIDDEN "
    "for anyone else, NOT_FOUND for an unknown team.",
    Scope.TRAINING_READ,
)
async def compliance_report(
    info: Info, team_id: Annotated[strawberry.ID, strawberry.argument(description="The team.")]
) -> ComplianceReport | None:
    row = await report_of(await info.context.policy(), pk_of(team_id, "Team"))
    return ComplianceReport.from_row(row)
