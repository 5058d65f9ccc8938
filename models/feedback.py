"""Feedback and recognition: public kudos between colleagues, and private feedback on request."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models._base import updated_at

if TYPE_CHECKING:
    from models.employees import Employee


class Kudos(Model):
    """A public thank-you from one colleague to another, naming the skills it recognizes."""

    id = fields.IntField(primary_key=True)
    giver: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="kudos_given", on_delete=fields.RESTRICT
    )
    giver_id: int
    receiver: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="kudos_received", on_delete=fields.RESTRICT
    )
    receiver_id: int
    message = fields.TextField()
    skills: list[str] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "kudos"
        indexes = (("receiver_id", "created_at"), ("giver_id", "created_at"))


class KudosSkill(Model):
    """One skill a kudos recognizes, kept apart so a profile's counts are one GROUP BY."""

    id = fields.IntField(primary_key=True)
    kudos: fields.ForeignKeyRelation[Kudos] = fields.ForeignKeyField(
        "models.Kudos", related_name="skill_rows", on_delete=fields.CASCADE
    )
    kudos_id: int
    receiver: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="recognized_skill_rows", on_delete=fields.RESTRICT
    )
    receiver_id: int
    skill = fields.CharField(max_length=50)

    class Meta:
        table = "kudos_skills"
        unique_together = (("kudos_id", "skill"),)
        indexes = (("receiver_id", "skill"),)


class FeedbackStatus(StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"


class FeedbackVisibility(StrEnum):
    PRIVATE = "private"
    SHARED_WITH_MANAGER = "shared_with_manager"


class FeedbackRequest(Model):
    """One person asked for feedback by the requester: each asked person has a row of their own
    and submits on it once."""

    id = fields.IntField(primary_key=True)
    requester: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="feedback_requested", on_delete=fields.RESTRICT
    )
    requester_id: int
    respondent: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="feedback_asked", on_delete=fields.RESTRICT
    )
    respondent_id: int
    about = fields.TextField()
    due_on = fields.DateField(null=True)
    status = fields.CharEnumField(
        FeedbackStatus, max_length=16, default=FeedbackStatus.PENDING, db_index=True
    )
    body = fields.TextField(null=True)
    visibility = fields.CharEnumField(FeedbackVisibility, max_length=24, null=True)
    submitted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = updated_at()

    class Meta:
        table = "feedback_requests"
        indexes = (("requester_id", "status"), ("respondent_id", "status"))
