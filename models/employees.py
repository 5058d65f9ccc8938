"""Employees: the people of the org chart, their profile and their manager."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models._base import created_at, updated_at


class EmployeeStatus(StrEnum):
    ACTIVE = "active"
    ON_LEAVE = "on_leave"
    TERMINATED = "terminated"


class EmployeeRole(StrEnum):
    EMPLOYEE = "employee"
    HR = "hr"
    ADMIN = "admin"


class Employee(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    given_name = fields.CharField(max_length=100, db_index=True)
    family_name = fields.CharField(max_length=100, db_index=True)
    job_title = fields.CharField(max_length=120, default="")
    location = fields.CharField(max_length=120, default="", db_index=True)
    timezone = fields.CharField(max_length=64, default="UTC")
    pronouns = fields.CharField(max_length=40, default="")
    bio = fields.TextField(default="")
    skills: list[str] = fields.JSONField(default=list)
    hire_date = fields.DateField(db_index=True)
    status = fields.CharEnumField(EmployeeStatus, max_length=16, default=EmployeeStatus.ACTIVE, db_index=True)
    role = fields.CharEnumField(EmployeeRole, max_length=16, default=EmployeeRole.EMPLOYEE, db_index=True)
    manager: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="reports", null=True, on_delete=fields.RESTRICT
    )
    manager_id: int | None
    phone = fields.CharField(max_length=40, default="")
    birth_date = fields.DateField(null=True)
    emergency_contact = fields.CharField(max_length=200, default="")
    password_hash = fields.CharField(max_length=255, null=True)
    created_at = created_at()
    updated_at = updated_at()
    version = fields.IntField(default=1)

    class Meta:
        table = "employees"

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"
