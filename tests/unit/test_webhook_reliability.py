"""Nothing is lost: crashes mid-send, out-of-order event ids, concurrent dispatchers."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from config import Settings
from events.webhooks import WebhookDispatcher, outbox
from models.events import Event
from models.webhooks import Webhook, WebhookDelivery, WebhookDeliveryAttempt, WebhookOutboxCursor
from resolvers.webhooks import workflows as api
from tests.conftest import BACKEND
from tests.support.webhook_actors import manage
from tests.support.webhook_receiver import Receiver, Reply, emit


async def register(settings: Settings, receiver: Receiver) -> Webhook:
    created = await manage(None, api.create_webhook, settings, url=receiver.url, event_types=["task.created"])
    receiver.secrets.append(created.secret)
    return created.webhook


async def test_killed_dispatcher_loses_nothing_and_logs_the_cut_off_attempt(
    hook_settings: Settings, receiver: Receiver
) -> None:
    hook_settings = replace(hook_settings, webhook_lease_seconds=30)  # PEOPLEGRAPH_WEBHOOK_LEASE_SECONDS
    webhook = await register(hook_settings, receiver)
    hold = asyncio.Event()
    receiver.replies.append(Reply(200, hold=hold))  # the first request hangs until released
    await emit()

    first = WebhookDispatcher(hook_settings)
    await first.start()
    await receiver.wait_for(1)  # the request is in flight...
    await first.stop(grace=0)  # ...and the process "dies" before recording the answer
    hold.set()
    delivery = await WebhookDelivery.get(webhook_id=webhook.id)
    assert delivery.status == "sending" and delivery.attempts == 0
    assert delivery.locked_until is not None and delivery.locked_until <= datetime.now(UTC) + timedelta(
        seconds=30
    )

    second = WebhookDispatcher(hook_settings)
    try:
        assert await second.run_once() == 0  # the lease still protects it
        # Time passes: the lease runs out (moved back rather than waited for).
        await WebhookDelivery.filter(id=delivery.id).update(
            locked_until=datetime.now(UTC) - timedelta(seconds=1)
        )
        assert await second.run_once() == 1
    finally:
        await second.stop()
    first_try, second_try = await receiver.wait_for(2)
    assert first_try.headers["webhook-id"] == second_try.headers["webhook-id"]  # receivers dedupe on it
    delivery = await WebhookDelivery.get(id=delivery.id)
    assert delivery.status == "succeeded" and delivery.attempts == 2
    log = await WebhookDeliveryAttempt.filter(delivery_id=delivery.id).order_by("number")
    assert [(a.number, a.status_code, a.error) for a in log] == [
        (1, None, "interrupted: the dispatcher stopped before an answer"),
        (2, 200, None),
    ]


def test_a_lease_shorter_than_the_longest_send_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="must exceed the longest send"):
        WebhookDispatcher(replace(settings, webhook_lease_seconds=15), timeout=10)


async def test_stale_lease_holder_cannot_overwrite_the_new_owner(
    hook_settings: Settings, receiver: Receiver
) -> None:
    from events.webhooks import store
    from events.webhooks.delivery import AttemptResult

    webhook = await register(hook_settings, receiver)
    await emit()
    await outbox.fan_out()
    token, [claimed] = await store.claim(10, lease_seconds=30)
    await WebhookDelivery.filter(id=claimed.id).update(locked_until=datetime.now(UTC) - timedelta(seconds=1))
    token2, [reclaimed] = await store.claim(10, lease_seconds=30)
    assert token2 != token and reclaimed.id == claimed.id
    assert await store.record(hook_settings, claimed, token, AttemptResult(500, 3, "HTTP 500")) == "lost"
    assert await store.record(hook_settings, reclaimed, token2, AttemptResult(200, 3)) == "succeeded"
    assert (await WebhookDelivery.get(webhook_id=webhook.id)).status == "succeeded"


async def test_fan_out_is_idempotent_and_resumes_from_its_cursor(
    hook_settings: Settings, receiver: Receiver
) -> None:
    webhook = await register(hook_settings, receiver)
    events = [await emit() for _ in range(5)]
    assert await outbox.fan_out(batch=2) == (2, True)
    assert await outbox.fan_out(batch=2) == (2, True)
    # A crash that loses the cursor update replays events: the unique key stops duplicates.
    await WebhookOutboxCursor.filter(id=outbox.CURSOR_ID).update(last_event_id=0)
    for _ in range(5):
        await outbox.fan_out(batch=2)
    ids = await WebhookDelivery.filter(webhook_id=webhook.id).values_list("event_id", flat=True)
    assert sorted(ids) == [e.id for e in events]


async def test_event_committed_out_of_order_is_not_skipped(
    hook_settings: Settings, receiver: Receiver
) -> None:
    """On PostgreSQL an event with a lower id can commit after a higher one was read."""
    webhook = await register(hook_settings, receiver)
    early, late, last = await emit(), await emit(), await emit()
    await Event.filter(id=late.id).delete()  # `late` is "not yet committed"
    await outbox.fan_out()
    cursor = await WebhookOutboxCursor.get(id=outbox.CURSOR_ID)
    assert cursor.last_event_id == last.id and [g[0] for g in cursor.gaps] == [late.id]

    async with in_transaction() as conn:  # ...now it commits, with its original id
        await Event.create(
            id=late.id, type="task.created", subject_type="Task", subject_id=1, data={}, occurred_at=late.occurred_at,
            using_db=conn,
        )  # fmt: skip
    await outbox.fan_out()
    ids = await WebhookDelivery.filter(webhook_id=webhook.id).values_list("event_id", flat=True)
    assert sorted(ids) == [early.id, late.id, last.id]
    assert (await WebhookOutboxCursor.get(id=outbox.CURSOR_ID)).gaps == []


async def test_gaps_are_forgotten_after_their_ttl(hook_settings: Settings, receiver: Receiver) -> None:
    await register(hook_settings, receiver)
    _, rolled_back, _ = await emit(), await emit(), await emit()
    await Event.filter(id=rolled_back.id).delete()
    await outbox.fan_out()
    old = time.time() - outbox.GAP_TTL - 1
    await WebhookOutboxCursor.filter(id=outbox.CURSOR_ID).update(gaps=[[rolled_back.id, old]])
    await outbox.fan_out()
    assert (await WebhookOutboxCursor.get(id=outbox.CURSOR_ID)).gaps == []


async def test_endpoint_gets_only_events_after_it_was_registered(
    hook_settings: Settings, receiver: Receiver
) -> None:
    await emit()
    webhook = await register(hook_settings, receiver)
    later = await emit()
    await outbox.fan_out()
    assert await WebhookDelivery.filter(webhook_id=webhook.id).values_list("event_id", flat=True) == [
        later.id
    ]


@pytest.mark.skipif(BACKEND != "postgres", reason="row locks need PostgreSQL (SQLite runs one dispatcher)")
async def test_two_dispatchers_send_each_delivery_exactly_once(
    hook_settings: Settings, receiver: Receiver
) -> None:
    await register(hook_settings, receiver)
    count = 60
    for _ in range(count):
        await emit()
    first = WebhookDispatcher(hook_settings, batch_size=7)
    second = WebhookDispatcher(hook_settings, batch_size=7)

    async def pending() -> bool:
        return not await WebhookDelivery.filter(status__in=["pending", "sending"]).exists()

    async def work(dispatcher: WebhookDispatcher) -> int:
        sent = 0
        for _ in range(100):
            if await WebhookDelivery.all().count() == count and await pending():
                break
            sent += await dispatcher.run_once()
        return sent

    try:
        sent = await asyncio.gather(work(first), work(second))
    finally:
        await first.stop()
        await second.stop()
    await receiver.wait_for(count)
    ids = Counter(r.headers["webhook-id"] for r in receiver.received)
    assert len(ids) == count and set(ids.values()) == {1}
    assert sum(sent) == count and all(sent)  # both took part
    assert await WebhookDelivery.filter(status="succeeded").count() == count


def test_the_lease_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from config import load_settings

    monkeypatch.setenv("PEOPLEGRAPH_WEBHOOK_LEASE_SECONDS", "45")
    assert load_settings().webhook_lease_seconds == 45.0
    monkeypatch.setenv("PEOPLEGRAPH_WEBHOOK_LEASE_SECONDS", "0")
    with pytest.raises(ValueError, match="PEOPLEGRAPH_WEBHOOK_LEASE_SECONDS must be a positive number"):
        load_settings()
