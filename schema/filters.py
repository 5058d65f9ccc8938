"""Filter and order inputs that several types' fields share (imported before the types,
so that argument descriptions survive: Strawberry drops them on forward references)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import strawberry

from resolvers import mentorships as mr
from resolvers import tasks as r
from resolvers import training as trr
from resolvers.pagination import SortKey
from schema.common import pk_of
from schema.enums import (
    EnrollmentStatus,
    MentorshipStatus,
    OrderDirection,
    TaskPriority,
    TaskStatus,
    TrainingSessionStatus,
)
from schema.ordering import sort_of


@strawberry.enum(description="Fields tasks can be ordered by.")
class TaskOrderField(Enum):
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the task was created.")
    UPDATED_AT = strawberry.enum_value("UPDATED_AT", description="When the task last changed.")
    DUE_DATE = strawberry.enum_value("DUE_DATE", description="Due date; tasks without one come last.")
    TITLE = strawberry.enum_value("TITLE", description="Title.")


@strawberry.input(description="How to order tasks; ties break on ID.")
class TaskOrder:
    field: TaskOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="The direction.")


def task_sort(order: TaskOrder | None) -> SortKey:
    return sort_of(order, r.TASK_ORDER_FIELDS, SortKey("created_at", descending=True))


@strawberry.input(description="Narrow a list of tasks; all given conditions must hold.")
class TaskFilter:
    status: list[TaskStatus] | None = strawberry.field(default=None, description="Any of these statuses.")
    priority: list[TaskPriority] | None = strawberry.field(
        default=None, description="Any of these priorities."
    )
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Assigned to this employee."
    )
    creator_id: strawberry.ID | None = strawberry.field(default=None, description="Created by this employee.")
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Belonging to this team.")
    due_before: date | None = strawberry.field(default=None, description="Due before this date.")
    due_after: date | None = strawberry.field(default=None, description="Due after this date.")
    search: str | None = strawberry.field(default=None, description="Part of the title or description.")
    overdue: bool | None = strawberry.field(default=None, description="Only open tasks past their due date.")


def task_filter_kwargs(f: TaskFilter | None) -> dict[str, Any]:
    if f is None:
        return {}
    kwargs: dict[str, Any] = {
        "statuses": [s.value for s in f.status] if f.status else None,
        "priorities": [p.value for p in f.priority] if f.priority else None,
        "assignee_id": pk_of(f.assignee_id, "Employee"),
        "creator_id": pk_of(f.creator_id, "Employee"),
        "team_id": pk_of(f.team_id, "Team"),
        "due_before": f.due_before,
        "due_after": f.due_after,
        "search": f.search,
        "overdue_on": datetime.now(UTC).date() if f.overdue else None,
    }
    return {k: v for k, v in kwargs.items() if v is not None}


@strawberry.enum(description="Fields mentorships can be ordered by.")
class MentorshipOrderField(Enum):
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the mentorship was requested.")
    UPDATED_AT = strawberry.enum_value("UPDATED_AT", description="When it last changed.")


@strawberry.input(description="How to order mentorships; ties break on ID.")
class MentorshipOrder:
    field: MentorshipOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.DESC, description="The direction.")


def mentorship_sort(order: MentorshipOrder | None) -> SortKey:
    return sort_of(order, mr.MENTORSHIP_ORDER_FIELDS, SortKey("created_at", descending=True))


@strawberry.input(description="Narrow a list of mentorships; all given conditions must hold.")
class MentorshipFilter:
    status: list[MentorshipStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    mentor_id: strawberry.ID | None = strawberry.field(default=None, description="Mentored by this employee.")
    mentee_id: strawberry.ID | None = strawberry.field(default=None, description="Mentoring this employee.")
    participant_id: strawberry.ID | None = strawberry.field(
        default=None, description="This employee is mentor or mentee."
    )


def mentorship_filter_kwargs(f: MentorshipFilter | None) -> dict[str, Any]:
    if f is None:
        return {}
    kwargs = {
        "statuses": [s.value for s in f.status] if f.status else None,
        "mentor_id": pk_of(f.mentor_id, "Employee"),
        "mentee_id": pk_of(f.mentee_id, "Employee"),
        "participant_id": pk_of(f.participant_id, "Employee"),
    }
    return {k: v for k, v in kwargs.items() if v is not None}


@strawberry.input(description="Narrow a list of enrollments.")
class EnrollmentFilter:
    status: list[EnrollmentStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )


def enrollment_filter_kwargs(f: EnrollmentFilter | None) -> dict[str, Any]:
    if f is None or not f.status:
        return {}
    return {"statuses": [s.value for s in f.status]}


@strawberry.enum(description="Fields courses can be ordered by.")
class TrainingCourseOrderField(Enum):
    TITLE = strawberry.enum_value("TITLE", description="Course title.")
    CODE = strawberry.enum_value("CODE", description="Course code.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the course was created.")


@strawberry.input(description="How to order courses; ties break on ID.")
class TrainingCourseOrder:
    field: TrainingCourseOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="The direction.")


@strawberry.input(description="Narrow a list of courses.")
class TrainingCourseFilter:
    search: str | None = strawberry.field(default=None, description="Part of the title, code or description.")
    category: str | None = strawberry.field(default=None, description="Exactly this category (any case).")
    mandatory: bool | None = strawberry.field(
        default=None, description="Only mandatory (true) or optional courses."
    )


@strawberry.enum(description="Fields sessions can be ordered by.")
class TrainingSessionOrderField(Enum):
    STARTS_AT = strawberry.enum_value("STARTS_AT", description="Start time.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the session was scheduled.")


@strawberry.input(description="How to order sessions; ties break on ID.")
class TrainingSessionOrder:
    field: TrainingSessionOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="The direction.")


@strawberry.input(description="Narrow a list of sessions; all given conditions must hold.")
class TrainingSessionFilter:
    course_id: strawberry.ID | None = strawberry.field(default=None, description="Sessions of this course.")
    status: list[TrainingSessionStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    starts_after: datetime | None = strawberry.field(default=None, description="Starting after this time.")
    starts_before: datetime | None = strawberry.field(default=None, description="Starting before this time.")
    instructor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Taught by this employee."
    )


def course_sort(order: TrainingCourseOrder | None) -> SortKey:
    return sort_of(order, trr.COURSE_ORDER_FIELDS, SortKey("title"))


def session_sort(order: TrainingSessionOrder | None) -> SortKey:
    return sort_of(order, trr.SESSION_ORDER_FIELDS, SortKey("starts_at"))


def session_filter_kwargs(f: TrainingSessionFilter | None) -> dict[str, Any]:
    if f is None:
        return {}
    kwargs = {
        "course_id": pk_of(f.course_id, "TrainingCourse"),
        "statuses": [s.value for s in f.status] if f.status else None,
        "starts_after": f.starts_after,
        "starts_before": f.starts_before,
        "instructor_id": pk_of(f.instructor_id, "Employee"),
    }
    return {k: v for k, v in kwargs.items() if v is not None}
