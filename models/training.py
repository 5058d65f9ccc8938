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


class ComplianceStatus(StrEnum):
    COMPLIANT = "compliant"
    EXPIRING = "expiring"
    OVERDUE = "overdue"
    EXEMPT = "exempt"


class TrainingRequirement(Model):
    """Who must complete a course, and how often (HR sets it). An empty list on an axis of
    `team_ids`, `roles`, `locations` puts no restriction on it."""

    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[TrainingCourse] = fields.ForeignKeyField(
        "models.TrainingCourse", related_name="requirements", on_delete=fields.RESTRICT
    )
    course_id: int
    team_ids: list[int] = fields.JSONField(default=list)
    roles: list[str] = fields.JSONField(default=list)
    locations: list[str] = fields.JSONField(default=list)
    every_months = fields.IntField()
    window_days = fields.IntField()
    archived_at = fields.DatetimeField(null=True, db_index=True)
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        table = "training_requirements"


class TrainingExemption(Model):
    """HR excused an employee from a requirement."""

    id = fields.IntField(primary_key=True)
    requirement: fields.ForeignKeyRelation[TrainingRequirement] = fields.ForeignKeyField(
        "models.TrainingRequirement", related_name="exemptions", on_delete=fields.CASCADE
    )
    requirement_id: int
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="training_exemptions", on_delete=fields.CASCADE
    )
    employee_id: int
    reason = fields.TextField()
    created_at = created_at()

    class Meta:
        table = "training_exemptions"
        unique_together = (("requirement", "employee"),)


class TrainingComplianceState(Model):
    """The last status the daily check saw for an employee and a requirement: a change of it is
    a `training.compliance_changed` event, written by whichever process moves the row."""

    id = fields.IntField(primary_key=True)
    requirement: fields.ForeignKeyRelation[TrainingRequirement] = fields.ForeignKeyField(
        "models.TrainingRequirement", related_name="states", on_delete=fields.CASCADE
    )
    requirement_id: int
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="training_compliance_states", on_delete=fields.CASCADE
    )
    employee_id: int
    status = fields.CharEnumField(ComplianceStatus, max_length=16)
    checked_at = fields.DatetimeField()

    class Meta:
        table = "training_compliance_states"
        unique_together = (("requirement", "employee"),)
