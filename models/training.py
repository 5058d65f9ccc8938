"""Training: courses, their scheduled sessions and employees' enrollments."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models._base import created_at, updated_at

if TYPE_CHECKING:
    from models.employees import Employee


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class EnrollmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class TrainingCourse(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    title = fields.CharField(max_length=200, db_index=True)
    description = fields.TextField(default="")
    category = fields.CharField(max_length=80, default="", db_index=True)
    duration_hours = fields.DecimalField(max_digits=6, decimal_places=2, default=1)
    mandatory = fields.BooleanField(default=False, db_index=True)
    skills: list[str] = fields.JSONField(default=list)
    certification_valid_months = fields.IntField(null=True)
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        table = "training_courses"


class TrainingSession(Model):
    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[TrainingCourse] = fields.ForeignKeyField(
        "models.TrainingCourse", related_name="sessions", on_delete=fields.RESTRICT
    )
    course_id: int
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    location = fields.CharField(max_length=120, default="")
    capacity = fields.IntField()
    instructor: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="instructed_sessions", null=True, on_delete=fields.SET_NULL
    )
    instructor_id: int | None
    status = fields.CharEnumField(
        SessionStatus, max_length=16, default=SessionStatus.SCHEDULED, db_index=True
    )
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        table = "training_sessions"
        indexes = (("course_id", "starts_at"),)


class Enrollment(Model):
    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[TrainingSession] = fields.ForeignKeyField(
        "models.TrainingSession", related_name="enrollments", on_delete=fields.CASCADE
    )
    session_id: int
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="enrollments", on_delete=fields.CASCADE
    )
    employee_id: int
    status = fields.CharEnumField(
        EnrollmentStatus, max_length=16, default=EnrollmentStatus.ENROLLED, db_index=True
    )
    enrolled_at = fields.DatetimeField(db_index=True)
    completed_at = fields.DatetimeField(null=True)
    score = fields.IntField(null=True)
    feedback_rating = fields.IntField(null=True)
    feedback_comment = fields.TextField(null=True)
    certificate_expires_at = fields.DatetimeField(null=True, db_index=True)
    updated_at = updated_at()

    class Meta:
        table = "enrollments"
        unique_together = (("session", "employee"),)
        indexes = (("session_id", "status", "enrolled_at"), ("employee_id", "status"))


class CoursePrerequisite(Model):
    """A course that must be completed before enrolling in another."""

    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[TrainingCourse] = fields.ForeignKeyField(
        "models.TrainingCourse", related_name="prerequisite_links", on_delete=fields.CASCADE
    )
    course_id: int
    prerequisite: fields.ForeignKeyRelation[TrainingCourse] = fields.ForeignKeyField(
        "models.TrainingCourse", related_name="required_for_links", on_delete=fields.RESTRICT
    )
    prerequisite_id: int
    created_at = created_at()

    class Meta:
        table = "training_course_prerequisites"
        unique_together = (("course", "prerequisite"),)
