"""Reading what one live event is about, for one subscriber: rows, never GraphQL types.

Called with a reader (a subscriber's context) whose caches were renewed for this event
(schema/live/subscriptions.py) and `see`, the node lookup's rule for one row: the row if it exists and
this subscriber may read it, else None (schema/live/presenters.py gives it; the rules themselves
are the policy's, auth/policy.py). Which events concern the viewer is decided in
resolvers/live/rules.py; schema/live/presenters.py turns what these return into event types.

Reading is shared, deciding is not. For each live event the process reads the subject row(s)
once (`preload`, through loaders kept in the hub's `EventContext`) and primes each subscriber's
own loaders with them; directory rows (employees, teams, courses, sessions: anyone with the
read scope sees them whole) are served to every subscriber's GraphQL fields by one loader per
event (`sharing`). Each subscriber's policy still judges each row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from tortoise.models import Model

from auth.policy import Policy
from auth.principal import Principal
from auth.scopes import Scope
from events.hub import EventContext
from models import employees as em
from models import mentorships as mm
from models import tasks as tkm
from models import teams as tm
from models import training as trm
from models.events import Event
from resolvers.core.loaders import Loaders, SharedById
from resolvers.live import rules as r


class Reader(Protocol):
    """Who reads: a subscriber's context (web/context.py `Context`)."""

    principal: Principal | None
    loaders: Loaders

    async def policy(self) -> Policy: ...


def reads_people(reader: Reader) -> bool:
    """People an event names (its actor, a deleted task's assignee...) are shown only to a token
    that reads the directory; otherwise they are null."""
    principal = reader.principal
    return principal is not None and principal.has_scope(Scope.EMPLOYEES_READ)


async def person(reader: Reader, pk: int | None) -> em.Employee | None:
    """The employee `pk` an event names, or None when there is none or this reader may not read
    the directory."""
    if pk is None or not reads_people(reader):
        return None
    row: em.Employee | None = await reader.loaders.by_id(em.Employee).load(pk)
    return row


# The subject row of `type_name` with id `pk` if this subscriber may read it, else None.
See = Callable[[str, int | None], Awaitable[Any]]

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


async def _prime(reader: Reader, live: EventContext, model: type[Model], pk: int) -> Any:
    row = await _rows(live).by_id(model).load(pk)
    if model not in SHARED_MODELS:
        reader.loaders.by_id(model).prime(pk, row)
    return row


async def preload(reader: Reader, live: EventContext, model: type[Model] | None) -> None:
    """Read the event's subject (a `model` row) and the parent its visibility needs once per
    event; prime the reader's loaders with them."""
    event = live.event
    if model is None or event.subject_id is None:
        return
    subject = await _prime(reader, live, model, event.subject_id)
    parent = _PARENTS.get(event.subject_type)
    if subject is not None and parent is not None and getattr(subject, parent[0]) is not None:
        await _prime(reader, live, parent[1], getattr(subject, parent[0]))


@dataclass(frozen=True)
class TaskSubject:
    """A task event's subject for one subscriber: the task as it is now, or, once it is gone,
    the stand-in its deletion event describes."""

    task: tkm.Task | None
    deleted: tkm.Task | None = None


async def task_subject(
    reader: Reader, see: See, row: Event, team_id: int | None = None, assignee_id: int | None = None
) -> TaskSubject | None:
    """The task `row` is about, if this subscriber may see it and it matches the filters."""
    task = await see("Task", row.subject_id)
    judged, deleted = task, None
    if task is None and await reader.loaders.by_id(tkm.Task).load(row.subject_id) is None:
        # Gone (this event is its deletion, or one replayed from before it): who could see the
        # task, and what it was, is read from its deletion event.
        deletion = await r.task_deletion(row)
        if deletion is None:
            return None
        judged = deleted = r.deleted_task(deletion)
        if not (await reader.policy()).can_see_task(judged):
            return None
    if judged is None or not r.task_matches(judged, row, team_id, assignee_id):
        return None
    return TaskSubject(task, deleted)


async def mentorship_of(see: See, row: Event) -> tuple[Any, Any]:
    """(mentorship, check-in) of a mentorship event, each only if the subscriber may see it."""
    if row.subject_type == "MentorshipCheckIn":
        check_in = await see("MentorshipCheckIn", row.subject_id)
        return (await see("Mentorship", check_in.mentorship_id) if check_in else None), check_in
    return await see("Mentorship", row.subject_id), None


