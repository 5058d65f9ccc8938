"""Mentorships between two employees and their check-ins."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models._base import created_at, updated_at

if TYPE_CHECKING:
    from models.employees import Employee


class MentorshipStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


OPEN_MENTORSHIP_STATUSES = (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)


class Mentorship(Model):
    id = fields.IntField(primary_key=True)
    mentor: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="mentorships_as_mentor", on_delete=fields.RESTRICT
    )
    mentor_id: int
    mentee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="mentorships_as_mentee", on_delete=fields.RESTRICT
    )
    mentee_id: int
    status = fields.CharEnumField(
        MentorshipStatus, max_length=16, default=MentorshipStatus.PROPOSED, db_index=True
    )
    goals = fields.TextField(default="")
    focus_skills: list[str] = fields.JSONField(default=list)
    started_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    # Why it ended (free text from whoever ended it), and each side's rating of it (1-5).
    end_reason = fields.TextField(null=True)
    mentor_rating = fields.IntField(null=True)
    mentee_rating = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = updated_at()

    class Meta:
        table = "mentorships"
        indexes = (("mentor_id", "status"), ("mentee_id", "status"))


class MentorshipCheckIn(Model):
    id = fields.IntField(primary_key=True)
    mentorship: fields.ForeignKeyRelation[Mentorship] = fields.ForeignKeyField(
        "models.Mentorship", related_name="check_ins", on_delete=fields.CASCADE
    )
    mentorship_id: int
    happened_at = fields.DatetimeField(db_index=True)
    notes = fields.TextField(default="")
    author: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="mentorship_check_ins", on_delete=fields.RESTRICT
    )
    author_id: int
    created_at = created_at()

    class Meta:
        table = "mentorship_check_ins"
        indexes = (("mentorship_id", "happened_at"),)


class MentorCapacity(Model):
    """How many open mentorships (proposed or active) a mentor takes on, as the mentor set it.

    An employee without a row has the default capacity (resolvers/mentorships/capacity.py).
    """

    id = fields.IntField(primary_key=True)
    employee: fields.OneToOneRelation[Employee] = fields.OneToOneField(
        "models.Employee", related_name="mentor_capacity", on_delete=fields.CASCADE
    )
    employee_id: int
    capacity = fields.IntField()
    updated_at = updated_at()

    class Meta:
        table = "mentor_capacities"
