"""Closing a mentorship with a reason and a rating from each side (`endMentorship`, `rateMentorship`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ids import to_global_id
from models.employees import Employee
from models.events import Event
from models.mentorships import Mentorship
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker

END = """
mutation End($input: EndMentorshipInput!) {
  endMentorship(input: $input) {
    mentorship { status endReason mentorRating menteeRating viewerCanRate }
    errors { field code message }
  }
}
"""

RATE = """
mutation Rate($input: RateMentorshipInput!) {
  rateMentorship(input: $input) {
    mentorship { status mentorRating menteeRating viewerCanRate }
    errors { field code message }
  }
}
"""


def errors(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def _active() -> tuple[Employee, Employee, Mentorship]:
    mentor = await f.employee(email="mentor@example.com")
    mentee = await f.employee(email="mentee@example.com")
    started = datetime.now(UTC) - timedelta(days=30)
    return mentor, mentee, await f.mentorship(mentor, mentee, status="active", started_at=started)


async def test_the_mentee_ends_with_a_reason_and_rating_and_the_mentor_rates_after(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    _, _, mentorship = await _active()
    mentee = graphql(await tokens("mentee@example.com"))
    mentor = graphql(await tokens("mentor@example.com"))
    gid = to_global_id("Mentorship", mentorship.id)

    ended = await mentee.data(
        END, {"input": {"id": gid, "outcome": "COMPLETED", "reason": " Goals met ", "rating": 5}}
    )
    rated = await mentor.data(RATE, {"input": {"id": gid, "rating": 4}})
    again = await mentor.data(RATE, {"input": {"id": gid, "rating": 1}})

    assert ended["endMentorship"] == {
        "mentorship": {
            "status": "COMPLETED",
            "endReason": "Goals met",
            "mentorRating": None,
            "menteeRating": 5,
            "viewerCanRate": False,
        },
        "errors": [],
    }
    assert rated["rateMentorship"] == {
        "mentorship": {"status": "COMPLETED", "mentorRating": 4, "menteeRating": 5, "viewerCanRate": False},
        "errors": [],
    }
    assert errors(again["rateMentorship"]) == [(["input", "rating"], "ALREADY_EXISTS")]
    events = await Event.filter(subject_id=mentorship.id).order_by("id")
    assert [e.type for e in events] == ["mentorship.ended", "mentorship.rated"]
    assert events[0].data["reason"] == "Goals met" and events[0].data["menteeRating"] == 5
    assert (events[1].data["side"], events[1].data["rating"]) == ("mentor", 4)


async def test_bad_ratings_and_reasons_are_refused_and_nothing_ends(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    _, _, mentorship = await _active()
    mentee = graphql(await tokens("mentee@example.com"))
    gid = to_global_id("Mentorship", mentorship.id)

    zero = await mentee.data(END, {"input": {"id": gid, "outcome": "COMPLETED", "rating": 0}})
    six = await mentee.data(END, {"input": {"id": gid, "outcome": "COMPLETED", "rating": 6}})
    long = await mentee.data(END, {"input": {"id": gid, "outcome": "CANCELLED", "reason": "x" * 1001}})
    early = await mentee.data(RATE, {"input": {"id": gid, "rating": 3}})
    rate_zero = await mentee.data(RATE, {"input": {"id": gid, "rating": 0}})

    assert errors(zero["endMentorship"]) == [(["input", "rating"], "INVALID")]
    assert errors(six["endMentorship"]) == [(["input", "rating"], "INVALID")]
    assert errors(long["endMentorship"]) == [(["input", "reason"], "TOO_LONG")]
    assert errors(early["rateMentorship"]) == [(["input", "id"], "INVALID_TRANSITION")]
    assert errors(rate_zero["rateMentorship"]) == [(["input", "rating"], "INVALID")]
    assert (await Mentorship.get(id=mentorship.id)).status == "active"
    assert not await Event.filter(subject_id=mentorship.id).exists()


async def test_a_withdrawn_request_takes_a_reason_but_no_rating(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    mentor = await f.employee(email="mentor@example.com")
    mentee = await f.employee(email="mentee@example.com")
    request = await f.mentorship(mentor, mentee, status="proposed")
    client = graphql(await tokens("mentee@example.com"))
    gid = to_global_id("Mentorship", request.id)

    rated = await client.data(END, {"input": {"id": gid, "outcome": "CANCELLED", "rating": 3}})
    withdrawn = await client.data(END, {"input": {"id": gid, "outcome": "CANCELLED", "reason": "Found help"}})
    rate_later = await client.data(RATE, {"input": {"id": gid, "rating": 3}})

    assert errors(rated["endMentorship"]) == [(["input", "rating"], "INVALID")]
    assert withdrawn["endMentorship"]["mentorship"]["status"] == "CANCELLED"
    assert withdrawn["endMentorship"]["mentorship"]["endReason"] == "Found help"
    assert errors(rate_later["rateMentorship"]) == [(["input", "id"], "INVALID_TRANSITION")]


async def test_only_the_two_parties_rate(graphql: ClientMaker, tokens: TokenMaker) -> None:
    boss = await f.employee(email="boss@example.com")
    mentor = await f.employee(email="mentor@example.com")
    mentee = await f.employee(email="mentee@example.com", manager=boss)
    await f.employee(email="hr@example.com", role="hr")
    await f.employee(email="olga@example.com")
    ended = await f.mentorship(
        mentor,
        mentee,
        status="completed",
        started_at=datetime.now(UTC) - timedelta(days=9),
        ended_at=datetime.now(UTC),
    )
    rate = {"input": {"id": to_global_id("Mentorship", ended.id), "rating": 2}}

    refusals = {
        who: errors((await graphql(await tokens(who)).data(RATE, rate))["rateMentorship"])
        for who in ("boss@example.com", "hr@example.com", "olga@example.com", None)
    }
    bad_id = await graphql(await tokens("mentee@example.com")).data(
        RATE, {"input": {"id": "nope", "rating": 2}}
    )

    assert refusals == {
        "boss@example.com": [(["input", "id"], "NOT_ALLOWED")],
        "hr@example.com": [(["input", "id"], "NOT_ALLOWED")],
        "olga@example.com": [(["input", "id"], "NOT_FOUND")],
        None: [(["input", "id"], "NOT_ALLOWED")],
    }
    assert errors(bad_id["rateMentorship"]) == [(["input", "id"], "INVALID_ID")]
    assert not await Event.filter(subject_id=ended.id).exists()


async def test_ending_twice_is_an_invalid_transition_even_with_a_rating(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    _, _, mentorship = await _active()
    mentee = graphql(await tokens("mentee@example.com"))
    gid = to_global_id("Mentorship", mentorship.id)
    await mentee.data(END, {"input": {"id": gid, "outcome": "COMPLETED"}})

    again = await mentee.data(END, {"input": {"id": gid, "outcome": "CANCELLED", "rating": 2}})

    assert errors(again["endMentorship"]) == [(["input", "outcome"], "INVALID_TRANSITION")]
    assert (await Mentorship.get(id=mentorship.id)).mentee_rating is None
