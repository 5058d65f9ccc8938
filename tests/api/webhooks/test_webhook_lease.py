"""A dispatcher never holds a lease on a delivery it is not sending: what it claims it sends at
once, so a slow endpoint cannot make a lease run out while the delivery waits its turn, and a
second dispatcher (another process) never sends a delivery the first will send too."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from config import Settings
from events.webhooks import WebhookDispatcher
from models.webhooks import WebhookDelivery
from resolvers.webhooks import workflows as api
from tests.support.webhook_actors import manage
from tests.support.webhook_receiver import Receiver, Reply, emit
from tests.support.ws_client import WAIT


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    return replace(settings, webhook_allow_private=True, webhook_retry_schedule=(0,))


async def test_a_slow_endpoint_never_gets_a_delivery_twice_from_two_dispatchers(
    hook_settings: Settings, receiver: Receiver
) -> None:
    # given three events for an endpoint whose first answer is slow, and a dispatcher that sends
    # one request at a time (the others' turn comes when the first answers)
    created = await manage(
        "client-1", api.create_webhook, hook_settings, url=receiver.url, event_types=["task.created"]
    )
    receiver.secrets.append(created.secret)
    for n in range(3):
        await emit("task.created", subject_id=n + 1, title=f"Task {n}")
    slow = asyncio.Event()
    receiver.replies.append(Reply(hold=slow))
    first = WebhookDispatcher(hook_settings, concurrency=1)
    second = WebhookDispatcher(hook_settings)
    sending = asyncio.create_task(first.run_once())
    try:
        [held] = await receiver.wait_for(1, within=WAIT)

        # when the lease time passes while the first dispatcher waits for that answer (leases of
        # rows it claimed but has not started sending run out), and a second dispatcher runs
        waiting = WebhookDelivery.filter(status="sending").exclude(message_id=held.headers["webhook-id"])
        await waiting.update(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        sent_by_second = await second.run_once()
        slow.set()
        sent_by_first = await asyncio.wait_for(sending, WAIT)
    finally:
        slow.set()
        await first.stop()
        await second.stop()

    # then each event reached the endpoint once: the second dispatcher sent what the first had
    # not claimed, and the first sent only what it had started
    ids = Counter(item.headers["webhook-id"] for item in receiver.received)
    assert len(ids) == 3 and set(ids.values()) == {1}
    assert (sent_by_first, sent_by_second) == (1, 2)
    deliveries = await WebhookDelivery.filter(webhook_id=created.webhook.id)
    assert sorted((d.status, d.attempts) for d in deliveries) == [("succeeded", 1)] * 3
