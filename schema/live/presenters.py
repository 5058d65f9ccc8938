"""Presenting one event to one subscriber: the subject as it is now, if the policy allows.

Called with a context whose caches were renewed for this event (schema/subscription.py). The
subject is read through the same table and visibility rules as `node(id:)` (resolvers/core/nodes.py);
which events concern the viewer is decided in resolvers/live/rules.py.

Reading is shared, deciding is not. For each live event the process reads the subject row(s)
once (`preload`, through loaders kept in the hub's `EventContext`) and primes each subscriber's
own loaders with them; directory rows (employees, teams, courses, sessions: anyone with the
read scope sees them whole) are served to every subscriber's GraphQL fields by one loader per
event (`sharing`). Each subscriber's policy (web/context.py `policy()`) still judges each row.
"""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from tortoise.models import Model

from events.hub import EventContext
from ids import to_global_id
from models import employees as em
from models import mentorships as mm
from models import tasks as tkm
from models import teams as tm
from models import training as trm
from models.events import Event as EventRow
from resolvers.core.loaders import Loaders, SharedById
from resolvers.live import rules as r
from schema.core.nodes import NODE_KINDS
from schema.employees.types import Employee
from schema.live.people import shown_id
from schema.live.types import (
    DeletedTask,
    EmployeeEvent,
    MentorshipEvent,
    TaskEvent,
    TeamEvent,
    TrainingEvent,
    event_fields,
)
from schema.mentorships.types import Mentorship, MentorshipCheckIn
from schema.tasks.types import Task
from schema.teams.types import Team
from schema.training.types import Enrollment, TrainingSession
from web.context import Context

# Rows any reader of their type sees whole: one loader per event serves every subscriber's fields.
SHARED_MODELS: frozenset[type[Model]] = frozenset(
    {em.Employee, tm.Team, trm.TrainingCourse, trm.TrainingSession}
)
# A subject's parent that its visibility check reads: (field, model).
_PARENTS: dict[str, tuple[str, type[Model]]] = {
    "MentorshipCheckIn": ("mentorship_id", mm.Mentorship),
    "Enrollment": ("session_id", trm.TrainingSession),
}


def _rows(live: EventContext) -> Loaders:
    """By-id loaders of this event, for every subscriber (no policy: they never filter)."""
    return live.shared("rows", Loaders)


def sharing(live: EventContext) -> SharedById:
    """For `Context.renew`: this event's loader of a directory model, None for the others."""
    rows = _rows(live)
    return lambda model: rows.by_id(model) if model in SHARED_MODELS else None


async def _prime(ctx: Context, live: EventContext, model: type[Model], pk: int) -> Any:
    row = await _rows(live).by_id(model).load(pk)
    if model not in SHARED_MODELS:
        ctx.loaders.by_id(model).prime(pk, row)
    return row


async def preload(ctx: Context, live: EventContext) -> None:
    """Read the event's subject (and the parent its visibility needs) once per event; prime `ctx`."""
    event = live.event
    kind = NODE_KINDS.get(event.subject_type)
    if kind is None or event.subject_id is None:
        return
    subject = await _prime(ctx, live, kind.model, event.subject_id)
    parent = _PARENTS.get(event.subject_type)
    if subject is not None and parent is not None and getattr(subject, parent[0]) is not None:
        await _prime(ctx, live, parent[1], getattr(subject, parent[0]))


async def visible(ctx: Context, type_name: str, pk: int | None) -> Any:
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


async def task_event(
    ctx: Context, row: EventRow, team_id: int | None = None, assignee_id: int | None = None
) -> Any:
    task = await visible(ctx, "Task", row.subject_id)
    judged, deleted = task, None
    if task is None and await ctx.loaders.by_id(tkm.Task).load(row.subject_id) is None:
        # Gone (this event is its deletion, or one replayed from before it): who could see the
        # task, and what it was, is read from its deletion event.
        deletion = await r.task_deletion(row)
        if deletion is None:
            return None
        judged = deleted = r.deleted_task(deletion)
        if not (await ctx.policy()).can_see_task(judged):
            return None
    if judged is None or not r.task_matches(judged, row, team_id, assignee_id):
        return None
    return TaskEvent(
        **event_fields(row),
        task_id=strawberry.ID(to_global_id("Task", row.subject_id)),
        task=Task.from_row(task) if task else None,
        deleted_task=_deleted_task(ctx, deleted) if deleted is not None else None,
    )


