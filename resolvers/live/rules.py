"""Which events concern whom: the rules behind each subscription, as plain functions.

Two steps per event, so that most events are dropped before any query:

- `*_may_match(event, ...)` look only at the event row (its type, subject and `data`), and run in
  the broker for every subscriber; they say False only when the event certainly does not match;
- the final answer uses the subject as it is now (loaded per event by the caller) and, for
  visibility, the policy (auth/policy.py) — never a rule re-implemented here.

Event `data` conventions read here (writers: resolvers/workflows/*): task events carry
`assigneeId`, `teamId` (and, when they change, `previousAssigneeId`; `task.deleted` also
`creatorId`); enrollment events `sessionId` and `employeeId`; team membership events `employeeId`;
check-in events `mentorshipId`. Missing keys only make the first step less selective.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auth.policy import Policy
from auth.scopes import Scope
from events.log import EVENT_TYPES, EventType
from models.employees import Employee
from models.events import Event
from models.feedback import FeedbackRequest, Kudos
from models.mentorships import Mentorship
from models.schedules import TimeOffRequest
from models.tasks import Task
from models.training import Enrollment, EnrollmentStatus, TrainingSession


def _types(prefix: str) -> frozenset[str]:
    return frozenset(t for t in EVENT_TYPES if t.startswith(prefix))


TASK_EVENT_TYPES = _types("task.")
MENTORSHIP_EVENT_TYPES = _types("mentorship.")
TRAINING_EVENT_TYPES = _types("training.")
KUDOS_EVENT_TYPES = _types("kudos.")
FEEDBACK_EVENT_TYPES = _types("feedback.")
TIME_OFF_EVENT_TYPES = _types("time_off.")
VIEWER_PROFILE_EVENT_TYPES = frozenset(
    {EventType.EMPLOYEE_UPDATED, EventType.TEAM_MEMBER_ADDED, EventType.TEAM_MEMBER_REMOVED}
)

# The scope a viewer's token needs to hear each family of events in `viewerEvents`.
VIEWER_EVENT_SCOPES: dict[frozenset[str], Scope] = {
    TASK_EVENT_TYPES: Scope.TASKS_READ,
    MENTORSHIP_EVENT_TYPES: Scope.MENTORSHIPS_READ,
    TRAINING_EVENT_TYPES: Scope.TRAINING_READ,
    VIEWER_PROFILE_EVENT_TYPES: Scope.EMPLOYEES_READ,
    KUDOS_EVENT_TYPES | FEEDBACK_EVENT_TYPES: Scope.FEEDBACK_READ,
    TIME_OFF_EVENT_TYPES: Scope.SCHEDULES_READ,
}


def viewer_event_types(scopes: frozenset[str]) -> frozenset[str]:
    """The event types `viewerEvents` may deliver to a token with these scopes."""
    allowed: set[str] = set()
    for types, scope in VIEWER_EVENT_SCOPES.items():
        if scope.value in scopes:
            allowed |= types
    return frozenset(allowed)


def _int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


def _data(event: Event) -> dict[str, Any]:
    return event.data if isinstance(event.data, dict) else {}


# --- what can change visibility -----------------------------------------------------------
# A policy (auth/policy.py) is read from the viewer's row (role), team memberships (and their
# roles) and the manager chain. These events can change one of those; live connections drop
# their cached policies when one is delivered (resolvers/live/stream.py PolicyCache).
_VISIBILITY_TYPES = frozenset(
    {
        EventType.EMPLOYEE_CREATED,
        EventType.TEAM_UPDATED,
        EventType.TEAM_MEMBER_ADDED,
        EventType.TEAM_MEMBER_REMOVED,
    }
)
_VISIBILITY_FIELDS = frozenset({"managerId", "role", "status"})


def changes_visibility(event: Event) -> bool:
    if event.type in _VISIBILITY_TYPES:
        return True
    if event.type != EventType.EMPLOYEE_UPDATED:
        return False
    changed = _data(event).get("changed")
    return not isinstance(changed, list) or bool(_VISIBILITY_FIELDS.intersection(changed))


# --- tasks ---------------------------------------------------------------------------------
def task_may_match(event: Event, team_id: int | None, assignee_id: int | None) -> bool:
    data = _data(event)
    if team_id is not None and "teamId" in data and _int(data, "teamId") != team_id:
        return False
    if assignee_id is not None and "assigneeId" in data:
        return assignee_id in {_int(data, "assigneeId"), _int(data, "previousAssigneeId")}
    return True


def task_matches(task: Task, event: Event, team_id: int | None, assignee_id: int | None) -> bool:
    """The task (as it is now) is in the team and with the assignee asked for, or was at the event."""
    data = _data(event)
    if team_id is not None and team_id not in {task.team_id, _int(data, "teamId")}:
        return False
    if assignee_id is not None:
        return assignee_id in {task.assignee_id, _int(data, "assigneeId"), _int(data, "previousAssigneeId")}
    return True


def deleted_task(deletion: Event) -> Task:
    """A stand-in for a deleted task, from its `task.deleted` event, for the policy to judge who
    saw it. Built without validation: the log, not the table, is the source now, and an old or
    partial event must not stop a replay."""
    data = _data(deletion)
    title = data.get("title")
    return Task.construct(
        id=deletion.subject_id,
        title=title if isinstance(title, str) else "",
        assignee_id=_int(data, "assigneeId"),
        creator_id=_int(data, "creatorId"),
        team_id=_int(data, "teamId"),
    )


async def task_deletion(event: Event) -> Event | None:
    """The `task.deleted` event of the task `event` is about (itself, if it is one); None if none."""
    if event.type == EventType.TASK_DELETED:
        return event
    return (
        await Event.filter(type=EventType.TASK_DELETED, subject_type="Task", subject_id=event.subject_id)
        .order_by("-id")
        .first()
    )


# --- training ------------------------------------------------------------------------------
def training_may_match(event: Event, session_id: int) -> bool:
    if event.subject_type == "TrainingSession":
        return event.subject_id == session_id
    data = _data(event)
    return "sessionId" not in data or _int(data, "sessionId") == session_id


# --- the signed-in employee ----------------------------------------------------------------
def viewer_may_match(event: Event, viewer_id: int) -> bool:
    """False only when the event's data shows it is about other people."""
    data = _data(event)
    if event.subject_type == "Employee":
        return event.subject_id == viewer_id
    if event.type.startswith("team."):
        return _int(data, "employeeId") == viewer_id
    if event.type.startswith("task.") and "assigneeId" in data:
        return viewer_id in {_int(data, "assigneeId"), _int(data, "previousAssigneeId")}
    if event.subject_type == "Enrollment" and "employeeId" in data:
        return _int(data, "employeeId") == viewer_id
    if event.type == EventType.KUDOS_GIVEN and "receiverId" in data:
        return _int(data, "receiverId") == viewer_id
    if event.type == EventType.FEEDBACK_REQUESTED and "respondentId" in data:
        return _int(data, "respondentId") == viewer_id
    if event.type == EventType.FEEDBACK_SUBMITTED and "requesterId" in data:
        return _int(data, "requesterId") == viewer_id
    return True


