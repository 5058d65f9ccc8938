"""Reading employees: filters, orders, and the org chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from tortoise.expressions import Q, RawSQL, Subquery

from models.employees import Employee, EmployeeRole, EmployeeStatus
from models.teams import Team, TeamMembership
from resolvers.core.listing import Listing, root_listing
from resolvers.core.loaders import ChildList, Loaders, NestedList
from resolvers.core.pagination import PageArgs, SortKey
from resolvers.core.validation import search_condition

# GraphQL order field name → model field.
EMPLOYEE_ORDER_FIELDS = {
    "FAMILY_NAME": "family_name",
    "GIVEN_NAME": "given_name",
    "EMAIL": "email",
    "HIRE_DATE": "hire_date",
    "CREATED_AT": "created_at",
}


def employee_filter(
    *,
    search: str | None = None,
    statuses: Sequence[EmployeeStatus] | None = None,
    roles: Sequence[EmployeeRole] | None = None,
    location: str | None = None,
    manager_id: int | None = None,
    team_id: int | None = None,
    skill: str | None = None,
) -> Q:
    q = Q()
    q &= search_condition(search, "given_name", "family_name", "email")
    if statuses:
        q &= Q(status__in=statuses)
    if roles:
        q &= Q(role__in=roles)
    if location:
        q &= Q(location__iexact=location)
    if manager_id is not None:
        q &= Q(manager_id=manager_id)
    if team_id is not None:
        q &= Q(id__in=Subquery(TeamMembership.filter(team_id=team_id).values("employee_id")))
    if skill:
        # Skills are a JSON list of strings; a quoted substring match works on both backends.
        listed = Employee.annotate(skills_text=RawSQL("CAST(skills AS TEXT)"))
        q &= Q(id__in=Subquery(listed.filter(skills_text__icontains=f'"{skill}"').values("id")))
    return q


DIRECT_REPORTS = NestedList(name="Employee.directReports", model=Employee, partition="manager_id")
MEMBERSHIPS_OF_EMPLOYEE = NestedList(
    name="Employee.teams",
    model=TeamMembership,
    partition="employee_id",
    sort=SortKey("joined_at"),
    attach=("team_id", Team),
)


def direct_reports(sort: SortKey, args: PageArgs) -> ChildList:
    return DIRECT_REPORTS.spec(args, sort=sort)


def memberships_of_employee(args: PageArgs) -> ChildList:
    return MEMBERSHIPS_OF_EMPLOYEE.spec(args)


async def employee_listing(
    filters: dict[str, Any], sort: SortKey, args: PageArgs, loaders: Loaders
) -> Listing:
    """The `employees` root list: the whole directory, narrowed by `employee_filter(**filters)`."""
    return await root_listing(Employee.filter(employee_filter(**filters)), sort, "employees", args, loaders)


async def employee_by_id(loaders: Loaders, pk: int | None) -> Employee | None:
    """The employee with this ID (None for no ID or no such row), batched with those asked for at once."""
    return None if pk is None else cast("Employee | None", await loaders.by_id(Employee).load(pk))
