"""Training compliance: which mandatory courses an employee lacks, and which certificates lapse soon.

A course counts as done while the employee has a COMPLETED enrollment in one of its sessions
whose certificate has not expired (a course without `certification_valid_months` certifies for
good). Only the best certificate of a course matters: an old one expiring next week does not
count as "expiring" when a newer one is valid for another year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from models.training import Enrollment, EnrollmentStatus, TrainingCourse

MAX_WINDOW_DAYS = 366


@dataclass(frozen=True)
class Compliance:
    employee_id: int
    within_days: int
    missing_courses: list[TrainingCourse]
    expiring: list[Enrollment]  # the best certificate of each course, if it lapses within the window

    @property
    def compliant(self) -> bool:
        return not self.missing_courses


def _expiry_rank(enrollment: Enrollment) -> datetime:
    # No expiry beats every date.
    return enrollment.certificate_expires_at or datetime.max.replace(tzinfo=UTC)


async def training_compliance(employee_id: int, within_days: int, at: datetime | None = None) -> Compliance:
    return (await training_compliance_of([employee_id], within_days, at))[employee_id]


async def training_compliance_of(
    employee_ids: list[int], within_days: int, at: datetime | None = None
) -> dict[int, Compliance]:
    """Two queries for any number of employees: the mandatory courses, and their completions."""
    at = at or datetime.now(UTC)
    horizon = at + timedelta(days=within_days)
    completions = await Enrollment.filter(
        employee_id__in=employee_ids, status=EnrollmentStatus.COMPLETED
    ).select_related("session")
    best: dict[int, dict[int, Enrollment]] = {employee_id: {} for employee_id in employee_ids}
    for enrollment in completions:
        mine, course_id = best[enrollment.employee_id], enrollment.session.course_id
        if course_id not in mine or _expiry_rank(enrollment) > _expiry_rank(mine[course_id]):
            mine[course_id] = enrollment
    mandatory = await TrainingCourse.filter(mandatory=True).order_by("title", "id")
    result = {}
    for employee_id, mine in best.items():
        valid = {course_id for course_id, e in mine.items() if _expiry_rank(e) > at}
        expiring = sorted(
            (
                e
                for e in mine.values()
                if e.certificate_expires_at and at < e.certificate_expires_at <= horizon
            ),
            key=_expiry_rank,
        )
        result[employee_id] = Compliance(
            employee_id=employee_id,
            within_days=within_days,
            missing_courses=[c for c in mandatory if c.id not in valid],
            expiring=expiring,
        )
    return result
