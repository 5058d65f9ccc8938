"""The training catalog: create and change courses (HR and service tokens).

No event is written: the contract's event types cover sessions and enrollments, not courses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from models.training import TrainingCourse
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.core.validation import Checks

_CODE = re.compile(r"^[A-Z0-9]+(?:[-_.][A-Z0-9]+)*$")
MAX_VALID_MONTHS = 240


def refuse_unless_manager(uow: UnitOfWork) -> None:
    if not uow.actor.policy.can_manage_training():
        raise user_error(ErrorCode.NOT_ALLOWED, "Only HR manages the training catalog and schedule.", "input")


@dataclass
class CourseFields:
    """A course's editable fields; None means "not given" (keep the current value on update)."""

    code: str | None = None
    title: str | None = None
    description: str | None = None
    category: str | None = None
    duration_hours: float | None = None
    mandatory: bool | None = None
    skills: list[str] | None = None
    certification_valid_months: int | None = None
    # Nullable columns the client set to null on purpose: cleared, not kept (null means "keep"
    # for every other field, whose column cannot be null).
    cleared: frozenset[str] = frozenset()

    def checked(self, *, creating: bool) -> dict[str, object]:
        """The changes to write, or `UserErrors` listing every problem."""
        checks = Checks()
        values: dict[str, object] = {
            "code": checks.text(self.code, "code", max_length=32, required=creating),
            "title": checks.text(self.title, "title", max_length=200, required=creating),
            "description": checks.text(self.description, "description", max_length=10_000),
            "category": checks.text(self.category, "category", max_length=80),
            "skills": checks.skills(self.skills),
            "mandatory": self.mandatory,
            "certification_valid_months": self.certification_valid_months,
        }
        if isinstance(values["code"], str) and values["code"]:
            values["code"] = values["code"].upper()
            if not _CODE.match(str(values["code"])):
                checks.add(ErrorCode.INVALID_FORMAT, "A code has letters, digits and single - _ or .", "code")
        if self.duration_hours is not None:
            if not 0 < self.duration_hours <= 1_000:
                checks.add(
                    ErrorCode.INVALID, "durationHours must be more than 0 and at most 1000.", "durationHours"
                )
            values["duration_hours"] = Decimal(str(round(self.duration_hours, 2)))
        months = self.certification_valid_months
        if months is not None and not 0 < months <= MAX_VALID_MONTHS:
            checks.add(
                ErrorCode.INVALID,
                f"certificationValidMonths must be between 1 and {MAX_VALID_MONTHS}.",
                "certificationValidMonths",
            )
        checks.raise_if_any()
        return {k: v for k, v in values.items() if v is not None} | dict.fromkeys(self.cleared)


def _duplicate_code(code: object) -> Exception:
    return user_error(ErrorCode.DUPLICATE, f"Another course already has the code {code}.", "input", "code")


async def create_course(uow: UnitOfWork, fields: CourseFields) -> TrainingCourse:
    refuse_unless_manager(uow)
    values = fields.checked(creating=True)
    if await TrainingCourse.filter(code=values["code"]).using_db(uow.conn).exists():
        raise _duplicate_code(values["code"])
    try:
        return await TrainingCourse.create(**values, using_db=uow.conn)
    except IntegrityError:  # a concurrent create took the code first
        raise _duplicate_code(values["code"]) from None


async def update_course(uow: UnitOfWork, course_id: int | None, fields: CourseFields) -> TrainingCourse:
    refuse_unless_manager(uow)
    course = await TrainingCourse.filter(id=course_id).select_for_update().using_db(uow.conn).first()
    if course is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such course.", "input", "id")
    values = fields.checked(creating=False)
    code = values.get("code")
    if code and code != course.code and await TrainingCourse.filter(code=code).using_db(uow.conn).exists():
        raise _duplicate_code(code)
    try:
        await (
            TrainingCourse.filter(id=course.id)
            .using_db(uow.conn)
            .update(updated_at=datetime.now(UTC), **values)
        )
    except IntegrityError:
        raise _duplicate_code(code) from None
    await course.refresh_from_db(using_db=uow.conn)
    return course
