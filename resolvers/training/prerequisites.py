"""Course prerequisites: the courses to complete before enrolling in another (HR sets them).

A prerequisite counts as met while the employee has a COMPLETED enrollment in one of its
sessions whose certificate has not expired (none: it certifies for good), as compliance counts
a course done (compliance.py). Prerequisites form no cycle: a course cannot require itself,
directly or through others.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from models.training import CoursePrerequisite, Enrollment, EnrollmentStatus, TrainingCourse
from resolvers.core.clock import now
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.training.courses import refuse_unless_manager

MAX_PREREQUISITES = 10


async def prerequisites_of(course_id: int, conn: BaseDBAsyncClient | None = None) -> list[TrainingCourse]:
    """The course's prerequisites, by title."""
    query = TrainingCourse.filter(required_for_links__course_id=course_id).order_by("title", "id")
    return await (query.using_db(conn) if conn is not None else query)


async def missing_prerequisites(
    course_id: int, employee_id: int, conn: BaseDBAsyncClient
) -> list[TrainingCourse]:
    """The prerequisites the employee has not completed (or whose certificate lapsed)."""
    needed = await prerequisites_of(course_id, conn)
    if not needed:
        return []
    valid = Q(certificate_expires_at__isnull=True) | Q(certificate_expires_at__gt=now())
    rows = (
        await Enrollment.filter(
            valid,
            employee_id=employee_id,
            status=EnrollmentStatus.COMPLETED,
            session__course_id__in=[c.id for c in needed],
        )
        .using_db(conn)
        .values("session__course_id")
    )
    done = {int(row["session__course_id"]) for row in rows}
    return [c for c in needed if c.id not in done]


async def refuse_without_prerequisites(course_id: int, employee_id: int, conn: BaseDBAsyncClient) -> None:
    missing = await missing_prerequisites(course_id, employee_id, conn)
    if missing:
        names = ", ".join(f"{c.code} ({c.title})" for c in missing)
        raise user_error(
            ErrorCode.PREREQUISITES_MISSING,
            f"Complete {names} first: this course requires it.",
            "input",
            "sessionId",
        )


async def _reaches(start: list[int], target: int, conn: BaseDBAsyncClient) -> bool:
    """Whether `target` is among `start` or their prerequisites, transitively."""
    seen: set[int] = set()
    frontier = set(start)
    while frontier:
        if target in frontier:
            return True
        seen |= frontier
        rows = (
            await CoursePrerequisite.filter(course_id__in=list(frontier))
            .using_db(conn)
            .values("prerequisite_id")
        )
        frontier = {int(row["prerequisite_id"]) for row in rows} - seen
    return False


async def set_prerequisites(
    uow: UnitOfWork, *, course_id: int | None, prerequisite_ids: list[int | None]
) -> TrainingCourse:
    """Replace a course's prerequisites with these courses (an empty list clears them)."""
    refuse_unless_manager(uow)
    course = await TrainingCourse.filter(id=course_id).select_for_update().using_db(uow.conn).first()
    if course is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such course.", "input", "courseId")
    wanted = list(dict.fromkeys(i for i in prerequisite_ids if i is not None))
    if len(wanted) > MAX_PREREQUISITES:
        raise user_error(
            ErrorCode.INVALID,
            f"A course has at most {MAX_PREREQUISITES} prerequisites.",
            "input",
            "prerequisiteIds",
        )
    found = await TrainingCourse.filter(id__in=wanted).using_db(uow.conn).count()
    if found < len(wanted):
        raise user_error(
            ErrorCode.NOT_FOUND, "No such course among the prerequisites.", "input", "prerequisiteIds"
        )
    if course.id in wanted or await _reaches(wanted, course.id, uow.conn):
        raise user_error(
            ErrorCode.CYCLE,
            "A course cannot require itself, directly or through its prerequisites.",
            "input",
            "prerequisiteIds",
        )
    await CoursePrerequisite.filter(course_id=course.id).using_db(uow.conn).delete()
    for prerequisite_id in wanted:
        await CoursePrerequisite.create(
            course_id=course.id, prerequisite_id=prerequisite_id, using_db=uow.conn
        )
    return course