async def training_parts(reader: Reader, see: See, row: Event) -> tuple[Any, Any]:
    """(session, enrollment) for a training event; the enrollment only if the subscriber may see it."""
    if row.subject_type == "Enrollment":
        enrollment = await reader.loaders.by_id(trm.Enrollment).load(row.subject_id)
        if enrollment is None:
            return None, None
        return await see("TrainingSession", enrollment.session_id), await see("Enrollment", enrollment.id)
    return await see("TrainingSession", row.subject_id), None


async def session_parts(
    reader: Reader, see: See, row: Event, session_id: int | None
) -> tuple[Any, Any] | None:
    """(session, enrollment) when a training event is about the session `session_id`."""
    session, enrollment = await training_parts(reader, see, row)
    if session is None or session.id != session_id:
        return None
    return session, enrollment


def actor_hidden(row: Event, enrollment: Any) -> bool:
    """Who enrolled, cancelled or was promoted is part of the enrollment: hidden with it."""
    return row.subject_type == "Enrollment" and enrollment is None


# --- `viewerEvents`: what concerns the signed-in employee ----------------------------------
async def viewer_task(reader: Reader, see: See, row: Event, viewer_id: int) -> TaskSubject | None:
    task = await see("Task", row.subject_id)
    gone = task is None and await reader.loaders.by_id(tkm.Task).load(row.subject_id) is None
    if gone:
        return await task_subject(reader, see, row, assignee_id=viewer_id)
    if task is None or not r.involved_in_task(task, row).includes(viewer_id):
        return None
    return await task_subject(reader, see, row)


async def viewer_mentorship(see: See, row: Event, viewer_id: int) -> tuple[Any, Any] | None:
    mentorship, check_in = await mentorship_of(see, row)
    if mentorship is None or not r.involved_in_mentorship(mentorship).includes(viewer_id):
        return None
    return mentorship, check_in


async def viewer_training(
    reader: Reader, see: See, row: Event, live: EventContext, viewer_id: int
) -> tuple[Any, Any] | None:
    session, enrollment = await training_parts(reader, see, row)
    if session is None:
        return None
    if row.subject_type == "Enrollment":  # the enrolled employee's own news, not the class's
        involved = r.involved_in_enrollment(enrollment) if enrollment is not None else r.NOBODY
    else:
        key = ("involved_in_session", session.id, viewer_id)  # the same for each connection of a viewer
        involved = await live.shared(
            key, lambda: asyncio.ensure_future(r.involved_in_session(session, viewer_id, row))
        )
    return (session, enrollment) if involved.includes(viewer_id) else None


async def viewer_kudos(see: See, row: Event, viewer_id: int) -> Any:
    """Kudos the viewer received."""
    kudos = await see("Kudos", row.subject_id)
    if kudos is None or not r.involved_in_kudos(kudos).includes(viewer_id):
        return None
    return kudos


async def viewer_feedback(see: See, row: Event, viewer_id: int) -> Any:
    """A feedback request addressed to the viewer, or the answer to one of theirs."""
    request = await see("FeedbackRequest", row.subject_id)
    if request is None or not r.involved_in_feedback(request, row).includes(viewer_id):
        return None
    return request


async def viewer_employee(see: See, row: Event, viewer_id: int) -> Any:
    """The viewer's own employee row, for a change to their profile."""
    employee = await see("Employee", row.subject_id)
    if employee is None or not r.involved_in_employee(employee).includes(viewer_id):
        return None
    return employee


async def viewer_team(see: See, row: Event, viewer_id: int) -> tuple[Any, Any] | None:
    """(team, the viewer's employee row) for the viewer joining or leaving a team."""
    team = await see("Team", row.subject_id)
    if team is None or not r.involved_in_membership(row).includes(viewer_id):
        return None
    return team, await see("Employee", viewer_id)


async def viewer_time_off(reader: Reader, see: See, row: Event) -> Any:
    """The time-off request, for its employee and the managers above them."""
    request = await see("TimeOffRequest", row.subject_id)
    if request is None or not r.involved_in_time_off(request, await reader.policy()):
        return None
    return request
