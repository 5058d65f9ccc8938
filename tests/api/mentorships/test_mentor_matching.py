"""Finding a mentor who has room: capacity set by the mentor, suggestions with the parts of
their score, and requests to a full mentor refused."""

from __future__ import annotations

import asyncio
from typing import Any

from ids import to_global_id
from models.mentorships import MentorCapacity, Mentorship
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, count_statements, error_codes

SET_CAPACITY = """
mutation Set($input: SetMentorCapacityInput!) {
  setMentorCapacity(input: $input) {
    mentorCapacity { capacity openMentorships hasRoom }
    errors { field code message }
  }
}
"""

CAPACITY = """
query($id: ID) { mentorCapacity(employeeId: $id) { capacity openMentorships hasRoom } }
"""

SUGGESTIONS = """
query($skills: [String!]!, $first: Int) {
  mentorSuggestions(skills: $skills, first: $first) {
    employee { email }
    score
    totalScore
    reasons { kind points value detail }
    mentorCapacity { capacity openMentorships hasRoom }
  }
}
"""

REQUEST = """
mutation Request($input: RequestMentorshipInput!) {
  requestMentorship(input: $input) { mentorship { status } errors { field code message } }
}
"""


def _reasons(suggestion: dict[str, Any]) -> dict[str, tuple[int, int | None]]:
    return {r["kind"]: (r["points"], r["value"]) for r in suggestion["reasons"]}


