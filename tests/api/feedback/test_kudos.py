"""Kudos: thanking a colleague in public, who sees it, and the skills it adds to a profile."""

from __future__ import annotations

from typing import Any

import httpx

from ids import to_global_id
from models.events import Event
from models.feedback import Kudos
from tests.support import factories as f
from tests.support.graphql_client import Caller, TokenMaker, count_statements

GIVE = """
mutation Give($input: GiveKudosInput!) {
  giveKudos(input: $input) {
    kudos { id message skills giver { email } receiver { email } }
    errors { field code message }
  }
}
"""

RECEIVED = """
query Received($id: ID!) {
  node(id: $id) {
    ... on Employee { kudosReceived(first: 10) { totalCount nodes { message } } recognizedSkills { skill count } }
  }
}
"""

KUDOS = "query($id: ID!) { node(id: $id) { ... on Kudos { message } } }"


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


async def give(caller: Caller, to: int | str, message: str = "Thanks for the review!", **extra: Any) -> Any:
    to_id = to if isinstance(to, str) else gid("Employee", to)
    data = await caller.data(GIVE, {"input": {"toId": to_id, "message": message, **extra}})
    return data["giveKudos"]


async def test_an_employee_thanks_a_teammate_and_the_skills_count_toward_their_profile(
    employee: Caller, teammate: Caller
) -> None:
    teammate.row.skills = ["GraphQL", "Python"]
    await teammate.row.save(update_fields=["skills"])

    first = await give(employee, teammate.row.id, "Great pairing", skills=["graphql", " Testing "])
    second = await give(employee, teammate.row.id, "Saved the release", skills=["GraphQL"])

    assert first["errors"] == [] and second["errors"] == []
    assert first["kudos"]["skills"] == ["GraphQL", "Testing"]  # the profile's spelling wins
    assert first["kudos"]["giver"] == {"email": "ada@example.com"}
    assert first["kudos"]["receiver"] == {"email": "tim@example.com"}
    profile = (await teammate.data(RECEIVED, {"id": gid("Employee", teammate.row.id)}))["node"]
    assert profile["kudosReceived"]["totalCount"] == 2
    assert [n["message"] for n in profile["kudosReceived"]["nodes"]] == ["Saved the release", "Great pairing"]
    assert profile["recognizedSkills"] == [{"skill": "GraphQL", "count": 2}, {"skill": "Testing", "count": 1}]


async def test_the_event_names_people_and_skills_but_not_the_message(
    employee: Caller, teammate: Caller
) -> None:
    given = await give(employee, teammate.row.id, "A private-ish thank you", skills=["Python"])

    event = await Event.get(type="kudos.given")
    assert event.subject_type == "Kudos" and gid("Kudos", event.subject_id) == given["kudos"]["id"]
    assert event.actor_id == employee.row.id
    assert event.data == {"giverId": employee.row.id, "receiverId": teammate.row.id, "skills": ["Python"]}


async def outsider(http: httpx.AsyncClient, tokens: TokenMaker) -> Caller:
    olga = await f.employee(email="olga@example.com")
    return Caller(http, await tokens(olga.email), olga)


async def test_who_sees_a_kudos(
    employee: Caller,
    manager: Caller,
    teammate: Caller,
    hr: Caller,
    service: Caller,
    anonymous: Caller,
    http: httpx.AsyncClient,
    tokens: TokenMaker,
) -> None:
    # Tim thanks Ada: Ada (receiver), Tim (giver), Ada's manager, HR and services see it; a
    # colleague outside Ada's teams does not, until they share a team with her.
    outsider_caller = await outsider(http, tokens)

    kudos = (await give(teammate, employee.row.id))["kudos"]

    seen = {
        name: (await who.data(KUDOS, {"id": kudos["id"]}))["node"] is not None
        for name, who in [
            ("receiver", employee),
            ("giver", teammate),
            ("manager", manager),
            ("hr", hr),
            ("service", service),
            ("outsider", outsider_caller),
        ]
    }
    assert seen == {
        "receiver": True,
        "giver": True,
        "manager": True,
        "hr": True,
        "service": True,
        "outsider": False,
    }
    profile = await outsider_caller.data(RECEIVED, {"id": gid("Employee", employee.row.id)})
    assert profile["node"]["kudosReceived"] == {"totalCount": 0, "nodes": []}
    other = await f.team(name="Other", slug="other")
    await f.member(other, outsider_caller.row)
    await f.member(other, employee.row)
    assert (await outsider_caller.data(KUDOS, {"id": kudos["id"]}))["node"] is not None
    profile = await outsider_caller.data(RECEIVED, {"id": gid("Employee", employee.row.id)})
    assert profile["node"]["kudosReceived"]["totalCount"] == 1
    assert (await anonymous.post(KUDOS, {"id": kudos["id"]})).status_code == 401


