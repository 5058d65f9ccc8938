"""Only an admin (or a service) changes an admin's role, status, manager or e-mail; HR may not."""

from __future__ import annotations

from typing import Any

import pytest

from ids import to_global_id
from models.employees import Employee
from models.events import Event
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker

UPDATE_EMPLOYEE = """
mutation($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { role status jobTitle } errors { field code message } }
}
"""


@pytest.fixture
async def people() -> dict[str, str]:
    boss = await f.employee(email="boss@example.com")
    await f.employee(email="hr@example.com", role="hr")
    await f.employee(email="other.admin@example.com", role="admin")
    root = await f.employee(email="root@example.com", role="admin")
    return {"root": to_global_id("Employee", root.id), "boss": to_global_id("Employee", boss.id)}


async def snapshot() -> tuple[list[dict[str, Any]], int]:
    return await Employee.all().order_by("id").values(), await Event.all().count()


@pytest.mark.parametrize(
    "change",
    [{"role": "EMPLOYEE"}, {"status": "TERMINATED"}, {"managerId": "boss"}, {"email": "hr.owns@example.com"}],
    ids=["role", "status", "manager", "email"],
)
async def test_hr_may_not_change_an_admins_standing(
    graphql: ClientMaker, tokens: TokenMaker, people: dict[str, str], change: dict[str, str]
) -> None:
    # given HR and an admin
    hr = graphql(await tokens("hr@example.com"))
    change = {k: people.get(v, v) for k, v in change.items()}
    before = await snapshot()

    # when HR tries to demote, terminate, re-home or re-address the admin
    data = await hr.data(UPDATE_EMPLOYEE, {"input": {"id": people["root"], **change}})

    # then it is refused as a user error and nothing changed
    payload = data["updateEmployee"]
    assert payload["employee"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["input"], "NOT_ALLOWED")]
    assert await snapshot() == before


async def test_hr_may_still_change_an_admins_other_fields(
    graphql: ClientMaker, tokens: TokenMaker, people: dict[str, str]
) -> None:
    hr = graphql(await tokens("hr@example.com"))

    data = await hr.data(UPDATE_EMPLOYEE, {"input": {"id": people["root"], "jobTitle": "CTO"}})

    assert data["updateEmployee"] == {
        "employee": {"role": "ADMIN", "status": "ACTIVE", "jobTitle": "CTO"},
        "errors": [],
    }


@pytest.mark.parametrize("who", ["other.admin@example.com", None], ids=["admin", "service"])
async def test_an_admin_or_a_service_may_change_an_admin(
    graphql: ClientMaker, tokens: TokenMaker, people: dict[str, str], who: str | None
) -> None:
    actor = graphql(await tokens(who))

    data = await actor.data(
        UPDATE_EMPLOYEE, {"input": {"id": people["root"], "role": "HR", "status": "TERMINATED"}}
    )

    assert data["updateEmployee"]["employee"] == {
        "role": "HR",
        "status": "TERMINATED",
        "jobTitle": "Engineer",
    }