async def test_a_mentor_sets_their_capacity_and_anyone_reads_it(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    mentor = await f.employee(email="mentor@example.com")
    mentee = await f.employee(email="mentee@example.com")
    await f.mentorship(mentor, mentee, status="active")
    as_mentor = graphql(await tokens("mentor@example.com"))

    before = await as_mentor.data(CAPACITY, {})
    data = await as_mentor.data(SET_CAPACITY, {"input": {"capacity": 1}})
    seen_by_mentee = await graphql(await tokens("mentee@example.com")).data(
        CAPACITY, {"id": to_global_id("Employee", mentor.id)}
    )
    service = await graphql(await tokens(None)).data(CAPACITY, {})

    assert before["mentorCapacity"] == {"capacity": 3, "openMentorships": 1, "hasRoom": True}
    assert data["setMentorCapacity"] == {
        "mentorCapacity": {"capacity": 1, "openMentorships": 1, "hasRoom": False},
        "errors": [],
    }
    assert seen_by_mentee["mentorCapacity"] == {"capacity": 1, "openMentorships": 1, "hasRoom": False}
    assert service["mentorCapacity"] is None  # a service token has no "you"


async def test_a_capacity_out_of_range_is_refused_and_changes_nothing(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="mentor@example.com")
    as_mentor = graphql(await tokens("mentor@example.com"))
    await as_mentor.data(SET_CAPACITY, {"input": {"capacity": 2}})

    negative = await as_mentor.data(SET_CAPACITY, {"input": {"capacity": -1}})
    huge = await as_mentor.data(SET_CAPACITY, {"input": {"capacity": 21}})
    after = await as_mentor.data(CAPACITY, {})

    for payload in (negative["setMentorCapacity"], huge["setMentorCapacity"]):
        assert payload["mentorCapacity"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(["input", "capacity"], "INVALID")]
    assert after["mentorCapacity"]["capacity"] == 2


async def test_a_service_token_has_no_capacity_to_set(graphql: ClientMaker, tokens: TokenMaker) -> None:
    data = await graphql(await tokens(None)).data(SET_CAPACITY, {"input": {"capacity": 2}})

    assert [e["code"] for e in data["setMentorCapacity"]["errors"]] == ["NOT_ALLOWED"]


async def test_a_full_mentor_is_not_suggested_and_refuses_requests(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    full = await f.employee(email="full@example.com", family_name="Adams", skills=["Python"])
    roomy = await f.employee(email="roomy@example.com", family_name="Baker", skills=["Python"])
    await f.employee(email="me@example.com")
    other = await f.employee(email="other@example.com")
    await graphql(await tokens("full@example.com")).data(SET_CAPACITY, {"input": {"capacity": 1}})
    await f.mentorship(full, other, status="proposed")  # a waiting request holds a place
    me = graphql(await tokens("me@example.com"))

    suggested = await me.data(SUGGESTIONS, {"skills": ["python"]})
    refused = await me.data(REQUEST, {"input": {"mentorId": to_global_id("Employee", full.id)}})
    accepted = await me.data(REQUEST, {"input": {"mentorId": to_global_id("Employee", roomy.id)}})

    assert [s["employee"]["email"] for s in suggested["mentorSuggestions"]] == ["roomy@example.com"]
    assert refused["requestMentorship"]["mentorship"] is None
    [error] = refused["requestMentorship"]["errors"]
    assert (error["field"], error["code"]) == (["input", "mentorId"], "FULL")
    assert "ask another suggestion" in error["message"]
    assert accepted["requestMentorship"]["mentorship"] == {"status": "PROPOSED"}
    assert await Mentorship.filter(mentor_id=full.id).count() == 1


async def test_concurrent_requests_never_overfill_a_mentor(graphql: ClientMaker, tokens: TokenMaker) -> None:
    mentor = await f.employee(email="mentor@example.com")
    await graphql(await tokens("mentor@example.com")).data(SET_CAPACITY, {"input": {"capacity": 2}})
    mentees = [await f.employee(email=f"mentee{n}@example.com") for n in range(5)]
    clients = [graphql(await tokens(m.email)) for m in mentees]
    ask = {"input": {"mentorId": to_global_id("Employee", mentor.id)}}

    results = await asyncio.gather(*(c.data(REQUEST, ask) for c in clients))

    codes = sorted(
        "OK" if r["requestMentorship"]["mentorship"] else r["requestMentorship"]["errors"][0]["code"]
        for r in results
    )
    assert codes == ["FULL", "FULL", "FULL", "OK", "OK"]
    assert await Mentorship.filter(mentor_id=mentor.id).count() == 2


async def test_suggestions_show_each_part_of_their_score(graphql: ClientMaker, tokens: TokenMaker) -> None:
    # Given an org chart: a head with two managers; I report to one of them. The time zones
    # keep no daylight saving time, so the overlaps hold all year.
    head = await f.employee(email="head@example.com")
    mine = await f.employee(email="mgr@example.com", manager=head)
    theirs = await f.employee(email="mgr2@example.com", manager=head)
    await f.employee(email="me@example.com", manager=mine, timezone="Asia/Dubai")
    near = await f.employee(
        email="near@example.com", family_name="Near", manager=mine, skills=["Go"], timezone="Asia/Muscat"
    )
    await f.employee(
        email="far@example.com",
        family_name="Far",
        manager=theirs,
        skills=["Go", "SQL"],
        timezone="Asia/Tokyo",
    )
    await f.employee(email="alone@example.com", family_name="Alone", skills=["go"], timezone="America/Bogota")
    await f.mentorship(near, theirs, status="active")
    client = graphql(await tokens("me@example.com"))

    data = await client.data(SUGGESTIONS, {"skills": ["go", "sql"]})

    by_email = {s["employee"]["email"]: s for s in data["mentorSuggestions"]}
    # near: a peer (2 steps), same working hours, one of three places taken
    assert _reasons(by_email["near@example.com"]) == {
        "SHARED_SKILLS": (10, 1),
        "ORG_DISTANCE": (4, 2),
        "TIME_ZONE_OVERLAP": (8, 8),
        "LOAD": (2, 1),
    }
    # far: a cousin (4 steps), Dubai and Tokyo (5 hours apart) share three hours, no load
    assert _reasons(by_email["far@example.com"]) == {
        "SHARED_SKILLS": (20, 2),
        "ORG_DISTANCE": (2, 4),
        "TIME_ZONE_OVERLAP": (3, 3),
        "LOAD": (3, 0),
    }
    # alone: outside my management chain, and Bogota is 9 hours from Dubai
    assert _reasons(by_email["alone@example.com"]) == {
        "SHARED_SKILLS": (10, 1),
        "ORG_DISTANCE": (0, None),
        "TIME_ZONE_OVERLAP": (0, 0),
        "LOAD": (3, 0),
    }
    for suggestion in data["mentorSuggestions"]:
        assert suggestion["totalScore"] == sum(r["points"] for r in suggestion["reasons"])
        assert [r["kind"] for r in suggestion["reasons"]] == [
            "SHARED_SKILLS",
            "ORG_DISTANCE",
            "TIME_ZONE_OVERLAP",
            "LOAD",
        ]
        assert all(r["detail"] for r in suggestion["reasons"])
    assert [s["employee"]["email"] for s in data["mentorSuggestions"]] == [
        "far@example.com",
        "near@example.com",
        "alone@example.com",
    ]
    assert by_email["far@example.com"]["score"] == 2
    assert by_email["near@example.com"]["mentorCapacity"] == {
        "capacity": 3,
        "openMentorships": 1,
        "hasRoom": True,
    }


async def test_suggestions_cost_the_same_statements_for_many_candidates(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="me@example.com")
    await f.employee(skills=["Rust"])
    client = graphql(await tokens("me@example.com"))
    query = (
        '{ mentorSuggestions(skills: ["rust"]) { totalScore reasons { points } mentorCapacity { hasRoom } } }'
    )
    await client.data(query)

    with count_statements() as one:
        await client.data(query)
    for _ in range(6):
        await f.employee(skills=["Rust"])
    with count_statements() as many:
        data = await client.data(query)

    assert len(many) == len(one)
    assert len(data["mentorSuggestions"]) == 7


async def test_a_service_token_gets_suggestions_without_personal_parts(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="x@example.com", skills=["Rust"])

    data = await graphql(await tokens(None)).data(SUGGESTIONS, {"skills": ["rust"]})

    [suggestion] = data["mentorSuggestions"]
    assert _reasons(suggestion)["ORG_DISTANCE"] == (0, None)
    assert _reasons(suggestion)["TIME_ZONE_OVERLAP"] == (0, None)


async def test_capacity_needs_the_directory_scope(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="me@example.com")

    no_scope = await graphql(await tokens("me@example.com", scopes="mentorships:read")).execute(CAPACITY, {})
    no_write = await graphql(await tokens("me@example.com", scopes="employees:read")).execute(
        SET_CAPACITY, {"input": {"capacity": 1}}
    )

    assert error_codes(no_scope) == ["FORBIDDEN"]
    assert error_codes(no_write) == ["FORBIDDEN"]
    assert no_write["errors"][0]["extensions"]["requiredScope"] == "mentorships:write"


async def test_settings_sent_at_once_leave_one_capacity(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="mentor@example.com")
    client = graphql(await tokens("mentor@example.com"))

    results = await asyncio.gather(
        *(client.data(SET_CAPACITY, {"input": {"capacity": n}}) for n in (1, 2, 4, 5))
    )
    after = await client.data(CAPACITY, {})

    assert [r["setMentorCapacity"]["errors"] for r in results] == [[]] * 4
    assert after["mentorCapacity"]["capacity"] in {1, 2, 4, 5}
    assert await MentorCapacity.all().count() == 1
