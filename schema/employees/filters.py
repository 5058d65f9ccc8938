"""Employee filter and order inputs: the `employees` root list and `directReports`.

Kept apart from the types (like every domain's filters.py), so the fields of other domains can
take them as arguments without importing the types."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from resolvers.core.pagination import SortKey
from resolvers.employees import reads as r
from schema.core.enums import EmployeeRole, EmployeeStatus, OrderDirection
from schema.core.ordering import sort_of
from schema.core.paging import pk_of


@strawberry.enum(description="Fields employees can be ordered by.")
class EmployeeOrderField(Enum):
    FAMILY_NAME = strawberry.enum_value("FAMILY_NAME", description="Family name.")
    GIVEN_NAME = strawberry.enum_value("GIVEN_NAME", description="Given name.")
    EMAIL = strawberry.enum_value("EMAIL", description="E-mail address.")
    HIRE_DATE = strawberry.enum_value("HIRE_DATE", description="Date of hire.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the record was created.")


@strawberry.input(description="How to order employees; ties break on ID.")
class EmployeeOrder:
    field: EmployeeOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="The direction.")


def employee_sort(order: EmployeeOrder | None) -> SortKey:
    return sort_of(order, r.EMPLOYEE_ORDER_FIELDS, SortKey("family_name"))


@strawberry.input(description="Narrow a list of employees; all given conditions must hold.")
class EmployeeFilter:
    search: str | None = strawberry.field(default=None, description="Part of the name or e-mail.")
    status: list[EmployeeStatus] | None = strawberry.field(default=None, description="Any of these statuses.")
    role: list[EmployeeRole] | None = strawberry.field(default=None, description="Any of these roles.")
    location: str | None = strawberry.field(default=None, description="Exactly this location (any case).")
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="Direct reports of this manager."
    )
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Members of this team.")
    skill: str | None = strawberry.field(default=None, description="Has this skill.")


def employee_filter_kwargs(f: EmployeeFilter | None) -> dict[str, Any]:
    """The filter as `resolvers.employees.reads.employee_filter`'s keyword arguments."""
    if f is None:
        return {}
    return dict(
        search=f.search,
        statuses=f.status or None,
        roles=f.role or None,
        location=f.location,
        manager_id=pk_of(f.manager_id, "Employee"),
        team_id=pk_of(f.team_id, "Team"),
        skill=f.skill,
    )
