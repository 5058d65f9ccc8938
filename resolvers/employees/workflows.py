"""Employee workflows: self-service profile changes, and HR creating and changing employees."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from auth.rules.employees import HR_FIELDS, SELF_SERVICE_FIELDS, STANDING_FIELDS
from events.log import EventType
from models.employees import Employee, EmployeeRole, EmployeeStatus
from resolvers.core.clock import today
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.revocation import end_employee
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.core.validation import Checks
from resolvers.core.versioning import Changes, camel, check_version, diff, save_versioned

_EARLIEST_HIRE = date(1950, 1, 1)
_PHONE_CHARACTERS = frozenset("+0123456789 ()-./")
# Text fields: (GraphQL name, maximum length, required).
_TEXT: dict[str, tuple[int, bool]] = {
    "given_name": (100, True),
    "family_name": (100, True),
    "job_title": (120, False),
    "location": (120, False),
    "pronouns": (40, False),
    "bio": (2_000, False),
    "phone": (40, False),
    "emergency_contact": (200, False),
}


def _validated(changes: Changes, allowed: frozenset[str]) -> dict[str, Any]:
    """Checked, normalised values of the given fields; every problem reported at once."""
    unknown = set(changes) - allowed
    if unknown:  # the schema only offers allowed fields: this is a programming error
        raise ValueError(f"fields not allowed here: {sorted(unknown)}")
    checks = Checks()
    values: dict[str, Any] = {}
    for name, raw in changes.items():
        label = camel(name)
        if name in _TEXT:
            most, required = _TEXT[name]
            values[name] = checks.text(raw, label, max_length=most, required=required) or ""  # type: ignore[arg-type]
        elif name == "email":
            values[name] = checks.email(raw, label)  # type: ignore[arg-type]
        elif name == "timezone":
            if raw is None:
                checks.add(ErrorCode.REQUIRED, "timezone must not be null.", label)
            values[name] = checks.timezone(raw, label)  # type: ignore[arg-type]
        elif name == "skills":
            values[name] = checks.skills(raw or [], label)  # type: ignore[arg-type]
        elif name in ("status", "role", "hire_date") and raw is None:
            checks.add(ErrorCode.REQUIRED, f"{label} must not be null.", label)
        else:
            values[name] = raw
    if values.get("phone") and not set(values["phone"]) <= _PHONE_CHARACTERS:
        checks.add(
            ErrorCode.INVALID_FORMAT, "A phone number has digits, spaces and + ( ) - . / only.", "phone"
        )
    hire_date = values.get("hire_date")
    if hire_date is not None and not _EARLIEST_HIRE <= hire_date <= today() + timedelta(days=366):
        checks.add(ErrorCode.INVALID, "The hire date must lie between 1950 and a year from now.", "hireDate")
    birth_date = values.get("birth_date")
    if birth_date is not None and not date(1900, 1, 1) <= birth_date <= today() - timedelta(days=365 * 14):
        checks.add(
            ErrorCode.INVALID, "The birth date must lie after 1900 and at least 14 years ago.", "birthDate"
        )
    checks.raise_if_any()
    return values


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise user_error(ErrorCode.NOT_ALLOWED, message, "input")


async def _check_references(uow: UnitOfWork, values: Mapping[str, Any], employee_id: int | None) -> None:
    """E-mail not taken by someone else; the manager exists and works here; the role may be granted."""
    checks = Checks()
    email = values.get("email")
    if email is not None:
        taken = Employee.filter(email__iexact=email).exclude(id=employee_id or 0).using_db(uow.conn)
        if await taken.exists():
            checks.add(ErrorCode.DUPLICATE, f"{email} already belongs to another employee.", "email")
    manager_id = values.get("manager_id")
    if manager_id is not None:
        manager = await Employee.filter(id=manager_id).using_db(uow.conn).first()
        if manager is None:
            checks.add(ErrorCode.NOT_FOUND, "No such employee.", "managerId")
        elif manager.status == EmployeeStatus.TERMINATED:
            checks.add(ErrorCode.INVALID, "Someone who has left cannot be a manager.", "managerId")
    checks.raise_if_any()
    role = values.get("role")
    if role is not None and not uow.actor.policy.can_grant_role(role):
        raise user_error(ErrorCode.NOT_ALLOWED, f"You may not grant the {role.name} role.", "input", "role")


async def _write(
    uow: UnitOfWork, employee: Employee, expected_version: int | None, values: dict[str, Any]
) -> None:
    changed = diff(employee, values)
    try:
        await save_versioned(uow, employee, expected_version, changed)
    except IntegrityError:  # another transaction took the e-mail between our check and write
        raise user_error(
            ErrorCode.DUPLICATE, "This e-mail already belongs to another employee.", "input", "email"
        ) from None
    if changed:
        await uow.record(
            EventType.EMPLOYEE_UPDATED, "Employee", employee.id, {}, [camel(name) for name in changed]
        )


async def update_my_profile(uow: UnitOfWork, *, expected_version: int | None, changes: Changes) -> Employee:
    """The signed-in employee changes their own self-service fields."""
    _require(uow.actor.policy.can_update_own_profile(), "A service token has no profile; use updateEmployee.")
    values = _validated(changes, SELF_SERVICE_FIELDS)
    employee = await Employee.filter(id=uow.actor.employee_id).select_for_update().using_db(uow.conn).get()
    await _write(uow, employee, expected_version, values)
    return employee


async def create_employee(uow: UnitOfWork, *, fields: Changes) -> Employee:
    _require(uow.actor.policy.can_manage_employees(), "Only HR creates employees.")
    # On a new employee null means "not given": the defaults apply.
    given = {name: value for name, value in fields.items() if value is not None}
    values = _validated({"hire_date": today(), **given}, HR_FIELDS)
    values.setdefault("role", EmployeeRole.EMPLOYEE)
    await _check_references(uow, values, None)
    try:
        employee = await Employee.create(using_db=uow.conn, **values)
    except IntegrityError:
        raise user_error(
            ErrorCode.DUPLICATE, "This e-mail already belongs to another employee.", "input", "email"
        ) from None
    await uow.record(EventType.EMPLOYEE_CREATED, "Employee", employee.id, {"managerId": employee.manager_id})
    return employee


async def update_employee(
    uow: UnitOfWork, *, employee_id: int | None, expected_version: int | None, changes: Changes
) -> Employee:
    """HR changes any field; a new manager is checked for cycles under row locks."""
    _require(
        uow.actor.policy.can_manage_employees(),
        "Only HR changes employees; use updateMyProfile for your own.",
    )
    values = _validated(changes, HR_FIELDS)
    manager_id = values.get("manager_id")
    if manager_id is not None and employee_id is not None:
        chain = await locked_chain(uow, Employee, "manager_id", manager_id)
        if employee_id in chain:
            raise user_error(
                ErrorCode.CYCLE,
                "This manager reports (directly or not) to the employee; nobody may manage themselves.",
                "input",
                "managerId",
            )
    employee = await Employee.filter(id=employee_id).select_for_update().using_db(uow.conn).first()
    if employee is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such employee.", "input", "id")
    check_version(employee, expected_version)
    if STANDING_FIELDS.intersection(diff(employee, values)) and not uow.actor.policy.can_change_standing(
        employee
    ):
        raise user_error(
            ErrorCode.NOT_ALLOWED,
            "Only an admin changes an admin's role, status, manager or e-mail.",
            "input",
        )
    await _check_references(uow, diff(employee, values), employee.id)
    leaving = (
        employee.status != EmployeeStatus.TERMINATED and values.get("status") == EmployeeStatus.TERMINATED
    )
    await _write(uow, employee, expected_version, values)
    if leaving:
        # Written in this transaction, after the employee's row: their sign-ins end with it.
        uow.events += await end_employee(
            uow.conn, employee.id, actor_id=uow.actor.employee_id, client_id=uow.actor.client_id
        )
    return employee


# One lock per hierarchy (managers, teams): changes that could close a cycle run one at a time.
_HIERARCHY_LOCKS = {"employees": 72_626_101, "teams": 72_626_102}


async def locked_chain(uow: UnitOfWork, model: type[Model], parent_column: str, start_id: int) -> list[int]:
    """`start_id` and every row above it (its manager, their manager, ...), in one recursive query.

    On PostgreSQL a transaction-scoped advisory lock per hierarchy is taken first, so two changes
    that could together close a cycle (A under B and B under A) run one after the other and the
    second sees the first. It is taken before any row lock of the transaction and nothing else
    waits for it, so it cannot deadlock. SQLite runs one writing transaction at a time already.
    """
    table = model._meta.db_table
    if uow.conn.capabilities.dialect == "postgres":
        await uow.conn.execute_query(f"SELECT pg_advisory_xact_lock({_HIERARCHY_LOCKS[table]})")
    sql = (
        f"WITH RECURSIVE chain(id, up) AS (SELECT id, {parent_column} FROM {table} WHERE id = {int(start_id)}"
        f" UNION SELECT t.id, t.{parent_column} FROM {table} t JOIN chain c ON t.id = c.up) SELECT id FROM chain"
    )
    _, rows = await uow.conn.execute_query(sql)
    return [int(r["id"]) for r in rows]
