"""Schedules and time off: working patterns, time-off requests, public holidays, team cover."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models._base import created_at, updated_at

if TYPE_CHECKING:
    from models.employees import Employee
    from models.teams import Team


class TimeOffKind(StrEnum):
    VACATION = "vacation"
    SICK = "sick"
    PERSONAL = "personal"
    PARENTAL = "parental"
    OTHER = "other"


class TimeOffStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class PendingReason(StrEnum):
    ALLOWANCE = "allowance"
    COVER = "cover"


# The requests that hold the days they name: another request may not overlap them.
OPEN_TIME_OFF_STATUSES = (TimeOffStatus.PENDING, TimeOffStatus.APPROVED)

# Monday to Friday (ISO weekdays), 09:00 to 17:00: the pattern of an employee who set none.
# Times of day are minutes after midnight in the pattern's own time zone (a wall-clock time,
# which no UTC conversion may move).
DEFAULT_WORKING_DAYS = (1, 2, 3, 4, 5)
DEFAULT_DAY_STARTS = 9 * 60
DEFAULT_DAY_ENDS = 17 * 60


class WorkingPattern(Model):
    id = fields.IntField(primary_key=True)
    employee: fields.OneToOneRelation[Employee] = fields.OneToOneField(
        "models.Employee", related_name="working_pattern", on_delete=fields.CASCADE
    )
    employee_id: int
    days: list[int] = fields.JSONField(default=list)  # ISO weekdays, 1 = Monday
    day_starts = fields.SmallIntField(default=DEFAULT_DAY_STARTS)  # minutes after midnight
    day_ends = fields.SmallIntField(default=DEFAULT_DAY_ENDS)
    timezone = fields.CharField(max_length=64, default="UTC")
    updated_at = updated_at()

    class Meta:
        table = "working_patterns"


class TimeOffRequest(Model):
    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="time_off_requests", on_delete=fields.CASCADE
    )
    employee_id: int
    kind = fields.CharEnumField(TimeOffKind, max_length=16)
    status = fields.CharEnumField(TimeOffStatus, max_length=16, default=TimeOffStatus.PENDING, db_index=True)
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    half_day = fields.BooleanField(default=False)
    working_days = fields.DecimalField(max_digits=6, decimal_places=1, default=0)
    note = fields.TextField(default="")
    pending_reason = fields.CharEnumField(PendingReason, max_length=16, null=True)
    decided_by: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="time_off_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.TextField(default="")
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        table = "time_off_requests"
        indexes = (("employee_id", "starts_on"), ("starts_on", "ends_on"))


class PublicHoliday(Model):
    id = fields.IntField(primary_key=True)
    location = fields.CharField(max_length=120)
    day = fields.DateField()
    name = fields.CharField(max_length=120)
    created_at = created_at()

    class Meta:
        table = "public_holidays"
        unique_together = (("location", "day"),)


class TeamCoverRule(Model):
    """At most `max_absent` members of the team away on any working day before a request waits
    for a manager."""

    id = fields.IntField(primary_key=True)
    team: fields.OneToOneRelation[Team] = fields.OneToOneField(
        "models.Team", related_name="cover_rule", on_delete=fields.CASCADE
    )
    team_id: int
    max_absent = fields.IntField()
    updated_at = updated_at()

    class Meta:
        table = "team_cover_rules"
