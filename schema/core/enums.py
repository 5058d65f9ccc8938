"""GraphQL enums made from the model enums: the GraphQL enum IS the model enum, described here.

Each status, priority, role and error code exists once, as a `StrEnum` next to the rows that store
it (models/*.py, resolvers/core/errors.py). `graphql_enum` registers that class with Strawberry under
its GraphQL name and gives every member its description, so a row's value, a resolver's argument and
a GraphQL input are the same object: nothing converts, by `.value` or otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import TypeVar

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

from models.employees import EmployeeRole, EmployeeStatus
from models.mentorships import MentorshipStatus
from models.tasks import TaskPriority, TaskStatus
from models.teams import MembershipRole
from models.training import EnrollmentStatus, SessionStatus
from resolvers.core.errors import ErrorCode

E = TypeVar("E", bound=Enum)


def graphql_enum(
    cls: type[E], *, description: str, values: Mapping[E, str], name: str | None = None, every: bool = True
) -> type[E]:
    """Make `cls` a GraphQL enum named `name` (the class name if None), each member described by `values`.

    With `every` (the default) a member without a description is an error at import, so a status added
    to a model cannot reach the schema undescribed."""
    missing = [member.name for member in cls if member not in values]
    if every and missing:
        raise ValueError(f"{cls.__name__}: no description for {', '.join(missing)}")
    strawberry.enum(cls, name=name, description=description)
    definition: StrawberryEnumDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = values.get(cls[value.name])
    return cls


graphql_enum(
    EmployeeStatus,
    description="Whether an employee works here now.",
    values={
        EmployeeStatus.ACTIVE: "Currently working.",
        EmployeeStatus.ON_LEAVE: "On leave; still employed.",
        EmployeeStatus.TERMINATED: "No longer employed.",
    },
)

graphql_enum(
    EmployeeRole,
    description="What an employee may administer.",
    values={
        EmployeeRole.EMPLOYEE: "A regular employee.",
        EmployeeRole.HR: "Human resources: manages people, training and audit.",
        EmployeeRole.ADMIN: "Administrator: everything HR may do.",
    },
)

graphql_enum(
    MembershipRole,
    name="TeamRole",
    description="An employee's role within a team.",
    values={
        MembershipRole.LEAD: "Leads the team and may manage its members.",
        MembershipRole.MEMBER: "A member of the team.",
    },
)
TeamRole = MembershipRole
"""`models.teams.MembershipRole` under its GraphQL name: the same class, not a copy."""

graphql_enum(
    TaskStatus,
    description="Where a task stands.",
    values={
        TaskStatus.TODO: "Not started.",
        TaskStatus.IN_PROGRESS: "Being worked on.",
        TaskStatus.BLOCKED: "Waiting on something else.",
        TaskStatus.DONE: "Finished.",
        TaskStatus.CANCELLED: "Dropped; will not be done.",
    },
)

graphql_enum(
    TaskPriority,
    description="How urgent a task is.",
    values={
        TaskPriority.LOW: "Whenever there is time.",
        TaskPriority.MEDIUM: "The normal priority.",
        TaskPriority.HIGH: "Before medium and low work.",
        TaskPriority.URGENT: "Drop other work.",
    },
)

graphql_enum(
    MentorshipStatus,
    description="Where a mentorship stands.",
    values={
        MentorshipStatus.PROPOSED: "Requested by the mentee; the mentor has not answered.",
        MentorshipStatus.ACTIVE: "Accepted and running.",
        MentorshipStatus.DECLINED: "The mentor declined the request.",
        MentorshipStatus.COMPLETED: "Ended as planned.",
        MentorshipStatus.CANCELLED: "Ended early, or withdrawn before an answer.",
        MentorshipStatus.EXPIRED: "The mentor did not answer in time; the request lapsed.",
    },
)

graphql_enum(
    SessionStatus,
    name="TrainingSessionStatus",
    description="Where a training session stands.",
    values={
        SessionStatus.SCHEDULED: "Planned; open for enrollment until it starts.",
        SessionStatus.CANCELLED: "Will not take place.",
        SessionStatus.COMPLETED: "Took place.",
    },
)
TrainingSessionStatus = SessionStatus
"""`models.training.SessionStatus` under its GraphQL name: the same class, not a copy."""

graphql_enum(
    EnrollmentStatus,
    description="Where an employee's enrollment in a session stands.",
    values={
        EnrollmentStatus.ENROLLED: "Holds a seat.",
        EnrollmentStatus.WAITLISTED: "Waiting for a seat, in order of enrollment.",
        EnrollmentStatus.COMPLETED: "Attended and completed.",
        EnrollmentStatus.NO_SHOW: "Held a seat but did not attend.",
        EnrollmentStatus.CANCELLED: "Withdrawn.",
    },
)

graphql_enum(
    ErrorCode,
    name="UserErrorCode",
    description="Why a mutation's input was refused; stable, for clients to branch on.",
    values={
        ErrorCode.INVALID: "The value is not acceptable here.",
        ErrorCode.REQUIRED: "A value is required.",
        ErrorCode.TOO_LONG: "The value is longer than allowed.",
        ErrorCode.TOO_SHORT: "The value is shorter than allowed.",
        ErrorCode.INVALID_FORMAT: "Not in the expected format (e-mail, time zone, slug, ...).",
        ErrorCode.NOT_FOUND: "The object does not exist or you may not see it.",
        ErrorCode.DUPLICATE: "Another object already uses this value.",
        ErrorCode.CONFLICT: "The object changed since you read it (`expectedVersion` is stale); read it again.",
        ErrorCode.INVALID_TRANSITION: "The object's current state does not allow this change.",
        ErrorCode.IN_THE_PAST: "The date or time lies in the past.",
        ErrorCode.CYCLE: "The change would make a manager or team cycle.",
        ErrorCode.NOT_ALLOWED: "You may not make this change to this object.",
        ErrorCode.ALREADY_EXISTS: "This already exists (an open mentorship, an enrollment, a membership).",
        ErrorCode.FULL: "No capacity is left.",
        ErrorCode.CLOSED: "No longer accepts this (a cancelled or past session, an ended mentorship).",
        ErrorCode.NOT_STARTED: "Too early: this needs a session that has started.",
        ErrorCode.PRIVATE_ADDRESS: "The URL points to a private, loopback or link-local address.",
        ErrorCode.INVALID_ID: "Not an ID this API gave out, or the ID of another type of object.",
        ErrorCode.INVALID_CHARACTERS: "The text holds characters it may not: control characters, NUL, "
        "bidi overrides, unpaired surrogates, or line breaks in a single-line field.",
        ErrorCode.PREREQUISITES_MISSING: "The course needs others completed first; the message names them.",
    },
)
UserErrorCode = ErrorCode
"""`resolvers.core.errors.ErrorCode` under its GraphQL name: the same class, not a copy."""


class OrderDirection(StrEnum):
    """Sort direction: the one enum that only the API has (a `SortKey` holds it as a flag)."""

    ASC = "asc"
    DESC = "desc"


graphql_enum(
    OrderDirection,
    description="Sort direction.",
    values={
        OrderDirection.ASC: "Smallest, earliest or A first.",
        OrderDirection.DESC: "Largest, latest or Z first.",
    },
)

__all__ = [
    "EmployeeRole",
    "EmployeeStatus",
    "EnrollmentStatus",
    "MentorshipStatus",
    "OrderDirection",
    "TaskPriority",
    "TaskStatus",
    "TeamRole",
    "TrainingSessionStatus",
    "UserErrorCode",
    "graphql_enum",
]
