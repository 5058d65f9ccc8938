"""Mentorship mutations: request, answer, end, check in; who may, and what is refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from ids import to_global_id
from models.employees import Employee
from models.events import Event
from models.mentorships import Mentorship, MentorshipCheckIn
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, error_codes

REQUEST = """
mutation Request($input: RequestMentorshipInput!) {
  requestMentorship(input: $input) {
    mentorship { id status goals focusSkills mentor { email } mentee { email } viewerCanRespond viewerCanEnd }
    errors { field code message }
  }
}
"""

RESPOND = """
mutation Respond($input: RespondToMentorshipInput!) {
  respondToMentorship(input: $input) {
    mentorship { status startedAt endedAt viewerCanLogCheckIn }
    errors { field code message }
  }
}
"""

END = """
mutation End($input: EndMentorshipInput!) {
  endMentorship(input: $input) { mentorship { status endedAt } errors { field code message } }
}
"""

CHECK_IN = """
mutation CheckIn($input: LogMentorshipCheckInInput!) {
  logMentorshipCheckIn(input: $input) {
    checkIn { happenedAt notes author { email } mentorship { status } }
    errors { field code message }
  }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def _people() -> tuple[Employee, Employee]:
    mentor = await f.employee(email="mentor@example.com", skills=["Python"])
    mentee = await f.employee(email="mentee@example.com")
    return mentor, mentee


async def test_an_employee_asks_for_a_mentor(graphql: ClientMaker, tokens: TokenMaker) -> None:
    mentor, _ = await _people()
    client = graphql(await tokens("mentee@example.com"))

    data = await client.data(
        REQUEST,
        {
            "input": {
                "mentorId": gid("Employee", mentor.id),
                "goals": " Learn Python ",
                "focusSkills": ["Python", " "],
            }
        },
    )

    payload = data["requestMentorship"]
    assert payload["errors"] == []
    m = payload["mentorship"]
    assert m["status"] == "PROPOSED" and m["goals"] == "Learn Python" and m["focusSkills"] == ["Python"]
    assert m["mentor"] == {"email": "mentor@example.com"} and m["mentee"] == {"email": "mentee@example.com"}
    assert m["viewerCanRespond"] is False and m["viewerCanEnd"] is True
    event = await Event.get(type="mentorship.requested")
    assert event.data["mentorId"] == mentor.id and event.actor_id is not None


async def test_requests_to_oneself_unknown_or_departed_mentors_are_refused(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    mentor, mentee = await _people()
    gone = await f.employee(status="terminated")
    client = graphql(await tokens("mentee@example.com"))

    results = [
        await client.data(REQUEST, {"input": {"mentorId": gid("Employee", pk)}})
        for pk in (mentee.id, 9999, gone.id)
    ]
    malformed = await client.data(REQUEST, {"input": {"mentorId": "nope"}})
    too_long = await client.data(
        REQUEST, {"input": {"mentorId": gid("Employee", mentor.id), "goals": "x" * 2001}}
    )

    assert [codes(r["requestMentorship"]) for r in results] == [["INVALID"], ["NOT_FOUND"], ["INVALID"]]
    assert codes(malformed["requestMentorship"]) == ["INVALID_ID"]
    assert too_long["requestMentorship"]["errors"][0]["field"] == ["input", "goals"]
    assert await Mentorship.all().count() == 0 and await Event.all().count() == 0


async def test_a_pair_has_one_open_mentorship_even_when_requests_race(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    mentor, _ = await _people()
    client = graphql(await tokens("mentee@example.com"))
    variables = {"input": {"mentorId": gid("Employee", mentor.id)}}

    results = await asyncio.gather(*(client.data(REQUEST, variables) for _ in range(5)))

    outcomes = sorted(tuple(codes(r["requestMentorship"])) for r in results)
    assert outcomes == [(), *[("ALREADY_EXISTS",)] * 4]
    assert await Mentorship.all().count() == 1
    assert await Event.filter(type="mentorship.requested").count() == 1


async def test_a_declined_pair_may_ask_again(graphql: ClientMaker, tokens: TokenMaker) -> None:
    mentor, mentee = await _people()
    await f.mentorship(mentor, mentee, status="declined")
    client = graphql(await tokens("mentee@example.com"))

    data = await client.data(REQUEST, {"input": {"mentorId": gid("Employee", mentor.id)}})

    assert data["requestMentorship"]["errors"] == []


async def test_a_service_token_cannot_request_for_nobody(graphql: ClientMaker, tokens: TokenMaker) -> None:
    mentor, _ = await _people()
    client = graphql(await tokens(None))

    data = await client.data(REQUEST, {"input": {"mentorId": gid("Employee", mentor.id)}})

    assert codes(data["requestMentorship"]) == ["NOT_ALLOWED"]


async def test_without_the_write_scope_every_mentorship_mutation_is_forbidden(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    mentor, mentee = await _people()
    m = await f.mentorship(mentor, mentee)
    client = graphql(await tokens("mentor@example.com", scopes="mentorships:read employees:read"))
    calls = [
        (REQUEST, {"mentorId": gid("Employee", mentee.id)}),
        (RESPOND, {"id": gid("Mentorship", m.id), "decision": "ACCEPT"}),
        (END, {"id": gid("Mentorship", m.id), "outcome": "CANCELLED"}),
        (CHECK_IN, {"mentorshipId": gid("Mentorship", m.id)}),
    ]

    for query, variables in calls:
        body = await client.execute(query, {"input": variables})
        assert error_codes(body) == ["FORBIDDEN"]
        assert body["errors"][0]["extensions"]["requiredScope"] == "mentorships:write"
    assert (await Mentorship.get(id=m.id)).status == "proposed"


async def test_the_mentor_accepts_and_both_log_check_ins(graphql: ClientMaker, tokens: TokenMaker) -> None:
    mentor, mentee = await _people()
    m = await f.mentorship(mentor, mentee)
    mentor_client = graphql(await tokens("mentor@example.com"))
    mentee_client = graphql(await tokens("mentee@example.com"))

    accepted = await mentor_client.data(
        RESPOND, {"input": {"id": gid("Mentorship", m.id), "decision": "ACCEPT"}}
    )
    first = await mentee_client.data(
        CHECK_IN, {"input": {"mentorshipId": gid("Mentorship", m.id), "notes": "Talked"}}
    )
    second = await mentor_client.data(CHECK_IN, {"input": {"mentorshipId": gid("Mentorship", m.id)}})

    assert accepted["respondToMentorship"]["mentorship"]["status"] == "ACTIVE"
    assert accepted["respondToMentorship"]["mentorship"]["startedAt"] is not None
    assert accepted["respondToMentorship"]["mentorship"]["viewerCanLogCheckIn"] is True
    assert first["logMentorshipCheckIn"]["checkIn"]["notes"] == "Talked"
    assert first["logMentorshipCheckIn"]["checkIn"]["author"] == {"email": "mentee@example.com"}
    assert second["logMentorshipCheckIn"]["checkIn"]["author"] == {"email": "mentor@example.com"}
    assert await Event.filter(type="mentorship.accepted").count() == 1
    assert await Event.filter(type="mentorship.checked_in").count() == 2


async def test_the_mentor_declines(graphql: ClientMaker, tokens: TokenMaker) -> None:
    mentor, mentee = await _people()
    m = await f.mentorship(mentor, mentee)
    client = graphql(await tokens("mentor@example.com"))

    data = await client.data(RESPOND, {"input": {"id": gid("Mentorship", m.id), "decision": "DECLINE"}})

    assert data["respondToMentorship"]["mentorship"]["status"] == "DECLINED"
    assert data["respondToMentorship"]["mentorship"]["endedAt"] is not None
    assert await Event.filter(type="mentorship.declined").count() == 1


async def test_only_the_mentor_answers_and_only_once(graphql: ClientMaker, tokens: TokenMaker) -> None:
    mentor, mentee = await _people()
    boss = await f.employee(email="boss@example.com")
    await mentee.update_from_dict({"manager_id": boss.id}).save()
    m = await f.mentorship(mentor, mentee)
    await f.employee(email="stranger@example.com")
    variables = {"input": {"id": gid("Mentorship", m.id), "decision": "ACCEPT"}}

    by_mentee = await graphql(await tokens("mentee@example.com")).data(RESPOND, variables)
    by_manager = await graphql(await tokens("boss@example.com")).data(RESPOND, variables)
    by_stranger = await graphql(await tokens("stranger@example.com")).data(RESPOND, variables)
    mentor_client = graphql(await tokens("mentor@example.com"))
    await mentor_client.data(RESPOND, variables)
    again = await mentor_client.data(RESPOND, variables)

    assert codes(by_mentee["respondToMentorship"]) == ["NOT_ALLOWED"]
    assert codes(by_manager["respondToMentorship"]) == ["NOT_ALLOWED"]
    assert codes(by_stranger["respondToMentorship"]) == ["NOT_FOUND"]
    assert codes(again["respondToMentorship"]) == ["INVALID_TRANSITION"]
    assert await Event.filter(type__startswith="mentorship.").count() == 1


async def test_the_mentee_withdraws_a_request_but_the_mentor_cannot(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    mentor, mentee = await _people()
    m = await f.mentorship(mentor, mentee)
    variables = {"input": {"id": gid("Mentorship", m.id), "outcome": "CANCELLED"}}

    by_mentor = await graphql(await tokens("mentor@example.com")).data(END, variables)
    completed = await graphql(await tokens("mentee@example.com")).data(
        END, {"input": {"id": gid("Mentorship", m.id), "outcome": "COMPLETED"}}
    )
    withdrawn = await graphql(await tokens("mentee@example.com")).data(END, variables)

    assert codes(by_mentor["endMentorship"]) == ["NOT_ALLOWED"]
    assert codes(completed["endMentorship"]) == ["INVALID_TRANSITION"]
    assert withdrawn["endMentorship"]["mentorship"]["status"] == "CANCELLED"
    assert await Event.filter(type="mentorship.ended").count() == 1


async def test_either_party_ends_an_active_mentorship_once(graphql: ClientMaker, tokens: TokenMaker) -> None:
    mentor, mentee = await _people()
    m = await f.mentorship(mentor, mentee, status="active", started_at=datetime.now(UTC) - timedelta(days=30))
    client = graphql(await tokens("mentor@example.com"))
    variables = {"input": {"id": gid("Mentorship", m.id), "outcome": "COMPLETED"}}

    ended = await client.data(END, variables)
    again = await client.data(END, variables)
    late_check_in = await client.data(CHECK_IN, {"input": {"mentorshipId": gid("Mentorship", m.id)}})

    assert ended["endMentorship"]["mentorship"]["status"] == "COMPLETED"
    assert ended["endMentorship"]["mentorship"]["endedAt"] is not None
    assert codes(again["endMentorship"]) == ["INVALID_TRANSITION"]
    assert codes(late_check_in["logMentorshipCheckIn"]) == ["CLOSED"]
    event = await Event.get(type="mentorship.ended")
    assert event.data["to"] == "completed"


async def test_check_ins_in_the_future_or_too_long_are_refused_and_nothing_is_written(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    mentor, mentee = await _people()
    m = await f.mentorship(mentor, mentee, status="active", started_at=datetime.now(UTC) - timedelta(days=3))
    client = graphql(await tokens("mentee@example.com"))
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    before_start = (datetime.now(UTC) - timedelta(days=10)).isoformat()

    future = await client.data(
        CHECK_IN,
        {"input": {"mentorshipId": gid("Mentorship", m.id), "happenedAt": tomorrow, "notes": "x" * 5001}},
    )
    early = await client.data(
        CHECK_IN, {"input": {"mentorshipId": gid("Mentorship", m.id), "happenedAt": before_start}}
    )

    fields = {(tuple(e["field"]), e["code"]) for e in future["logMentorshipCheckIn"]["errors"]}
    assert fields == {(("input", "happenedAt"), "INVALID"), (("input", "notes"), "TOO_LONG")}
    assert codes(early["logMentorshipCheckIn"]) == ["INVALID"]
    assert await MentorshipCheckIn.all().count() == 0 and await Event.all().count() == 0


async def test_a_manager_who_can_see_a_mentorship_still_cannot_check_in(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    mentor, mentee = await _people()
    boss = await f.employee(email="boss@example.com")
    await mentee.update_from_dict({"manager_id": boss.id}).save()
    m = await f.mentorship(mentor, mentee, status="active", started_at=datetime.now(UTC) - timedelta(days=1))

    data = await graphql(await tokens("boss@example.com")).data(
        CHECK_IN, {"input": {"mentorshipId": gid("Mentorship", m.id)}}
    )

    assert codes(data["logMentorshipCheckIn"]) == ["NOT_ALLOWED"]
