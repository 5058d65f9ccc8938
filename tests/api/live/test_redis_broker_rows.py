"""The Redis broker carries the rows of the events it publishes: a listener whose hub has seen
every earlier id hands them over without reading the log; one that missed an id reads the log
first, so its hub still delivers in commit order."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from events.redis_broker import RedisBroker, decode, encode
from models.events import Event
from tests.support.graphql_client import count_statements
from tests.support.live import record

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")


@pytest.fixture
async def brokers(database_url: str) -> AsyncIterator[tuple[RedisBroker, RedisBroker]]:
    """A receiving and a sending process's broker on a channel of the test's own."""
    channel = f"peoplegraph:test:{datetime.now(UTC).timestamp()}"
    receiver = RedisBroker(os.environ["TEST_REDIS_URL"], channel)
    sender = RedisBroker(os.environ["TEST_REDIS_URL"], channel)
    await receiver.start()
    await sender.start()
    yield receiver, sender
    await sender.stop()
    await receiver.stop()


async def test_rows_that_follow_what_the_hub_has_seen_are_delivered_without_a_read(
    brokers: tuple[RedisBroker, RedisBroker],
) -> None:
    # given an event committed after the receiver started
    receiver, sender = brokers
    inbox = receiver.hub.open(lambda e: True)
    event = await record("task.created", "Task", 7, {"assigneeId": 1, "title": "Ünïcode"})

    # when the sender publishes it
    with count_statements() as statements:
        await sender.publish([event])
        received = await inbox.get(within=10)

    # then the receiver's subscribers get the row as committed, and nothing was read for it
    assert received is not None
    assert (received.id, received.type, received.subject_type, received.subject_id) == (
        event.id,
        "task.created",
        "Task",
        7,
    )
    assert received.data == {"assigneeId": 1, "title": "Ünïcode"}
    assert received.occurred_at == event.occurred_at
    assert statements == []


async def test_an_id_the_hub_has_not_seen_is_read_from_the_log_first(
    brokers: tuple[RedisBroker, RedisBroker],
) -> None:
    # given two events committed after the receiver started, the first never published (its
    # process went away between commit and publish)
    receiver, sender = brokers
    inbox = receiver.hub.open(lambda e: True)
    lost = await record("task.created", "Task", 1, {"assigneeId": 1})
    later = await record("task.created", "Task", 2, {"assigneeId": 1})

    # when only the second is published
    await sender.publish([later])

    # then the receiver delivers both, in commit order
    first, second = await inbox.get(within=10), await inbox.get(within=10)
    assert first is not None and second is not None
    assert (first.id, second.id) == (lost.id, later.id)


def test_a_message_of_ids_alone_is_still_understood() -> None:
    # given a message from a publisher that sends ids only
    assert decode("[41, 42]") == ([41, 42], None)


def test_data_that_is_not_plain_json_is_published_as_ids() -> None:
    # given an event whose data holds a value JSON cannot carry (its listeners read the log)
    event = Event(
        id=5, type="task.created", subject_type="Task", subject_id=1, data={"at": datetime.now(UTC)}
    )
    event.occurred_at = datetime.now(UTC)
    assert decode(encode([event])) == ([5], None)
