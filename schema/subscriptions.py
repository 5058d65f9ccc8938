"""Root Subscription: live events over WebSocket (`graphql-transport-ws`), resumable with `after`.

Each field follows the log (resolvers/event_stream.py) and, for every event, builds a fresh
context cache and policy (a WebSocket's context lives as long as the connection), reads the
subject as it is now and lets it through only if the policy lets this subscriber read it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.permission import BasePermission

from auth.scopes import Scope
from events.broker import BrokerNotRunning, SubscriberTooSlow, current_broker
from models import tasks as tkm
from models import training as trm
from models.events import Event as EventRow
from resolvers import subscriptions as r
from resolvers.event_stream import ResumeTooOld, TokenGuard, TokenNoLongerValid, follow, parse_event_id
from resolvers.ids import to_global_id
from resolvers.problems import BadInput, Problem, Unauthenticated
from schema.common import pk_of
from schema.context import Context, Info
from schema.employees import Employee
from schema.live_events import (
    EmployeeEvent,
    Event,
    MentorshipEvent,
    TaskEvent,
    TeamEvent,
    TrainingEvent,
    event_fields,
)
from schema.mentorships import Mentorship, MentorshipCheckIn
from schema.nodes import NODE_KINDS
from schema.permissions import describe, requires
from schema.tasks import Task
from schema.teams import Team
from schema.training import Enrollment, TrainingSession

After = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Resume: first replay the events after this event `id` from the log, then go live."
    ),
]
Present = Callable[[Context, EventRow], Awaitable[Any]]


class SignedInEmployee(BasePermission):
    message = "Sign in as an employee: `viewerEvents` needs a user token."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        principal = info.context.principal
        if principal is None or principal.employee_id is None:
            raise Unauthenticated(self.message)
        return True


async def _visible(ctx: Context, type_name: str, pk: int | None) -> Any:
    """The subject row if it exists and this subscriber may read it (same rules as `node`)."""
    kind = NODE_KINDS[type_name]
    if pk is None or ctx.principal is None or not ctx.principal.has_scope(kind.scope):
        return None
    row = await ctx.loaders.by_id(kind.model).load(pk)
    if row is None:
        return None
    if kind.visible is not None and not await kind.visible(ctx, await ctx.policy(), row):
        return None
    return row


async def _stream(
    info: Info, types: frozenset[str], wants: Any, after: Any, present: Present
) -> AsyncGenerator[Any, None]:
    ctx = info.context
    try:
        after_id = parse_event_id(after)
    except ValueError as exc:
        raise BadInput(str(exc), code="INVALID_ID") from None
    try:
        hub = current_broker().hub
    except BrokerNotRunning as exc:
        raise Problem(str(exc), code="SERVICE_UNAVAILABLE") from None
    try:
        async for row in follow(hub, types, wants, after=after_id, guard=TokenGuard(ctx.principal)):
            ctx.renew()
            item = await present(ctx, row)
            if item is not None:
                yield item
    except TokenNoLongerValid as exc:
        # Re-authentication is a new connection: graphql-ws clients retry after 4403 and call a
        # `connectionParams` function again, which can fetch a fresh token.
        await ctx.request.close(code=4403, reason=str(exc)[:120])
    except SubscriberTooSlow as exc:
        raise Problem(
            f"{exc} Resubscribe with `after` set to the last event id you received.",
            code="SUBSCRIBER_TOO_SLOW",
        ) from None
    except ResumeTooOld as exc:
        raise Problem(str(exc), code="RESUME_TOO_OLD") from None


# --- presenting one event to one subscriber -------------------------------------------------
async def _task_event(
    ctx: Context, row: EventRow, team_id: int | None = None, assignee_id: int | None = None
) -> Any:
    task = await _visible(ctx, "Task", row.subject_id)
    judged = task
    if task is None and await ctx.loaders.by_id(tkm.Task).load(row.subject_id) is None:
        judged = r.deleted_task(row)  # gone: who could see it is read from its last event
        if not (await ctx.policy()).can_see_task(judged):
            return None
    if judged is None or not r.task_matches(judged, row, team_id, assignee_id):
        return None
    return TaskEvent(
        **event_fields(row),
        task_id=strawberry.ID(to_global_id("Task", row.subject_id)),
        task=Task.from_row(task) if task else None,
    )


async def _mentorship_of(ctx: Context, row: EventRow) -> tuple[Any, Any]:
    if row.subject_type == "MentorshipCheckIn":
        check_in = await _visible(ctx, "MentorshipCheckIn", row.subject_id)
        return (await _visible(ctx, "Mentorship", check_in.mentorship_id) if check_in else None), check_in
    return await _visible(ctx, "Mentorship", row.subject_id), None


async def _mentorship_event(ctx: Context, row: EventRow) -> Any:
    mentorship, check_in = await _mentorship_of(ctx, row)
    if mentorship is None:
        return None
    return MentorshipEvent(
        **event_fields(row),
        mentorship=Mentorship.from_row(mentorship),
        check_in=MentorshipCheckIn.from_row(check_in) if check_in else None,
    )


async def _training_parts(ctx: Context, row: EventRow) -> tuple[Any, Any]:
    """(session, enrollment) for a training event; the enrollment only if the subscriber may see it."""
    if row.subject_type == "Enrollment":
        enrollment = await ctx.loaders.by_id(trm.Enrollment).load(row.subject_id)
        if enrollment is None:
            return None, None
        return await _visible(ctx, "TrainingSession", enrollment.session_id), await _visible(
            ctx, "Enrollment", enrollment.id
        )
    return await _visible(ctx, "TrainingSession", row.subject_id), None


def _training_event(row: EventRow, session: Any, enrollment: Any) -> TrainingEvent:
    return TrainingEvent(
        **event_fields(row),
        session=TrainingSession.from_row(session),
        enrollment=Enrollment.from_row(enrollment) if enrollment else None,
    )


async def _viewer_event(ctx: Context, row: EventRow) -> Any:
    viewer_id = ctx.principal.employee_id if ctx.principal else None
    assert viewer_id is not None  # SignedInEmployee guarantees a user token
    if row.type in r.TASK_EVENT_TYPES:
        task = await _visible(ctx, "Task", row.subject_id)
        gone = task is None and await ctx.loaders.by_id(tkm.Task).load(row.subject_id) is None
        if gone:
            return await _task_event(ctx, row, assignee_id=viewer_id)
        if task is None or not r.involved_in_task(task, row).includes(viewer_id):
            return None
        return await _task_event(ctx, row)
    if row.type in r.MENTORSHIP_EVENT_TYPES:
        mentorship, _ = await _mentorship_of(ctx, row)
        if mentorship is None or not r.involved_in_mentorship(mentorship).includes(viewer_id):
            return None
        return await _mentorship_event(ctx, row)
    if row.type in r.TRAINING_EVENT_TYPES:
        session, enrollment = await _training_parts(ctx, row)
        if session is None:
            return None
        if enrollment is not None:
            involved = r.involved_in_enrollment(enrollment)
        else:
            involved = await r.involved_in_session(session, viewer_id)
        return _training_event(row, session, enrollment) if involved.includes(viewer_id) else None
    return await _profile_event(ctx, row, viewer_id)


async def _profile_event(ctx: Context, row: EventRow, viewer_id: int) -> Any:
    if row.subject_type == "Employee":
        employee = await _visible(ctx, "Employee", row.subject_id)
        if employee is None or not r.involved_in_employee(employee).includes(viewer_id):
            return None
        return EmployeeEvent(**event_fields(row), employee=Employee.from_row(employee))
    team = await _visible(ctx, "Team", row.subject_id)
    if team is None or not r.involved_in_membership(row).includes(viewer_id):
        return None
    member = await _visible(ctx, "Employee", viewer_id)
    return TeamEvent(
        **event_fields(row), team=Team.from_row(team), member=Employee.from_row(member) if member else None
    )


# --- the root fields -----------------------------------------------------------------------
async def task_events(
    info: Info,
    team_id: Annotated[
        strawberry.ID | None, strawberry.argument(description="Only tasks of this team.")
    ] = None,
    assignee_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="Only tasks assigned to (or just taken from) this employee."),
    ] = None,
    after: After = None,
) -> AsyncGenerator[TaskEvent, None]:
    team_pk, assignee_pk = pk_of(team_id, "Team"), pk_of(assignee_id, "Employee")

    async def present(ctx: Context, row: EventRow) -> Any:
        return await _task_event(ctx, row, team_pk, assignee_pk)

    async for item in _stream(
        info, r.TASK_EVENT_TYPES, lambda e: r.task_may_match(e, team_pk, assignee_pk), after, present
    ):
        yield item


async def viewer_events(info: Info, after: After = None) -> AsyncGenerator[Event, None]:
    principal = info.context.principal
    assert principal is not None and principal.employee_id is not None
    viewer_id = principal.employee_id
    types = r.viewer_event_types(principal.scopes)
    async for item in _stream(info, types, lambda e: r.viewer_may_match(e, viewer_id), after, _viewer_event):
        yield item


async def training_session_events(
    info: Info,
    session_id: Annotated[strawberry.ID, strawberry.argument(description="The training session to follow.")],
    after: After = None,
) -> AsyncGenerator[TrainingEvent, None]:
    session_pk = pk_of(session_id, "TrainingSession")
    assert session_pk is not None

    async def present(ctx: Context, row: EventRow) -> Any:
        session, enrollment = await _training_parts(ctx, row)
        if session is None or session.id != session_pk:
            return None
        return _training_event(row, session, enrollment)

    async for item in _stream(
        info, r.TRAINING_EVENT_TYPES, lambda e: r.training_may_match(e, session_pk), after, present
    ):
        yield item


async def mentorship_events(info: Info, after: After = None) -> AsyncGenerator[MentorshipEvent, None]:
    async for item in _stream(info, r.MENTORSHIP_EVENT_TYPES, lambda e: True, after, _mentorship_event):
        yield item


def _scoped(resolver: Any, description: str, scope: Scope) -> Any:
    return strawberry.subscription(
        resolver=resolver, description=describe(description, scope), permission_classes=[requires(scope)]
    )


@strawberry.type(
    description="Live updates over WebSocket (`graphql-transport-ws`); send the access token in `connection_init`."
)
class Subscription:
    task_events: AsyncGenerator[TaskEvent, None] = _scoped(
        task_events,
        "Tasks you can see being created, changed, moved and deleted; narrow by team or assignee.",
        Scope.TASKS_READ,
    )
    viewer_events: AsyncGenerator[Event, None] = strawberry.subscription(
        resolver=viewer_events,
        permission_classes=[SignedInEmployee],
        description=(
            "Everything that concerns you: tasks assigned to you or taken from you, mentorship requests "
            "to answer and answers to yours, your enrollments (waitlist promotions included), sessions "
            "you attend or teach being scheduled or cancelled, changes to your profile and teams. Each "
            "kind needs the scope that reads it (`tasks:read`, `mentorships:read`, `training:read`, "
            "`employees:read`).\n\nRequires a user token (not a service token)."
        ),
    )
    training_session_events: AsyncGenerator[TrainingEvent, None] = _scoped(
        training_session_events,
        "One training session as it changes: seats left, waitlist, cancellation.",
        Scope.TRAINING_READ,
    )
    mentorship_events: AsyncGenerator[MentorshipEvent, None] = _scoped(
        mentorship_events,
        "Mentorships you can see being requested, answered, ended and checked in.",
        Scope.MENTORSHIPS_READ,
    )


__all__ = ["Subscription"]
