"""The employee root fields: `viewer` and the `employees` directory."""

from __future__ import annotations

from typing import Annotated

from auth.scopes import Scope
from resolvers.employees import reads as r
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import scoped
from schema.core.relay import Connection, to_connection
from schema.employees.filters import EmployeeFilter, EmployeeOrder, employee_filter_kwargs, employee_sort
from schema.employees.types import Employee
from web.context import Info


@scoped("The signed-in employee; null for a service token.", Scope.EMPLOYEES_READ)
async def viewer(info: Info) -> Employee | None:
    policy = await info.context.policy()
    return Employee.from_row(policy.viewer) if policy.viewer else None


@scoped("The employee directory.", Scope.EMPLOYEES_READ)
async def employees(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[EmployeeFilter | None, FILTER_ARGUMENT] = None,
    order_by: Annotated[EmployeeOrder | None, ORDER_ARGUMENT] = None,
) -> Connection[Employee] | None:
    args = page_args(first, after, last, before)
    listing = await r.employee_listing(
        employee_filter_kwargs(filter), employee_sort(order_by), args, info.context.loaders
    )
    return to_connection(listing.page, Employee.from_row, listing.count)
