"""Employees (schema/employees/types.py): the `Employee` type, its manager and reports, and the
root `employees` list."""

from __future__ import annotations

from typing import Any

from auth.scopes import Scope
from models import employees as em
from planner.capabilities import can_update_employee, reads_sensitive
from planner.specs import Capability, Column, Computed, Keyed, Listed, Many, Sensitive, Spec, ToOne
from resolvers.core.pagination import SortKey
from resolvers.employees.reads import DIRECT_REPORTS, EMPLOYEE_ORDER_FIELDS, employee_filter

MODELS: dict[str, Any] = {"Employee": em.Employee}

FIELDS: dict[str, dict[str, Spec]] = {
    "Employee": {
        "id": Column("id", "id"),
        "email": Column("email", "str"),
        # models/employees.py `Employee.display_name`
        "displayName": Computed('{row}."given_name" || \' \' || {row}."family_name"'),
        "viewerCanUpdate": Capability(can_update_employee),
        "givenName": Column("given_name", "str"),
        "familyName": Column("family_name", "str"),
        "jobTitle": Column("job_title", "str"),
        "location": Column("location", "str"),
        "timezone": Column("timezone", "str"),
        "pronouns": Column("pronouns", "str"),
        "bio": Column("bio", "str"),
        "hireDate": Column("hire_date", "date"),
        "status": Column("status", "enum"),
        "role": Column("role", "enum"),
        "createdAt": Column("created_at", "datetime"),
        "updatedAt": Column("updated_at", "datetime"),
        "version": Column("version", "int"),
        "skills": Column("skills", "strings"),
        "phone": Sensitive(Column("phone", "str"), reads_sensitive),
        "birthDate": Sensitive(Column("birth_date", "date"), reads_sensitive),
        "emergencyContact": Sensitive(Column("emergency_contact", "str"), reads_sensitive),
        "manager": ToOne("Employee", "manager_id"),
        "directReports": Many(em.Employee, "manager_id", SortKey("family_name"), name=DIRECT_REPORTS.name),
    },
}

ROOT_LISTS: dict[str, Many] = {
    "employees": Many(
        em.Employee,
        "",
        SortKey("family_name"),
        None,
        EMPLOYEE_ORDER_FIELDS,
        employee_filter,
        {"status": "statuses", "role": "roles", "search": "search"},
    ),
}

ROOT_ROWS: dict[str, Listed] = {}

ROOT_ROWS_BY_KEY: dict[str, Keyed] = {}

NODES: dict[str, tuple[Scope, str | None]] = {"Employee": (Scope.EMPLOYEES_READ, None)}
