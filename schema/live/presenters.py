"""Presenting one event to one subscriber: the event types, built from the rows it may see.

Called with a context whose caches were renewed for this event (schema/live/subscriptions.py). What
the event is about, for this subscriber, is read and decided in resolvers/live/reads.py (which
rows, once per event, and whether they concern the viewer: resolvers/live/rules.py); this module
gives it `visible`, the node lookup's table and rules (resolvers/core/nodes.py), and turns the rows
it returns into GraphQL objects.
"""

from __future__ import annotations

from typing import Any

import strawberry

from events.hub import EventContext
from ids import to_global_id
from models import tasks as tkm
from models.events import Event as EventRow
from resolvers.core.loaders import SharedById
from resolvers.live import reads
from resolvers.live import rules as r
from schema.core.nodes import NODE_KINDS
from schema.employees.types import Employee
from schema.feedback.types import FeedbackRequest, Kudos
from schema.live.people import shown_id
from schema.live.types import (
    DeletedTask,
    EmployeeEvent,
    FeedbackEvent,
    KudosEvent,
    MentorshipEvent,
    TaskEvent,
    TeamEvent,
    TimeOffEvent,
    TrainingEvent,
    event_fields,
)
from schema.mentorships.types import Mentorship, MentorshipCheckIn
from schema.schedules.types import TimeOffRequest
from schema.tasks.types import Task
from schema.teams.types import Team
from schema.training.types import Enrollment, TrainingSession
from web.context import Context


def _see(ctx: Context) -> reads.See:
    return lambda type_name, pk: visible(ctx, type_name, pk)


def sharing(live: EventContext) -> SharedById:
    """For `Context.renew`: this event's loader of a directory model, None for the others."""
    return reads.sharing(live)


async def preload(ctx: Context, live: EventContext) -> None:
    """Read the event's subject (and the parent its visibility needs) once per event; prime `ctx`."""
    kind = NODE_KINDS.get(live.event.subject_type)
    await reads.preload(ctx, live, kind.model if kind is not None else None)


async def visible(ctx: Context, type_name: str, pk: int | None) -> Any:
    """The subject row if it exists and this subscriber may read it (the node lookup's rules)."""
    kind = NODE_KINDS[type_name]
    if pk is None or ctx.principal is None or not ctx.principal.has_scope(kind.scope):
        return None
    row = await ctx.loaders.by_id(kind.model).load(pk)
    if row is None:
        return None
    if kind.visible is not None and not await kind.visible(ctx, await ctx.policy(), row):
        return None
    return row


def _task_event(ctx: Context, row: EventRow, subject: reads.TaskSubject | None) -> TaskEvent | None:
    if subject is None:
        return None
    return TaskEvent(
        **event_fields(row),
        task_id=strawberry.ID(to_global_id("Task", row.subject_id)),
        task=Task.from_row(subject.task) if subject.task else None,
        deleted_task=_deleted_task(ctx, subject.deleted) if subject.deleted is not None else None,
    )


async def task_event(
    ctx: Context, row: EventRow, team_id: int | None = None, assignee_id: int | None = None
) -> TaskEvent | None:
    return _task_event(ctx, row, await reads.task_subject(ctx, _see(ctx), row, team_id, assignee_id))


def _deleted_task(ctx: Context, task: tkm.Task) -> DeletedTask:
    return DeletedTask(
        title=task.title,
        assignee_id=shown_id(ctx, "Employee", task.assignee_id),
        creator_id=shown_id(ctx, "Employee", task.creator_id),
        team_id=shown_id(ctx, "Team", task.team_id),
    )


def _mentorship_event(row: EventRow, parts: tuple[Any, Any] | None) -> MentorshipEvent | None:
    if parts is None or parts[0] is None:
        return None
    mentorship, check_in = parts
    return MentorshipEvent(
        **event_fields(row),
        mentorship=Mentorship.from_row(mentorship),
        check_in=MentorshipCheckIn.from_row(check_in) if check_in else None,
    )


async def mentorship_event(ctx: Context, row: EventRow) -> MentorshipEvent | None:
    return _mentorship_event(row, await reads.mentorship_of(_see(ctx), row))


def training_event(row: EventRow, session: Any, enrollment: Any) -> TrainingEvent:
    return TrainingEvent(
        **event_fields(row, actor_shown=not reads.actor_hidden(row, enrollment)),
        session=TrainingSession.from_row(session),
        enrollment=Enrollment.from_row(enrollment) if enrollment else None,
    )


async def session_event(ctx: Context, row: EventRow, session_id: int | None) -> TrainingEvent | None:
    """A training event of the session `session_id` (`trainingSessionEvents`, shaped webhooks)."""
    parts = await reads.session_parts(ctx, _see(ctx), row, session_id)
    return training_event(row, *parts) if parts is not None else None


async def viewer_event(ctx: Context, row: EventRow, live: EventContext) -> Any:
    viewer_id = ctx.principal.employee_id if ctx.principal else None
    assert viewer_id is not None  # SignedInEmployee guarantees a user token
    see = _see(ctx)
    if row.type in r.TASK_EVENT_TYPES:
        return _task_event(ctx, row, await reads.viewer_task(ctx, see, row, viewer_id))
    if row.type in r.MENTORSHIP_EVENT_TYPES:
        return _mentorship_event(row, await reads.viewer_mentorship(see, row, viewer_id))
    if row.type in r.TRAINING_EVENT_TYPES:
        parts = await reads.viewer_training(ctx, see, row, live, viewer_id)
        return training_event(row, *parts) if parts is not None else None
    if row.type in r.KUDOS_EVENT_TYPES:
        kudos = await reads.viewer_kudos(see, row, viewer_id)
        return KudosEvent(**event_fields(row), kudos=Kudos.from_row(kudos)) if kudos else None
    if row.type in r.FEEDBACK_EVENT_TYPES:
        request = await reads.viewer_feedback(see, row, viewer_id)
        if request is None:
            return None
        return FeedbackEvent(**event_fields(row), feedback_request=FeedbackRequest.from_row(request))
    if row.type in r.TIME_OFF_EVENT_TYPES:
        request = await reads.viewer_time_off(ctx, see, row)
        return (
            TimeOffEvent(**event_fields(row), time_off_request=TimeOffRequest.from_row(request))
            if request
            else None
        )
    if row.subject_type == "Employee":
        employee = await reads.viewer_employee(see, row, viewer_id)
        return EmployeeEvent(**event_fields(row), employee=Employee.from_row(employee)) if employee else None
    membership = await reads.viewer_team(see, row, viewer_id)
    if membership is None:
        return None
    team, member = membership
    return TeamEvent(
        **event_fields(row),
        team=Team.from_row(team),
        member=Employee.from_row(member) if member else None,
        member_id=shown_id(ctx, "Employee", r.membership_employee(row)),
    )
