"""GraphQL enums. Their values are the stored strings, so rows convert without mapping."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Whether an employee works here now.")
class EmployeeStatus(Enum):
    ACTIVE = strawberry.enum_value("active", description="Currently working.")
    ON_LEAVE = strawberry.enum_value("on_leave", description="On leave; still employed.")
    TERMINATED = strawberry.enum_value("terminated", description="No longer employed.")


@strawberry.enum(description="What an employee may administer.")
class EmployeeRole(Enum):
    EMPLOYEE = strawberry.enum_value("employee", description="A regular employee.")
    HR = strawberry.enum_value("hr", description="Human resources: manages people, training and audit.")
    ADMIN = strawberry.enum_value("admin", description="Administrator: everything HR may do.")


@strawberry.enum(description="An employee's role within a team.")
class TeamRole(Enum):
    LEAD = strawberry.enum_value("lead", description="Leads the team and may manage its members.")
    MEMBER = strawberry.enum_value("member", description="A member of the team.")


@strawberry.enum(description="Where a task stands.")
class TaskStatus(Enum):
    TODO = strawberry.enum_value("todo", description="Not started.")
    IN_PROGRESS = strawberry.enum_value("in_progress", description="Being worked on.")
    BLOCKED = strawberry.enum_value("blocked", description="Waiting on something else.")
    DONE = strawberry.enum_value("done", description="Finished.")
    CANCELLED = strawberry.enum_value("cancelled", description="Dropped; will not be done.")


@strawberry.enum(description="How urgent a task is.")
class TaskPriority(Enum):
    LOW = strawberry.enum_value("low", description="Whenever there is time.")
    MEDIUM = strawberry.enum_value("medium", description="The normal priority.")
    HIGH = strawberry.enum_value("high", description="Before medium and low work.")
    URGENT = strawberry.enum_value("urgent", description="Drop other work.")


@strawberry.enum(description="Where a mentorship stands.")
class MentorshipStatus(Enum):
    PROPOSED = strawberry.enum_value(
        "proposed", description="Requested by the mentee; the mentor has not answered."
    )
    ACTIVE = strawberry.enum_value("active", description="Accepted and running.")
    DECLINED = strawberry.enum_value("declined", description="The mentor declined the request.")
    COMPLETED = strawberry.enum_value("completed", description="Ended as planned.")
    CANCELLED = strawberry.enum_value("cancelled", description="Ended early, or withdrawn before an answer.")


@strawberry.enum(description="Where a training session stands.")
class TrainingSessionStatus(Enum):
    SCHEDULED = strawberry.enum_value(
        "scheduled", description="Planned; open for enrollment until it starts."
    )
    CANCELLED = strawberry.enum_value("cancelled", description="Will not take place.")
    COMPLETED = strawberry.enum_value("completed", description="Took place.")


@strawberry.enum(description="Where an employee's enrollment in a session stands.")
class EnrollmentStatus(Enum):
    ENROLLED = strawberry.enum_value("enrolled", description="Holds a seat.")
    WAITLISTED = strawberry.enum_value(
        "waitlisted", description="Waiting for a seat, in order of enrollment."
    )
    COMPLETED = strawberry.enum_value("completed", description="Attended and completed.")
    NO_SHOW = strawberry.enum_value("no_show", description="Held a seat but did not attend.")
    CANCELLED = strawberry.enum_value("cancelled", description="Withdrawn.")


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Smallest, earliest or A first.")
    DESC = strawberry.enum_value("desc", description="Largest, latest or Z first.")
