"""Requests left unanswered expire (`peoplegraph mentorships expire`): once each, whoever runs the
job and however often, with a `mentorship.expired` event the mentee hears live."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta

import pytest

from config import Settings, load_settings
from ids import to_global_id
from models.employees import Employee
from models.events import Event
from models.mentorships import Mentorship
from resolvers.mentorships.expiry import expire_stale_requests
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker
from tests.support.live import listening
from tests.support.server_process import ROOT
from tests.support.ws_client import WAIT, WSClient

REQUEST = """
mutation Request($input: RequestMentorshipInput!) {
  requestMentorship(input: $input) { mentorship { status } errors { code } }
}
"""

VIEWER_EVENTS = """
subscription { viewerEvents { type ... on MentorshipEvent { mentorship { status endedAt } } } }
"""


async def _request(mentor: Employee, mentee: Employee, days_old: int) -> Mentorship:
    row = await f.mentorship(mentor, mentee, status="proposed")
    created = datetime.now(UTC) - timedelta(days=days_old)
    await Mentorship.filter(id=row.id).update(created_at=created)
    return row


async def test_old_requests_expire_once_and_the_mentee_may_ask_again(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    mentor = await f.employee(email="mentor@example.com")
    mentee = await f.employee(email="mentee@example.com")
    other = await f.employee(email="other@example.com")
    stale = await _request(mentor, mentee, days_old=15)
    young = await _request(mentor, other, days_old=3)
    answered = await f.mentorship(other, mentee, status="active")
    await Mentorship.filter(id=answered.id).update(created_at=datetime.now(UTC) - timedelta(days=40))

    first = await expire_stale_requests(days=14)
    second = await expire_stale_requests(days=14)
    again = await graphql(await tokens("mentee@example.com")).data(
        REQUEST, {"input": {"mentorId": to_global_id("Employee", mentor.id)}}
    )

    assert (first, second) == ([stale.id], [])
    statuses = {m.id: m.status for m in await Mentorship.all()}
    assert statuses[stale.id] == "expired"
    assert (statuses[young.id], statuses[answered.id]) == ("proposed", "active")
    [event] = await Event.filter(type="mentorship.expired")
    assert (event.subject_id, event.actor_id, event.data["menteeId"], event.data["days"]) == (
        stale.id,
        None,
        mentee.id,
        14,
    )
    assert again["requestMentorship"] == {"mentorship": {"status": "PROPOSED"}, "errors": []}


async def test_jobs_running_at_once_expire_each_request_exactly_once(database_url: str) -> None:
    mentor = await f.employee()
    mentees = [await f.employee() for _ in range(6)]
    requests = [await _request(mentor, m, days_old=30) for m in mentees]

    results = await asyncio.gather(*(expire_stale_requests(days=14) for _ in range(3)))

    expired = sorted(i for ids in results for i in ids)
    assert expired == sorted(r.id for r in requests)
    events = await Event.filter(type="mentorship.expired")
    assert sorted(e.subject_id for e in events) == expired


async def test_the_mentee_hears_the_expiry_live(server: str, tokens: TokenMaker) -> None:
    mentor = await f.employee(email="mentor@example.com")
    mentee = await f.employee(email="mentee@example.com")
    await _request(mentor, mentee, days_old=20)
    client = await WSClient.connect(server, await tokens("mentee@example.com"))
    op = await client.subscribe(VIEWER_EVENTS)
    await listening(1)

    await expire_stale_requests(days=14)

    data = (await client.next_data(op))["viewerEvents"]
    assert data["type"] == "MENTORSHIP_EXPIRED"
    assert data["mentorship"]["status"] == "EXPIRED"
    assert data["mentorship"]["endedAt"] is not None
    await client.close()


async def test_the_command_expires_with_the_configured_days(settings: Settings) -> None:
    mentor = await f.employee()
    old = await _request(mentor, await f.employee(), days_old=8)
    kept = await _request(mentor, await f.employee(), days_old=5)
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "PEOPLEGRAPH_DATA_DIR": str(settings.data_dir),
        "PEOPLEGRAPH_MENTORSHIP_REQUEST_EXPIRY_DAYS": "7",
    }
    command = [sys.executable, "-c", "import sys, cli; sys.exit(cli.main())", "mentorships", "expire"]

    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(process.communicate(), WAIT * 6)

    assert process.returncode == 0
    assert out.decode().strip() == "expired 1 mentorship request(s) older than 7 day(s)"
    assert (await Mentorship.get(id=old.id)).status == "expired"
    assert (await Mentorship.get(id=kept.id)).status == "proposed"


def test_the_command_refuses_a_bad_number_of_days(capsys: pytest.CaptureFixture[str]) -> None:
    import cli

    assert cli.main(["mentorships", "expire", "--days", "0"]) == 2
    assert "--days must be from 1 to 365" in capsys.readouterr().err


@pytest.mark.parametrize("raw", ["0", "366", "two", "-3"])
def test_the_expiry_setting_must_be_a_sane_number_of_days(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("PEOPLEGRAPH_MENTORSHIP_REQUEST_EXPIRY_DAYS", raw)

    with pytest.raises(ValueError, match="PEOPLEGRAPH_MENTORSHIP_REQUEST_EXPIRY_DAYS must be a whole number"):
        load_settings()


def test_the_expiry_setting_defaults_to_two_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PEOPLEGRAPH_MENTORSHIP_REQUEST_EXPIRY_DAYS", raising=False)

    assert load_settings().mentorship_request_expiry_days == 14
