"""Training filter and order inputs: courses, sessions (also an employee's) and enrollments.

Kept apart from the types (like every domain's filters.py), so the fields of other domains can
take them as arguments without importing the types."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from resolvers.core.pagination import SortKey
from resolvers.training import reads as trr
from schema.core.enums import (
    EnrollmentStatus,
    OrderDirection,
    TrainingSessionStatus,
)
from schema.core.ordering import sort_of
from schema.core.paging import pk_of


@strawberry.input(description="Narrow a list of enrollments.")
class EnrollmentFilter:
    status: list[EnrollmentStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )


def enrollment_filter_kwargs(f: EnrollmentFilter | None) -> dict[str, Any]:
    if f is None or not f.status:
        return {}
    return {"statuses": f.status}


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


def course_filter_kwargs(f: TrainingCourseFilter | None) -> dict[str, Any]:
    if f is None:
        return {}
    return {"search": f.search, "category": f.category, "mandatory": f.mandatory}


def course_sort(order: TrainingCourseOrder | None) -> SortKey:
    return sort_of(order, trr.COURSE_ORDER_FIELDS, SortKey("title"))


def session_sort(order: TrainingSessionOrder | None) -> SortKey:
    return sort_of(order, trr.SESSION_ORDER_FIELDS, SortKey("starts_at"))


def session_filter_kwargs(f: TrainingSessionFilter | None) -> dict[str, Any]:
    if f is None:
        return {}
    kwargs = {
        "course_id": pk_of(f.course_id, "TrainingCourse"),
        "statuses": f.status or None,
        "starts_after": f.starts_after,
        "starts_before": f.starts_before,
        "instructor_id": pk_of(f.instructor_id, "Employee"),
    }
    return {k: v for k, v in kwargs.items() if v is not None}
