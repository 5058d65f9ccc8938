"""The live pipeline below GraphQL and the domains without HTTP mutations yet.

Following the log across the replay/live seam, a slow subscriber's overflow, token expiry, and
training, mentorship and deleted-task events committed through the unit of work.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import pytest

from auth.policy import Policy
from auth.principal import Principal
from events.brokers import LocalBroker
from events.hub import Hub, SubscriberTooSlow
from ids import to_global_id
from models.employees import Employee
from models.events import Event
from resolvers.core.unit_of_work import Actor, UnitOfWork, mutate
from resolvers.live.rules import TASK_EVENT_TYPES
from resolvers.live.stream import TokenGuard, TokenNoLongerValid, follow
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import listening, record
from tests.support.ws_client import WSClient

TRAINING_SESSION_EVENTS = """
subscription Seats($sessionId: ID!) {
  trainingSessionEvents(sessionId: $sessionId) {
    type session { seatsLeft } enrollment { status employee { email } }
  }
}
"""

MENTORSHIP_EVENTS = "subscription { mentorshipEvents { type mentorship { status mentee { email } } } }"

VIEWER_EVENTS = """
subscription { viewerEvents { __typename type ... on TrainingEvent { session { seatsLeft } } } }
"""

TASK_EVENTS = "subscription { taskEvents { type taskId task { title } } }"


async def test_an_event_both_replayed_and_pushed_is_delivered_once(database_url: str) -> None:
    hub = Hub()
    before = await record("task.created", "Task", 1)
    stream = follow(hub, TASK_EVENT_TYPES, lambda e: True, after=0, guard=TokenGuard(None))

    first = await anext(stream)  # the inbox is open now, and the replay has begun
    seam = await record("task.created", "Task", 2)  # committed during the replay ...
    hub.deliver([seam])  # ... and pushed live as well
    second = await anext(stream)
    after = await record("task.created", "Task", 3)
    hub.deliver([after])
    third = await anext(stream)

    assert [first.id, second.id, third.id] == [before.id, seam.id, after.id]
    await stream.aclose()  # type: ignore[attr-defined]  # follow() is an async generator
    assert len(hub) == 0


async def test_a_slow_subscriber_is_ended_and_its_backlog_freed(database_url: str) -> None:
    hub = Hub(queue_size=3)
    inbox = hub.open(lambda e: True)
    events = [
        Event(id=i, type="task.created", subject_type="Task", subject_id=i, data={}) for i in range(1, 6)
    ]

    hub.deliver(events)

    assert inbox.pending == 1  # only the overflow marker is kept
    with pytest.raises(SubscriberTooSlow):
        await inbox.get()


async def test_an_expired_token_ends_the_stream() -> None:
    guard = TokenGuard(Principal(scopes=frozenset(), employee_id=1, expires_at=100), now=lambda: 101)

    with pytest.raises(TokenNoLongerValid, match="expired"):
        await guard.check()
    assert guard.seconds_until_check() == 0


async def test_a_revoked_token_ends_the_stream_at_the_next_check() -> None:
    async def revoked(principal: Principal) -> bool:
        return principal.token_id == "gone"

    guard = TokenGuard(
        Principal(scopes=frozenset(), employee_id=1, token_id="gone"), interval=0, revoked=revoked
    )

    with pytest.raises(TokenNoLongerValid, match="revoked"):
        await guard.check()


async def _commit(
    actor_email: str | None, type: str, subject_type: str, subject_id: int, data: dict[str, Any]
) -> None:
    """Commit one event through the unit of work, so the after-commit bus announces it."""
    principal = None
    if actor_email:
        from models.employees import Employee

        actor = await Employee.get(email=actor_email)
        principal = Principal(scopes=frozenset(), employee_id=actor.id)
    policy = await Policy.load(principal)

    async def work(uow: UnitOfWork) -> Event:
        return await uow.record(type, subject_type, subject_id, data)

    outcome = await mutate(Actor(policy), work)
    assert outcome.errors == []


async def test_seats_left_are_live_and_enrollments_hidden_from_others(
    server: str, tokens: TokenMaker
) -> None:  # noqa: F811
    ada = await f.employee(email="ada@example.com")
    await f.employee(email="bob@example.com")
    session = await f.session(await f.course(), capacity=2)
    client = await WSClient.connect(server, await tokens("bob@example.com"))
    op = await client.subscribe(
        TRAINING_SESSION_EVENTS, {"sessionId": to_global_id("TrainingSession", session.id)}
    )
    await listening(1)

    enrollment = await f.enrollment(session, ada)
    await _commit(
        "ada@example.com", "training.enrolled", "Enrollment", enrollment.id, {"sessionId": session.id}
    )

    data = (await client.next_data(op))["trainingSessionEvents"]
    assert data == {"type": "TRAINING_ENROLLED", "session": {"seatsLeft": 1}, "enrollment": None}
    await client.close()


async def test_a_mentor_hears_a_request_and_outsiders_do_not(server: str, tokens: TokenMaker) -> None:  # noqa: F811
    mentor = await f.employee(email="mentor@example.com")
    mentee = await f.employee(email="mentee@example.com")
    other = await f.employee(email="other@example.com")
    client = await WSClient.connect(server, await tokens("mentor@example.com"))
    op = await client.subscribe(MENTORSHIP_EVENTS)
    await listening(1)

    hidden = await f.mentorship(other, mentee)
    await _commit("mentee@example.com", "mentorship.requested", "Mentorship", hidden.id, {})
    mine = await f.mentorship(mentor, mentee)
    await _commit("mentee@example.com", "mentorship.requested", "Mentorship", mine.id, {})

    data = (await client.next_data(op))["mentorshipEvents"]
    assert data == {
        "type": "MENTORSHIP_REQUESTED",
        "mentorship": {"status": "PROPOSED", "mentee": {"email": "mentee@example.com"}},
    }
    await client.close()


async def test_viewer_events_tell_an_enrolled_employee_their_session_was_cancelled(
    server: str, tokens: TokenMaker
) -> None:  # noqa: F811
    ada = await f.employee(email="ada@example.com")
    course = await f.course()
    elsewhere, mine = await f.session(course), await f.session(course)
    await f.enrollment(mine, ada)
    client = await WSClient.connect(server, await tokens("ada@example.com"))
    op = await client.subscribe(VIEWER_EVENTS)
    await listening(1)

    await _commit(None, "training.session_cancelled", "TrainingSession", elsewhere.id, {})
    await _commit(None, "training.session_cancelled", "TrainingSession", mine.id, {})

    data = (await client.next_data(op))["viewerEvents"]
    assert data == {
        "__typename": "TrainingEvent",
        "type": "TRAINING_SESSION_CANCELLED",
        "session": {"seatsLeft": 9},
    }
    await client.close()


async def test_a_deleted_task_is_announced_to_those_who_could_see_it(server: str, tokens: TokenMaker) -> None:  # noqa: F811
    ada = await f.employee(email="ada@example.com")
    await f.employee(email="bob@example.com")
    client = await WSClient.connect(server, await tokens("bob@example.com"))
    ada_client = await WSClient.connect(server, await tokens("ada@example.com"))
    bob_op, ada_op = await client.subscribe(TASK_EVENTS), await ada_client.subscribe(TASK_EVENTS)
    await listening(2)

    data = {"assigneeId": ada.id, "creatorId": ada.id, "teamId": None}
    await _commit("ada@example.com", "task.deleted", "Task", 4242, data)
    visible_to_bob = await f.task(await f.employee(), creator=await _bob())
    await _commit("bob@example.com", "task.created", "Task", visible_to_bob.id, {})

    assert (await ada_client.next_data(ada_op))["taskEvents"] == {
        "type": "TASK_DELETED",
        "taskId": to_global_id("Task", 4242),
        "task": None,
    }
    assert (await client.next_data(bob_op))["taskEvents"]["type"] == "TASK_CREATED"
    await client.close()
    await ada_client.close()


async def _bob() -> Employee:
    from models.employees import Employee

    return await Employee.get(email="bob@example.com")


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")
async def test_the_redis_broker_delivers_rows_read_from_the_log(database_url: str) -> None:
    from events.redis_broker import RedisBroker

    channel = f"peoplegraph:test:{datetime.now(UTC).timestamp()}"
    receiver, sender = (
        RedisBroker(os.environ["TEST_REDIS_URL"], channel),
        RedisBroker(os.environ["TEST_REDIS_URL"], channel),
    )
    await receiver.start()
    await sender.start()
    inbox = receiver.hub.open(lambda e: True)
    try:
        event = await record("task.created", "Task", 7, {"assigneeId": 1})
        await sender.publish([event])
        received = await inbox.get(within=10)
    finally:
        await sender.stop()
        await receiver.stop()

    assert received is not None and (received.id, received.data) == (event.id, {"assigneeId": 1})


async def test_the_local_broker_hands_committed_events_to_its_hub() -> None:
    broker = LocalBroker()
    inbox = broker.hub.open(lambda e: e.type == "task.created")
    event = Event(id=1, type="task.created", subject_type="Task", subject_id=1, data={})

    await broker.publish(
        [event, Event(id=2, type="team.created", subject_type="Team", subject_id=1, data={})]
    )

    assert await inbox.get(within=1) is event
    assert inbox.pending == 0