@dataclass(frozen=True)
class Involved:
    """The employees an event is about, as its subject is now."""

    people: frozenset[int]

    def includes(self, employee_id: int | None) -> bool:
        return employee_id is not None and employee_id in self.people


NOBODY = Involved(frozenset())


def involved_in_task(task: Task, event: Event) -> Involved:
    """Its assignee — and whoever it was just taken from."""
    return Involved(frozenset(i for i in (task.assignee_id, _int(_data(event), "previousAssigneeId")) if i))


def involved_in_mentorship(mentorship: Mentorship) -> Involved:
    """The mentor (a request to answer) and the mentee (the answer to their request)."""
    return Involved(frozenset({mentorship.mentor_id, mentorship.mentee_id}))


def involved_in_enrollment(enrollment: Enrollment) -> Involved:
    """The enrolled, waitlisted or promoted employee."""
    return Involved(frozenset({enrollment.employee_id}))


def involved_in_kudos(kudos: Kudos) -> Involved:
    """The receiver: someone thanked them."""
    return Involved(frozenset({kudos.receiver_id}))


def involved_in_feedback(request: FeedbackRequest, event: Event) -> Involved:
    """The colleague asked (a request to answer), then the requester (their answer arrived)."""
    if event.type == EventType.FEEDBACK_REQUESTED:
        return Involved(frozenset({request.respondent_id}))
    return Involved(frozenset({request.requester_id}))


def involved_in_time_off(request: TimeOffRequest, policy: Policy) -> bool:
    """The employee taking the time off and the managers above them (who decide it); HR sees
    every request but is not told of each."""
    return policy.is_self_or_manager_of(request.employee_id)


def involved_in_employee(employee: Employee) -> Involved:
    return Involved(frozenset({employee.id}))


def membership_employee(event: Event) -> int | None:
    """Who joined or left a team, from a `team.member_*` event."""
    return _int(_data(event), "employeeId")


def involved_in_membership(event: Event) -> Involved:
    employee_id = membership_employee(event)
    return Involved(frozenset({employee_id}) if employee_id else frozenset())


async def involved_in_session(session: TrainingSession, viewer_id: int, event: Event) -> Involved:
    """Its instructor, those a cancellation took a seat or waitlist place from (their enrollments
    are cancelled by the time the event is read), and the viewer if enrolled or waitlisted (one
    query: is the viewer attending?)."""
    people = {session.instructor_id} if session.instructor_id else set()
    affected = _data(event).get("affectedEmployeeIds")
    if isinstance(affected, list):
        people |= {i for i in affected if isinstance(i, int)}
    attending = await Enrollment.exists(
        session_id=session.id,
        employee_id=viewer_id,
        status__in=[EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED],
    )
    if attending:
        people.add(viewer_id)
    return Involved(frozenset(people))