async def test_refused_kudos_say_why_and_change_nothing(
    employee: Caller, teammate: Caller, service: Caller
) -> None:
    gone = await f.employee(email="gone@example.com", status="terminated")
    cases = [
        ({"toId": gid("Employee", employee.row.id), "message": "Me, me, me"}, ["toId"], "INVALID"),
        ({"toId": gid("Employee", gone.id), "message": "Thanks for all"}, ["toId"], "INVALID"),
        ({"toId": gid("Employee", 999_999), "message": "Thanks"}, ["toId"], "NOT_FOUND"),
        ({"toId": gid("Task", teammate.row.id), "message": "Thanks"}, ["toId"], "INVALID_ID"),
        ({"toId": gid("Employee", teammate.row.id), "message": " ok "}, ["message"], "TOO_SHORT"),
        ({"toId": gid("Employee", teammate.row.id), "message": "   "}, ["message"], "REQUIRED"),
        ({"toId": gid("Employee", teammate.row.id), "message": "x" * 1001}, ["message"], "TOO_LONG"),
        (
            {"toId": gid("Employee", teammate.row.id), "message": "Thanks", "skills": list("abcdef")},
            ["skills"],
            "INVALID",
        ),
    ]
    for variables, field, code in cases:
        data = await employee.data(GIVE, {"input": variables})
        payload = data["giveKudos"]
        assert payload["kudos"] is None, variables
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["input", *field], code)], variables

    by_service = await service.data(
        GIVE, {"input": {"toId": gid("Employee", teammate.row.id), "message": "Hi!"}}
    )
    assert [e["code"] for e in by_service["giveKudos"]["errors"]] == ["NOT_ALLOWED"]
    assert await Kudos.all().count() == 0 and await Event.filter(type="kudos.given").count() == 0


async def test_recognized_skills_of_a_whole_page_of_employees_take_one_statement(
    employee: Caller, teammate: Caller
) -> None:
    others = [await f.employee(email=f"p{i}@example.com") for i in range(4)]
    for person in others:
        await give(employee, person.id, "Thanks a lot", skills=["Kindness"])
    query = "{ employees(first: 20) { nodes { email recognizedSkills { skill count } } } }"

    with count_statements() as statements:
        data = await employee.data(query)

    skills = {n["email"]: n["recognizedSkills"] for n in data["employees"]["nodes"]}
    assert all(skills[p.email] == [{"skill": "Kindness", "count": 1}] for p in others)
    assert skills["tim@example.com"] == []
    assert len([s for s in statements if "kudos_skills" in s]) == 1


async def test_kudos_of_a_whole_page_of_employees_take_one_statement(employee: Caller, hr: Caller) -> None:
    others = [await f.employee(email=f"k{i}@example.com") for i in range(4)]
    for person in others:
        await give(employee, person.id, f"Thanks, {person.email}")
    query = "{ employees(first: 20) { nodes { email kudosReceived(first: 2) { nodes { message } } } } }"

    with count_statements() as statements:
        data = await hr.data(query)

    received = {n["email"]: n["kudosReceived"]["nodes"] for n in data["employees"]["nodes"]}
    assert all(received[p.email] == [{"message": f"Thanks, {p.email}"}] for p in others)
    assert received["ada@example.com"] == []
    assert len([s for s in statements if 'FROM "kudos"' in s or "FROM kudos" in s]) == 1
