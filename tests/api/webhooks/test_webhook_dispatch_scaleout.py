"""Two `peoplegraph webhooks dispatch` processes on one PostgreSQL database share the deliveries:
every event reaches the endpoint once, never twice.

Runs only with PEOPLEGRAPH_TEST_BACKEND=postgres and TEST_REDIS_URL (skipped otherwise).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace

from config import Settings
from models.webhooks import WebhookDelivery, WebhookDeliveryAttempt
from resolvers.webhooks import workflows as api
from tests.support.server_process import NEEDS_POSTGRES_AND_REDIS, peoplegraph
from tests.support.webhook_actors import manage
from tests.support.webhook_receiver import Receiver, emit
from tests.support.ws_client import WAIT

pytestmark = NEEDS_POSTGRES_AND_REDIS

EVENTS = 40
DISPATCH = ("webhooks", "dispatch", "--poll-interval", "0.05", "--concurrency", "4")
RUNNING = "dispatcher running"  # logged once its SIGINT/SIGTERM handlers are set (cli/webhooks.py)


async def settled(webhook_id: int) -> None:
    """Wait (bounded) until no delivery of the endpoint is pending or being sent: the
    dispatchers are other processes, which the test cannot be notified by."""
    for _ in range(int(WAIT * 20)):
        if not await WebhookDelivery.filter(
            webhook_id=webhook_id, status__in=["pending", "sending"]
        ).exists():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("deliveries still pending")


async def test_two_dispatcher_processes_send_every_delivery_once(settings: Settings) -> None:
    # given an endpoint for task.created, and two dispatcher processes running
    receiver = await Receiver().start()
    created = await manage(
        "client-1",
        api.create_webhook,
        replace(settings, webhook_allow_private=True),
        url=receiver.url,
        event_types=["task.created"],
    )
    receiver.secrets.append(created.secret)
    env = {"PEOPLEGRAPH_WEBHOOK_ALLOW_PRIVATE": "1"}
    try:
        async with (
            peoplegraph(settings, *DISPATCH, running=RUNNING, **env) as one,
            peoplegraph(settings, *DISPATCH, running=RUNNING, **env) as two,
        ):
            # when forty events are committed
            for n in range(EVENTS):
                await emit("task.created", subject_id=n + 1, title=f"Task {n}")
            # then the endpoint receives forty requests while both run
            await receiver.wait_for(EVENTS, within=30)
            await settled(created.webhook.id)
        # (both stopped: nothing more can arrive)
        received = list(receiver.received)
    finally:
        await receiver.close()

    # each a different message, each signed, each delivery tried once and succeeded
    assert (one.returncode, two.returncode) == (0, 0)
    ids = Counter(item.headers["webhook-id"] for item in received)
    assert len(received) == EVENTS and set(ids.values()) == {1}
    assert all(item.verified_with == [created.secret] for item in received)
    deliveries = await WebhookDelivery.filter(webhook_id=created.webhook.id)
    assert sorted(d.status for d in deliveries) == ["succeeded"] * EVENTS
    assert await WebhookDeliveryAttempt.filter(delivery__webhook_id=created.webhook.id).count() == EVENTS
