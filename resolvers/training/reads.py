"""Reading training: courses, sessions, enrollments and seats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from tortoise.expressions import Q

from auth.policy import Policy
from models.training import Enrollment, EnrollmentStatus, SessionStatus, TrainingCourse, TrainingSession
from resolvers.core.listing import Listing, root_listing
from resolvers.core.loaders import ChildList, Loaders, NestedList, by_partition
from resolvers.core.pagination import PageArgs, SortKey
from resolvers.core.validation import search_condition

COURSE_ORDER_FIELDS = {"TITLE": "title", "CODE": "code", "CREATED_AT": "created_at"}
SESSION_ORDER_FIELDS = {"STARTS_AT": "starts_at", "CREATED_AT": "created_at"}


def course_filter(
    *, search: str | None = None, category: str | None = None, mandatory: bool | None = None
) -> Q:
    q = Q()
    q &= search_condition(search, "title", "code", "description")
    if category:
        q &= Q(category__iexact=category)
    if mandatory is not None:
        q &= Q(mandatory=mandatory)
    return q


def session_filter(
    *,
    course_id: int | None = None,
    statuses: Sequence[SessionStatus] | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
    instructor_id: int | None = None,
) -> Q:
    q = Q()
    if course_id is not None:
        q &= Q(course_id=course_id)
    if statuses:
        q &= Q(status__in=statuses)
    if starts_after is not None:
        q &= Q(starts_at__gt=starts_after)
    if starts_before is not None:
        q &= Q(starts_at__lt=starts_before)
    if instructor_id is not None:
        q &= Q(instructor_id=instructor_id)
    return q


def enrollment_filter(
    *,
    statuses: Sequence[EnrollmentStatus] | None = None,
    employee_id: int | None = None,
    session_id: int | None = None,
) -> Q:
    q = Q()
    if statuses:
        q &= Q(status__in=statuses)
    if employee_id is not None:
        q &= Q(employee_id=employee_id)
    if session_id is not None:
        q &= Q(session_id=session_id)
    return q


SESSIONS_OF_COURSE = NestedList(
    name="Course.sessions",
    model=TrainingSession,
    partition="course_id",
    filter_fn=session_filter,
)
SESSIONS_TAUGHT_BY = NestedList(
    name="Employee.instructedSessions",
    model=TrainingSession,
    partition="instructor_id",
    filter_fn=session_filter,
)


# The template of the lists below (`on` names and partitions each).
_ENROLLMENTS_BY = NestedList(
    name="Enrollment.by",
    model=Enrollment,
    partition="id",
    sort=SortKey("enrolled_at"),
    visibility=Policy.visible_enrollments,
    filter_fn=enrollment_filter,
)
ENROLLMENTS_BY_EMPLOYEE = _ENROLLMENTS_BY.on("employee_id")
ENROLLMENTS_BY_SESSION = _ENROLLMENTS_BY.on("session_id")
ENROLLMENTS_BY = by_partition(ENROLLMENTS_BY_EMPLOYEE, ENROLLMENTS_BY_SESSION)
# Counted per session in one GROUP BY for a whole list of sessions.
SEATS_TAKEN = NestedList(
    name="Session.seats",
    model=Enrollment,
    partition="session_id",
    sort=SortKey("enrolled_at"),
    filters={"status": EnrollmentStatus.ENROLLED},
)
WAITLISTED = NestedList(
    name="Session.waitlist",
    model=Enrollment,
    partition="session_id",
    sort=SortKey("enrolled_at"),
    filters={"status": EnrollmentStatus.WAITLISTED},
)


def course_sessions(sort: SortKey, args: PageArgs, filters: dict[str, object]) -> ChildList:
    return SESSIONS_OF_COURSE.spec(args, sort=sort, filters=filters)


def taught_by(sort: SortKey, args: PageArgs, filters: dict[str, object]) -> ChildList:
    return SESSIONS_TAUGHT_BY.spec(args, sort=sort, filters=filters)


def child_enrollments(partition: str, args: PageArgs, filters: dict[str, object]) -> ChildList:
    return ENROLLMENTS_BY[partition].spec(args, filters=filters)


def seats_taken() -> ChildList:
    return SEATS_TAKEN.spec(PageArgs())


def waitlisted() -> ChildList:
    return WAITLISTED.spec(PageArgs())


async def course_listing(filters: dict[str, Any], sort: SortKey, args: PageArgs, loaders: Loaders) -> Listing:
    """The `trainingCourses` root list: the catalog, narrowed by `filters`."""
    qs = TrainingCourse.filter(course_filter(**filters))
    return await root_listing(qs, sort, "trainingCourses", args, loaders)


async def session_listing(
    filters: dict[str, Any], sort: SortKey, args: PageArgs, loaders: Loaders
) -> Listing:
    """The `trainingSessions` root list: sessions of every course, narrowed by `filters`."""
    qs = TrainingSession.filter(session_filter(**filters))
    return await root_listing(qs, sort, "trainingSessions", args, loaders)


async def course_by_id(loaders: Loaders, pk: int | None) -> TrainingCourse | None:
    """The course with this ID (None for no ID or no such row), batched with those asked for at once."""
    return None if pk is None else cast("TrainingCourse | None", await loaders.by_id(TrainingCourse).load(pk))


async def session_by_id(loaders: Loaders, pk: int | None) -> TrainingSession | None:
    """The session with this ID (None for no ID or no such row), batched with those asked for at once."""
    return (
        None if pk is None else cast("TrainingSession | None", await loaders.by_id(TrainingSession).load(pk))
    )


async def seats_taken_of(loaders: Loaders, session_id: int) -> int:
    """Seats held in a session (batched: one GROUP BY for a whole list of sessions)."""
    return await loaders.count.load((session_id, seats_taken()))


async def waitlisted_of(loaders: Loaders, session_id: int) -> int:
    """How many wait for a seat in a session (batched like `seats_taken_of`)."""
    return await loaders.count.load((session_id, waitlisted()))
