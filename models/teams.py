"""Teams, their hierarchy and their members."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models._base import created_at, updated_at

if TYPE_CHECKING:
    from models.employees import Employee


class MembershipRole(StrEnum):
    LEAD = "lead"
    MEMBER = "member"


class Team(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, unique=True)
    slug = fields.CharField(max_length=120, unique=True)
    description = fields.TextField(default="")
    parent: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="subteams", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    lead: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="led_teams", null=True, on_delete=fields.SET_NULL
    )
    lead_id: int | None
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        table = "teams"


class TeamMembership(Model):
    id = fields.IntField(primary_key=True)
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="memberships", on_delete=fields.CASCADE
    )
    team_id: int
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="team_memberships", on_delete=fields.CASCADE
    )
    employee_id: int
    role = fields.CharEnumField(MembershipRole, max_length=16, default=MembershipRole.MEMBER)
    joined_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "team_memberships"
        unique_together = (("team", "employee"),)
        indexes = (("employee_id", "team_id"),)
