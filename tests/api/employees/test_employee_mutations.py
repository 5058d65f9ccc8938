"""Employee mutations: self-service profile, HR creating and changing employees, manager cycles."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from ids import to_global_id
from models.employees import Employee
from models.events import Event
from tests.support import factories as f
from tests.support.graphql_client import Caller, ClientMaker, TokenMaker, error_codes

UPDATE_MY_PROFILE = """
mutation Update($input: UpdateMyProfileInput!) {
  updateMyProfile(input: $input) {
    employee { email pronouns bio skills location timezone phone emergencyContact version }
    errors { field code message }
  }
}
"""

CREATE_EMPLOYEE = """
mutation Create($input: CreateEmployeeInput!) {
  createEmployee(input: $input) {
    employee { id email givenName familyName jobTitle hireDate role status timezone manager { email } }
    errors { field code message }
  }
}
"""

UPDATE_EMPLOYEE = """
mutation Update($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) {
    employee { email jobTitle status role version manager { email } }
    errors { field code message }
  }
}
"""


def gid(row: Any) -> str:
    return to_global_id(type(row).__name__, row.id)


def codes(payload: dict[str, Any]) -> set[tuple[tuple[str, ...], str]]:
    return {(tuple(e["field"] or ()), e["code"]) for e in payload["errors"]}


async def snapshot() -> tuple[list[dict[str, Any]], int]:
    """Every employee row and the number of events: what a refused mutation must leave alone."""
    return await Employee.all().order_by("id").values(), await Event.all().count()


# --- updateMyProfile ----------------------------------------------------------------------------


async def test_an_employee_updates_their_own_profile(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))

    data = await client.data(
        UPDATE_MY_PROFILE,
        {
            "input": {
                "pronouns": "she/her",
                "bio": " Math and engines. ",
                "skills": ["Python", "Python", "Analysis"],
                "timezone": "Europe/London",
                "phone": "+44 20 7946 0000",
                "expectedVersion": 1,
            }
        },
    )

    payload = data["updateMyProfile"]
    assert payload["errors"] == []
    assert payload["employee"]["bio"] == "Math and engines."
    assert payload["employee"]["skills"] == ["Python", "Analysis"]
    assert payload["employee"]["phone"] == "+44 20 7946 0000"
    assert payload["employee"]["version"] == 2
    event = await Event.get(type="employee.updated")
    assert sorted(event.data["changed"]) == ["bio", "phone", "pronouns", "skills", "timezone"]


async def test_profile_input_errors_are_reported_together_and_nothing_is_written(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))
    before = await snapshot()

    data = await client.data(
        UPDATE_MY_PROFILE,
        {"input": {"timezone": "Mars/Olympus", "bio": "x" * 2001, "phone": "call me maybe"}},
    )

    assert codes(data["updateMyProfile"]) == {
        (("input", "timezone"), "INVALID_FORMAT"),
        (("input", "bio"), "TOO_LONG"),
        (("input", "phone"), "INVALID_FORMAT"),
    }
    assert data["updateMyProfile"]["employee"] is None
    assert await snapshot() == before


async def test_a_stale_profile_version_is_a_conflict(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com", version=3)
    client = graphql(await tokens("ada@example.com"))
    before = await snapshot()

    data = await client.data(UPDATE_MY_PROFILE, {"input": {"pronouns": "she/her", "expectedVersion": 2}})

    assert codes(data["updateMyProfile"]) == {(("input", "expectedVersion"), "CONFLICT")}
    assert await snapshot() == before


async def test_names_are_not_self_service(employee: Caller) -> None:

    before = await snapshot()

    body = await employee.execute(UPDATE_MY_PROFILE, {"input": {"givenName": "Countess"}})

    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]  # the input has no such field
    assert await snapshot() == before


async def test_a_service_token_has_no_profile_to_update(service: Caller) -> None:

    data = await service.data(UPDATE_MY_PROFILE, {"input": {"pronouns": "it"}})

    assert codes(data["updateMyProfile"]) == {(("input",), "NOT_ALLOWED")}
    assert await Event.all().count() == 0


async def test_update_my_profile_needs_the_profile_write_scope(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com", scopes="employees:read"))
    before = await snapshot()

    body = await client.execute(UPDATE_MY_PROFILE, {"input": {"pronouns": "she/her"}})

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["requiredScope"] == "profile:write"
    assert await snapshot() == before


# --- createEmployee -----------------------------------------------------------------------------


async def test_hr_creates_an_employee(hr: Caller) -> None:
    boss = await f.employee(email="boss@example.com")

    data = await hr.data(
        CREATE_EMPLOYEE,
        {
            "input": {
                "email": "Grace@Example.com",
                "givenName": "Grace",
                "familyName": "Hopper",
                "jobTitle": "Rear Admiral",
                "managerId": gid(boss),
                "hireDate": "2024-05-01",
                "timezone": "America/New_York",
            }
        },
    )

    payload = data["createEmployee"]
    assert payload["errors"] == []
    assert payload["employee"]["email"] == "grace@example.com"
    assert payload["employee"]["manager"] == {"email": "boss@example.com"}
    assert (payload["employee"]["role"], payload["employee"]["status"]) == ("EMPLOYEE", "ACTIVE")
    assert await Event.filter(type="employee.created").count() == 1


async def test_a_service_token_creates_an_employee_hired_today(service: Caller) -> None:

    data = await service.data(
        CREATE_EMPLOYEE, {"input": {"email": "new@example.com", "givenName": "N", "familyName": "E"}}
    )

    assert data["createEmployee"]["errors"] == []
    assert data["createEmployee"]["employee"]["hireDate"] == date.today().isoformat()


async def test_create_employee_reports_every_input_error_and_writes_nothing(hr: Caller) -> None:
    before = await snapshot()

    bad = await hr.data(
        CREATE_EMPLOYEE,
        {
            "input": {
                "email": "not-an-address",
                "givenName": " ",
                "familyName": "x" * 101,
                "timezone": "Nowhere",
                "hireDate": "1900-01-01",
            }
        },
    )
    missing = await hr.data(
        CREATE_EMPLOYEE,
        {
            "input": {
                "email": "a@example.com",
                "givenName": "A",
                "familyName": "B",
                "managerId": to_global_id("Employee", 999),
            }
        },
    )
    duplicate = await hr.data(
        CREATE_EMPLOYEE, {"input": {"email": "HR@example.com", "givenName": "A", "familyName": "B"}}
    )

    assert codes(bad["createEmployee"]) == {
        (("input", "email"), "INVALID_FORMAT"),
        (("input", "givenName"), "REQUIRED"),
        (("input", "familyName"), "TOO_LONG"),
        (("input", "timezone"), "INVALID_FORMAT"),
        (("input", "hireDate"), "INVALID"),
    }
    assert codes(missing["createEmployee"]) == {(("input", "managerId"), "NOT_FOUND")}
    assert codes(duplicate["createEmployee"]) == {(("input", "email"), "DUPLICATE")}
    assert await snapshot() == before


async def test_an_employee_without_hr_role_cannot_create_employees(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))  # asks for every scope; HR-only ones are withheld
    before = await snapshot()

    body = await client.execute(
        CREATE_EMPLOYEE, {"input": {"email": "x@example.com", "givenName": "X", "familyName": "Y"}}
    )

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["requiredScope"] == "employees:write"
    assert await snapshot() == before


async def test_only_an_admin_grants_the_admin_role(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="hr@example.com", role="hr")
    await f.employee(email="root@example.com", role="admin")
    new = {"email": "x@example.com", "givenName": "X", "familyName": "Y", "role": "ADMIN"}

    by_hr = await graphql(await tokens("hr@example.com")).data(CREATE_EMPLOYEE, {"input": new})
    by_admin = await graphql(await tokens("root@example.com")).data(CREATE_EMPLOYEE, {"input": new})

    assert codes(by_hr["createEmployee"]) == {(("input", "role"), "NOT_ALLOWED")}
    assert by_admin["createEmployee"]["employee"]["role"] == "ADMIN"


# --- updateEmployee -----------------------------------------------------------------------------


async def test_hr_changes_job_manager_and_status(hr: Caller) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com")

    data = await hr.data(
        UPDATE_EMPLOYEE,
        {
            "input": {
                "id": gid(ada),
                "jobTitle": "Analyst",
                "managerId": gid(boss),
                "status": "ON_LEAVE",
                "email": "ada@example.com",
                "expectedVersion": 1,
            }
        },
    )

    employee = data["updateEmployee"]["employee"]
    assert data["updateEmployee"]["errors"] == []
    assert (employee["jobTitle"], employee["status"], employee["version"]) == ("Analyst", "ON_LEAVE", 2)
    assert employee["manager"] == {"email": "boss@example.com"}
    event = await Event.get(type="employee.updated")
    assert sorted(event.data["changed"]) == ["jobTitle", "managerId", "status"]  # the e-mail did not change


async def test_a_manager_cycle_is_refused(hr: Caller) -> None:
    top = await f.employee(email="top@example.com")
    middle = await f.employee(email="middle@example.com", manager=top)
    bottom = await f.employee(email="bottom@example.com", manager=middle)
    before = await snapshot()

    indirect = await hr.data(UPDATE_EMPLOYEE, {"input": {"id": gid(top), "managerId": gid(bottom)}})
    direct = await hr.data(UPDATE_EMPLOYEE, {"input": {"id": gid(middle), "managerId": gid(bottom)}})
    itself = await hr.data(UPDATE_EMPLOYEE, {"input": {"id": gid(top), "managerId": gid(top)}})

    for data in (indirect, direct, itself):
        assert codes(data["updateEmployee"]) == {(("input", "managerId"), "CYCLE")}
    assert await snapshot() == before


async def test_two_opposite_manager_changes_at_once_cannot_make_a_cycle(hr: Caller) -> None:
    a = await f.employee(email="a@example.com")
    b = await f.employee(email="b@example.com")

    results = await asyncio.gather(
        hr.data(UPDATE_EMPLOYEE, {"input": {"id": gid(a), "managerId": gid(b)}}),
        hr.data(UPDATE_EMPLOYEE, {"input": {"id": gid(b), "managerId": gid(a)}}),
    )

    assert sorted(tuple(e["code"] for e in r["updateEmployee"]["errors"]) for r in results) == [
        (),
        ("CYCLE",),
    ]
    managers = {e.id: e.manager_id for e in await Employee.filter(id__in=[a.id, b.id])}
    assert None in managers.values()


async def test_two_concurrent_updates_with_the_same_version_leave_one_winner(hr: Caller) -> None:
    ada = await f.employee(email="ada@example.com")

    results = await asyncio.gather(
        hr.data(UPDATE_EMPLOYEE, {"input": {"id": gid(ada), "jobTitle": "One", "expectedVersion": 1}}),
        hr.data(UPDATE_EMPLOYEE, {"input": {"id": gid(ada), "jobTitle": "Two", "expectedVersion": 1}}),
    )

    assert sorted(tuple(e["code"] for e in r["updateEmployee"]["errors"]) for r in results) == [
        (),
        ("CONFLICT",),
    ]
    assert (await Employee.get(id=ada.id)).version == 2
    assert await Event.filter(type="employee.updated").count() == 1


async def test_update_employee_user_errors_write_nothing(hr: Caller) -> None:
    ada = await f.employee(email="ada@example.com")
    gone = await f.employee(email="gone@example.com", status="terminated")
    before = await snapshot()

    unknown = await hr.data(
        UPDATE_EMPLOYEE, {"input": {"id": to_global_id("Employee", 999), "jobTitle": "X"}}
    )
    taken = await hr.data(UPDATE_EMPLOYEE, {"input": {"id": gid(ada), "email": "HR@example.com"}})
    left = await hr.data(UPDATE_EMPLOYEE, {"input": {"id": gid(ada), "managerId": gid(gone)}})
    nulls = await hr.data(UPDATE_EMPLOYEE, {"input": {"id": gid(ada), "status": None, "givenName": None}})

    assert codes(unknown["updateEmployee"]) == {(("input", "id"), "NOT_FOUND")}
    assert codes(taken["updateEmployee"]) == {(("input", "email"), "DUPLICATE")}
    assert codes(left["updateEmployee"]) == {(("input", "managerId"), "INVALID")}
    assert codes(nulls["updateEmployee"]) == {
        (("input", "status"), "REQUIRED"),
        (("input", "givenName"), "REQUIRED"),
    }
    assert await snapshot() == before


async def test_an_employee_cannot_update_others_and_a_token_needs_the_scope(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="hr@example.com", role="hr")
    ada = await f.employee(email="ada@example.com")
    as_employee = graphql(await tokens("ada@example.com"))
    as_hr_without_scope = graphql(await tokens("hr@example.com", scopes="employees:read profile:write"))
    before = await snapshot()

    for client in (as_employee, as_hr_without_scope):
        body = await client.execute(UPDATE_EMPLOYEE, {"input": {"id": gid(ada), "jobTitle": "CEO"}})
        assert error_codes(body) == ["FORBIDDEN"]
        assert body["errors"][0]["extensions"]["requiredScope"] == "employees:write"
    assert await snapshot() == before
