"""The event types subscriptions deliver: one interface, one variant per kind of subject."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from auth.scopes import Scope
from models.events import Event as EventRow
from schema.core.event_types import EventType
from schema.employees.types import Employee
from schema.feedback.types import FeedbackRequest, Kudos
from schema.live.people import shown_person
from schema.mentorships.types import Mentorship, MentorshipCheckIn
from schema.schedules.types import TimeOffRequest
from schema.tasks.types import Task
from schema.teams.types import Team
from schema.training.types import Enrollment, TrainingSession
from web.context import Info


@strawberry.interface(
    description=(
        "Something that happened, as delivered by a subscription. Ask for the variant's fields "
        "with fragments (`... on TaskEvent { task { id status } }`): the object is shown as it is "
        "now, when the event is delivered, so a client can replace its copy."
    )
)
class Event:
    id: strawberry.ID = strawberry.field(
        description="The event's position in the log: pass the last one you received as `after` to resume."
    )
    type: EventType = strawberry.field(
        description="What happened, such as `TASK_STATUS_CHANGED` (the types webhooks and the audit log use)."
    )
    occurred_at: datetime = strawberry.field(description="When it was committed.")
    changed_fields: list[str] | None = strawberry.field(
        description="For updates: the fields that changed (GraphQL names); null when not recorded."
    )
    actor_pk: strawberry.Private[int | None]

    @strawberry.field(
        description=(
            "Who did it; null for a service (client credentials), when your token lacks "
            f"`{Scope.EMPLOYEES_READ.value}`, or when you may not see what the event is about "
            "(someone else's enrollment in a session you follow)."
        )
    )
    async def actor(self, info: Info) -> Employee | None:
        return await shown_person(info.context, self.actor_pk)


def event_fields(row: EventRow, *, actor_shown: bool = True) -> dict[str, Any]:
    """The interface's fields for an event row; `actor_shown` is False when the subscriber may
    not read the event's subject, so that it does not learn who acted on it."""
    changed = row.data.get("changed") if isinstance(row.data, dict) else None
    return {
        "id": strawberry.ID(str(row.id)),
        "type": EventType(row.type),
        "occurred_at": row.occurred_at,
        "changed_fields": list(changed) if isinstance(changed, list) else None,
        "actor_pk": row.actor_id if actor_shown else None,
    }


_PEOPLE_NOTE = f"null when your token lacks `{Scope.EMPLOYEES_READ.value}`"


@strawberry.type(description="What a deleted task was when it was deleted: enough to drop it from a view.")
class DeletedTask:
    title: str = strawberry.field(description="Its title.")
    assignee_id: strawberry.ID | None = strawberry.field(
        description=f"The global ID of the employee it was assigned to; {_PEOPLE_NOTE}."
    )
    creator_id: strawberry.ID | None = strawberry.field(
        description=f"The global ID of the employee who created it; {_PEOPLE_NOTE}."
    )
    team_id: strawberry.ID | None = strawberry.field(
        description=f"The global ID of its team; null when it had none or {_PEOPLE_NOTE}."
    )


@strawberry.type(description="A task was created, changed, moved to another status or deleted.")
class TaskEvent(Event):
    task_id: strawberry.ID = strawberry.field(description="The task's global ID (kept for deleted tasks).")
    task: Task | None = strawberry.field(description="The task as it is now; null once deleted.")
    deleted_task: DeletedTask | None = strawberry.field(
        description=(
            "Once the task is deleted (on `task.deleted`, and on its earlier events replayed "
            "after it): what it was. Null while it exists."
        )
    )


@strawberry.type(description="A mentorship was requested, answered, ended, or had a check-in.")
class MentorshipEvent(Event):
    mentorship: Mentorship | None = strawberry.field(description="The mentorship as it is now.")
    check_in: MentorshipCheckIn | None = strawberry.field(
        description="For `mentorship.checked_in`: the check-in, when the event names it."
    )


@strawberry.type(
    description=(
        "Something changed about a training session: scheduled, cancelled, someone enrolled, "
        "was waitlisted or promoted, cancelled, completed or gave feedback."
    )
)
class TrainingEvent(Event):
    session: TrainingSession | None = strawberry.field(
        description="The session as it is now: `seatsLeft` and `waitlistCount` are live."
    )
    enrollment: Enrollment | None = strawberry.field(
        description="The enrollment the event is about, when there is one and you may see it."
    )


@strawberry.type(description="An employee's record changed.")
class EmployeeEvent(Event):
    employee: Employee | None = strawberry.field(description="The employee as they are now.")


@strawberry.type(description="Someone joined or left a team.")
class TeamEvent(Event):
    team: Team | None = strawberry.field(description="The team as it is now.")
    member: Employee | None = strawberry.field(description="Who joined or left, when the event names them.")
    member_id: strawberry.ID | None = strawberry.field(
        description=f"The global ID of who joined or left, kept after they left; {_PEOPLE_NOTE}."
    )


@strawberry.type(description="Someone gave kudos.")
class KudosEvent(Event):
    kudos: Kudos | None = strawberry.field(description="The kudos.")


@strawberry.type(description="Someone asked for feedback, or the colleague asked submitted it.")
class FeedbackEvent(Event):
    feedback_request: FeedbackRequest | None = strawberry.field(description="The request as it is now.")


@strawberry.type(description="Time off was requested, approved, declined or cancelled.")
class TimeOffEvent(Event):
    time_off_request: TimeOffRequest | None = strawberry.field(description="The request as it is now.")


EVENT_TYPES = [
    TaskEvent,
    MentorshipEvent,
    TrainingEvent,
    EmployeeEvent,
    TeamEvent,
    KudosEvent,
    FeedbackEvent,
    TimeOffEvent,
]
