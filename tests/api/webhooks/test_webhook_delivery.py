"""Delivery end to end: a real loopback receiver verifies each request with `standardwebhooks`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from config import Settings
from events.after_commit import add_listener, remove_listener
from events.webhooks import WebhookDispatcher
from ids import to_global_id
from models.events import Event
from models.webhooks import Webhook, WebhookDelivery, WebhookDeliveryAttempt
from resolvers.core.unit_of_work import mutate
from resolvers.webhooks import reads
from resolvers.webhooks import workflows as api
from tests.support.webhook_actors import actor_for, manage
from tests.support.webhook_receiver import Receiver, Reply, drain, emit


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    return replace(
        settings, webhook_allow_private=True, webhook_retry_schedule=(0, 0, 0), webhook_failure_threshold=3
    )


@pytest.fixture
async def dispatcher(hook_settings: Settings) -> AsyncIterator[WebhookDispatcher]:
    d = WebhookDispatcher(hook_settings)
    yield d
    await d.stop()


async def register(
    hook_settings: Settings, receiver: Receiver, types: tuple[str, ...] = ("task.created",)
) -> Webhook:
    created = await manage(
        "client-1", api.create_webhook, hook_settings, url=receiver.url, event_types=list(types)
    )
    receiver.secrets.append(created.secret)
    return created.webhook


async def test_event_is_delivered_signed_and_verifies(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    webhook = await register(hook_settings, receiver)
    event = await emit("task.created", subject_id=7, title="Write docs")
    await emit("task.deleted")  # not subscribed: never sent

    assert await dispatcher.run_once() == 1
    [got] = await receiver.wait_for(1)
    assert got.verified_with == receiver.secrets
    assert got.headers["webhook-id"] == f"msg_{event.id}_{webhook.id}"
    body = got.json
    assert body["type"] == "task.created"
    assert body["data"]["subjectId"] == to_global_id("Task", 7) and body["data"]["title"] == "Write docs"
    assert body["data"]["eventId"] == str(event.id) and body["data"]["id"]
    delivery = await WebhookDelivery.get(webhook_id=webhook.id)
    assert delivery.status == "succeeded" and delivery.attempts == 1
    [attempt] = await reads.attempts_queryset(delivery)
    assert attempt.status_code == 200 and attempt.duration_ms is not None and attempt.response_snippet == "ok"
    assert await dispatcher.run_once() == 0
    assert len(receiver.received) == 1


async def test_fails_twice_then_succeeds_with_three_attempts(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    webhook = await register(hook_settings, receiver)
    receiver.replies.extend([Reply(500, b"boom"), Reply(503), Reply(200)])
    await emit()

    async def succeeded() -> bool:
        return await WebhookDelivery.filter(webhook_id=webhook.id, status="succeeded").exists()

    await drain(dispatcher, succeeded)
    delivery = await WebhookDelivery.get(webhook_id=webhook.id)
    attempts = await WebhookDeliveryAttempt.filter(delivery_id=delivery.id).order_by("number")
    assert [a.status_code for a in attempts] == [500, 503, 200]
    assert attempts[0].error == "HTTP 500" and attempts[0].response_snippet == "boom"
    assert attempts[0].next_attempt_at is not None and attempts[2].next_attempt_at is None
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert all(r.verified_with for r in receiver.received)
    assert (await Webhook.get(id=webhook.id)).failure_count == 0


async def test_gone_disables_the_endpoint(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    webhook = await register(hook_settings, receiver)
    receiver.default = Reply(410)
    await emit()
    await dispatcher.run_once()
    await emit()
    assert await dispatcher.run_once() == 0  # disabled: nothing more is claimed
    webhook = await Webhook.get(id=webhook.id)
    assert not webhook.enabled and "410" in (webhook.disabled_reason or "")
    assert (await WebhookDelivery.filter(webhook_id=webhook.id).first()).status == "failed"  # type: ignore[union-attr]  # the delivery exists
    assert await Event.filter(type="webhook.disabled", subject_id=webhook.id).count() == 1


async def test_consecutive_failed_deliveries_disable_and_log(
    hook_settings: Settings, receiver: Receiver
) -> None:
    settings = replace(hook_settings, webhook_retry_schedule=(0,), webhook_failure_threshold=2)
    dispatcher = WebhookDispatcher(settings)
    try:
        webhook = await register(settings, receiver)
        receiver.replies.extend([Reply(500), Reply(200), Reply(500)])
        for _ in range(3):
            await emit()
            await dispatcher.run_once()
        # fail, success (resets), fail: one consecutive failure only
        assert (await Webhook.get(id=webhook.id)).failure_count == 1
        assert (await Webhook.get(id=webhook.id)).enabled
        receiver.default = Reply(500)
        await emit()
        await dispatcher.run_once()
    finally:
        await dispatcher.stop()
    webhook = await Webhook.get(id=webhook.id)
    assert not webhook.enabled and webhook.failure_count == 2
    [disabled] = await Event.filter(type="webhook.disabled")
    assert disabled.subject_id == webhook.id and disabled.data["reason"] == "2 consecutive deliveries failed"


async def test_retry_after_is_honoured_when_larger(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    webhook = await register(hook_settings, receiver)
    receiver.replies.append(Reply(429, headers={"retry-after": "120"}))
    await emit()
    await dispatcher.run_once()
    delivery = await WebhookDelivery.get(webhook_id=webhook.id)
    assert delivery.status == "pending" and delivery.next_attempt_at is not None
    wait = (delivery.next_attempt_at - datetime.now(UTC)).total_seconds()
    assert 100 < wait <= 120
    assert await dispatcher.run_once() == 0  # not due yet


async def test_response_body_is_read_up_to_the_limit(hook_settings: Settings, receiver: Receiver) -> None:
    dispatcher = WebhookDispatcher(hook_settings, max_response_bytes=8 * 1024)
    try:
        webhook = await register(hook_settings, receiver)
        receiver.default = Reply(200, stream_bytes=50 * 1024 * 1024)  # 50 MB
        await emit()
        await dispatcher.run_once()
    finally:
        await dispatcher.stop()
    delivery = await WebhookDelivery.get(webhook_id=webhook.id)
    [attempt] = await reads.attempts_queryset(delivery)
    assert delivery.status == "succeeded"
    assert attempt.response_snippet is not None and len(attempt.response_snippet) == 1024
    assert attempt.duration_ms is not None and attempt.duration_ms < 5000


async def test_redirects_are_not_followed(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    webhook = await register(hook_settings, receiver)
    receiver.replies.append(Reply(307, headers={"location": f"http://127.0.0.1:{receiver.port}/elsewhere"}))
    await emit()
    await dispatcher.run_once()
    assert [r.path for r in receiver.received] == ["/hook"]
    delivery = await WebhookDelivery.get(webhook_id=webhook.id)
    [attempt] = await reads.attempts_queryset(delivery)
    assert attempt.status_code == 307 and "redirects are not followed" in (attempt.error or "")
    assert delivery.status == "pending"  # retried at the schedule, like any failure


async def test_rotated_secret_signs_with_old_and_new(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    webhook = await register(hook_settings, receiver)
    old = receiver.secrets[0]
    rotated = await manage("client-1", api.rotate_webhook_secret, webhook.id, overlap_seconds=3600)
    receiver.secrets.append(rotated.secret)
    assert rotated.secret != old and rotated.secret.startswith("whsec_")
    await emit()
    await dispatcher.run_once()
    [got] = await receiver.wait_for(1)
    assert got.verified_with == [old, rotated.secret]
    assert len(got.headers["webhook-signature"].split(" ")) == 2

    # Once the overlap is over only the new secret signs.
    await Webhook.filter(id=webhook.id).update(
        previous_secret_expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    await emit()
    await dispatcher.run_once()
    got = (await receiver.wait_for(2))[1]
    assert got.verified_with == [rotated.secret]


async def test_redelivery_sends_again_with_the_same_webhook_id(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    webhook = await register(hook_settings, receiver)
    event = await emit()
    await dispatcher.run_once()
    again = await manage("client-1", api.redeliver_webhook_event, webhook.id, event.id)
    assert again.kind == "redelivery"
    await dispatcher.run_once()
    first, second = await receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == f"msg_{event.id}_{webhook.id}"
    assert first.body == second.body and second.verified_with
    deliveries = await reads.deliveries_queryset(webhook)
    assert [d.kind for d in deliveries] == ["redelivery", "event"]  # newest first
    assert all(d.status == "succeeded" for d in deliveries)


async def test_ping_is_delivered(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    webhook = await register(hook_settings, receiver)
    delivery = await manage("client-1", api.test_webhook, webhook.id)
    assert await dispatcher.run_once() == 1
    [got] = await receiver.wait_for(1)
    assert got.json["type"] == "webhook.ping" and got.json["data"]["webhookId"] == to_global_id(
        "Webhook", webhook.id
    )
    assert got.headers["webhook-id"] == delivery.message_id and got.verified_with


async def test_payload_shaper_shapes_data_for_endpoints_with_a_query(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    created = await manage(
        None,
        api.create_webhook,
        hook_settings,
        url=receiver.url,
        event_types=["task.created"],
        query="subscription { x }",
    )

    async def shaper(webhook: Webhook, event: Event) -> dict[str, Any]:
        return {"shaped": webhook.query, "event": str(event.id)}

    dispatcher.payload_shaper = shaper
    event = await emit()
    await dispatcher.run_once()
    [got] = await receiver.wait_for(1)
    assert got.json["data"] == {"shaped": created.webhook.query, "event": str(event.id)}


async def test_a_commit_wakes_the_background_loop_and_the_event_is_delivered_at_once(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    # Given a running dispatcher that would look only once a minute, woken after each commit
    dispatcher.poll_interval = 60
    webhook = await register(hook_settings, receiver)
    await dispatcher.start()

    async def wake(events: Sequence[Event]) -> None:
        dispatcher.wake()

    add_listener(wake)
    try:
        # When a mutation commits an event
        outcome = await mutate(
            actor_for("client-1"),
            lambda uow: uow.record("task.created", "Task", 7, {"title": "Ship it"}),
        )
        assert outcome.value is not None
        event = outcome.value

        # Then the endpoint receives it signed, long before the next poll, and the log says so
        [got] = await receiver.wait_for(1, within=5)
        assert got.verified_with == receiver.secrets
        assert got.headers["webhook-id"] == f"msg_{event.id}_{webhook.id}"
        assert got.json["type"] == "task.created" and got.json["data"]["title"] == "Ship it"
        await dispatcher.stop()  # lets the send in flight finish and record its result
        delivery = await WebhookDelivery.get(webhook_id=webhook.id)
        assert delivery.status == "succeeded" and delivery.attempts == 1
    finally:
        remove_listener(wake)


async def test_a_ping_commits_no_event_and_is_still_sent_at_once(
    hook_settings: Settings, receiver: Receiver, dispatcher: WebhookDispatcher
) -> None:
    # Given a running dispatcher that would look only once a minute, woken after each commit
    dispatcher.poll_interval = 60
    webhook = await register(hook_settings, receiver)
    await dispatcher.start()
    woken_with: list[int] = []

    async def wake(events: Sequence[Event]) -> None:
        woken_with.append(len(events))
        dispatcher.wake()

    add_listener(wake)
    try:
        # When its owner pings the endpoint (a delivery with no event in the log)
        delivery = await manage("client-1", api.test_webhook, webhook.id)

        # Then the commit woke the dispatcher with no events, and the ping arrives long before
        # the next poll, signed
        assert woken_with == [0]
        [got] = await receiver.wait_for(1, within=5)
        assert got.verified_with == receiver.secrets
        assert got.json["type"] == "webhook.ping"
        assert got.headers["webhook-id"] == delivery.message_id
    finally:
        remove_listener(wake)