def _deleted_task(ctx: Context, task: tkm.Task) -> DeletedTask:
    return DeletedTask(
        title=task.title,
        assignee_id=shown_id(ctx, "Employee", task.assignee_id),
        creator_id=shown_id(ctx, "Employee", task.creator_id),
        team_id=shown_id(ctx, "Team", task.team_id),
    )


async def mentorship_of(ctx: Context, row: EventRow) -> tuple[Any, Any]:
    if row.subject_type == "MentorshipCheckIn":
        check_in = await visible(ctx, "MentorshipCheckIn", row.subject_id)
        return (await visible(ctx, "Mentorship", check_in.mentorship_id) if check_in else None), check_in
    return await visible(ctx, "Mentorship", row.subject_id), None


async def mentorship_event(ctx: Context, row: EventRow) -> Any:
    mentorship, check_in = await mentorship_of(ctx, row)
    if mentorship is None:
        return None
    return MentorshipEvent(
        **event_fields(row),
        mentorship=Mentorship.from_row(mentorship),
        check_in=MentorshipCheckIn.from_row(check_in) if check_in else None,
    )


async def training_parts(ctx: Context, row: EventRow) -> tuple[Any, Any]:
    """(session, enrollment) for a training event; the enrollment only if the subscriber may see it."""
    if row.subject_type == "Enrollment":
        enrollment = await ctx.loaders.by_id(trm.Enrollment).load(row.subject_id)
        if enrollment is None:
            return None, None
        return await visible(ctx, "TrainingSession", enrollment.session_id), await visible(
            ctx, "Enrollment", enrollment.id
        )
    return await visible(ctx, "TrainingSession", row.subject_id), None


def training_event(row: EventRow, session: Any, enrollment: Any) -> TrainingEvent:
    # Who enrolled, cancelled or was promoted is part of the enrollment: hidden with it.
    hidden = row.subject_type == "Enrollment" and enrollment is None
    return TrainingEvent(
        **event_fields(row, actor_shown=not hidden),
        session=TrainingSession.from_row(session),
        enrollment=Enrollment.from_row(enrollment) if enrollment else None,
    )


async def viewer_event(ctx: Context, row: EventRow, live: EventContext) -> Any:
    viewer_id = ctx.principal.employee_id if ctx.principal else None
    assert viewer_id is not None  # SignedInEmployee guarantees a user token
    if row.type in r.TASK_EVENT_TYPES:
        task = await visible(ctx, "Task", row.subject_id)
        gone = task is None and await ctx.loaders.by_id(tkm.Task).load(row.subject_id) is None
        if gone:
            return await task_event(ctx, row, assignee_id=viewer_id)
        if task is None or not r.involved_in_task(task, row).includes(viewer_id):
            return None
        return await task_event(ctx, row)
    if row.type in r.MENTORSHIP_EVENT_TYPES:
        mentorship, _ = await mentorship_of(ctx, row)
        if mentorship is None or not r.involved_in_mentorship(mentorship).includes(viewer_id):
            return None
        return await mentorship_event(ctx, row)
    if row.type in r.TRAINING_EVENT_TYPES:
        session, enrollment = await training_parts(ctx, row)
        if session is None:
            return None
        if row.subject_type == "Enrollment":  # the enrolled employee's own news, not the class's
            involved = r.involved_in_enrollment(enrollment) if enrollment is not None else r.NOBODY
        else:
            key = ("involved_in_session", session.id, viewer_id)  # the same for each connection of a viewer
            involved = await live.shared(
                key, lambda: asyncio.ensure_future(r.involved_in_session(session, viewer_id, row))
            )
        return training_event(row, session, enrollment) if involved.includes(viewer_id) else None
    return await profile_event(ctx, row, viewer_id)


async def profile_event(ctx: Context, row: EventRow, viewer_id: int) -> Any:
    if row.subject_type == "Employee":
        employee = await visible(ctx, "Employee", row.subject_id)
        if employee is None or not r.involved_in_employee(employee).includes(viewer_id):
            return None
        return EmployeeEvent(**event_fields(row), employee=Employee.from_row(employee))
    team = await visible(ctx, "Team", row.subject_id)
    if team is None or not r.involved_in_membership(row).includes(viewer_id):
        return None
    member = await visible(ctx, "Employee", viewer_id)
    return TeamEvent(
        **event_fields(row),
        team=Team.from_row(team),
        member=Employee.from_row(member) if member else None,
        member_id=shown_id(ctx, "Employee", r.membership_employee(row)),
    )
