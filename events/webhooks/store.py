"""Claiming due deliveries and recording attempts: every state change is one transaction.

Claim: due rows are selected `FOR NO KEY UPDATE SKIP LOCKED` (PostgreSQL; SQLite ignores the
clause and serializes transactions in its one connection), marked `sending` with a lease
(`locked_until`) and a random `lease_token`, and committed *before* any HTTP request, so no
row lock is held across the network. A dispatcher killed mid-send leaves `sending` rows whose
lease expires (PEOPLEGRAPH_WEBHOOK_LEASE_SECONDS); the claim that takes such a row over first
logs the cut-off try as an attempt of its own, then sends again (at least once; the receiver
dedupes on `webhook-id`). A result is applied only by the lease holder (`lease_token` still
matches).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F, Q, Subquery
from tortoise.transactions import in_transaction

from config import Settings
from events.log import EventType, append_events, new_event
from events.webhooks.delivery import AttemptResult, next_delay
from models.events import Event
from models.webhooks import Webhook, WebhookDelivery, WebhookDeliveryAttempt

ERROR_CHARS = 2000
INTERRUPTED = "interrupted: the dispatcher stopped before an answer"


async def claim(limit: int, lease_seconds: float) -> tuple[str, list[WebhookDelivery]]:
    """Claim up to `limit` due deliveries of enabled endpoints; returns (lease token, rows)."""
    token = secrets.token_hex(16)
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        rows = (
            await WebhookDelivery.filter(
                Q(status="pending", next_attempt_at__lte=now) | Q(status="sending", locked_until__lte=now),
                # A subquery, not a join: FOR UPDATE would otherwise lock the webhook rows too
                # and make concurrent dispatchers skip each other's endpoints.
                webhook_id__in=Subquery(Webhook.filter(enabled=True).values("id")),
            )
            .order_by("next_attempt_at", "id")
            .limit(limit)
            .select_for_update(skip_locked=True, no_key=True)
            .using_db(conn)
            # `.only()`, not `.values_list()`: Tortoise drops FOR UPDATE from values queries.
            .only("id", "status", "attempts", "locked_until")
        )
        ids = [row.id for row in rows]
        if not ids:
            return token, []
        await _log_interrupted(conn, [row for row in rows if row.status == "sending"], lease_seconds, now)
        await (
            WebhookDelivery.filter(id__in=ids)
            .using_db(conn)
            .update(status="sending", locked_until=now + timedelta(seconds=lease_seconds), lease_token=token)
        )
    rows = await WebhookDelivery.filter(id__in=ids, lease_token=token).select_related("webhook")
    return token, list(rows)


async def _log_interrupted(
    conn: BaseDBAsyncClient, rows: list[WebhookDelivery], lease_seconds: float, now: datetime
) -> None:
    """Rows still `sending` past their lease were cut off mid-send: each gets its attempt."""
    for row in rows:
        # When that send started, as near as we know: its lease began then.
        started = (row.locked_until or now) - timedelta(seconds=lease_seconds)
        await WebhookDeliveryAttempt.create(
            delivery_id=row.id,
            number=row.attempts + 1,
            attempted_at=started,
            error=INTERRUPTED,
            using_db=conn,
        )
        await (
            WebhookDelivery.filter(id=row.id)
            .using_db(conn)
            .update(attempts=row.attempts + 1, last_error=INTERRUPTED, last_attempt_at=started)
        )


async def disabling(conn: BaseDBAsyncClient, webhook: Webhook, reason: str) -> Event | None:
    """Disable an endpoint in the caller's transaction; returns the `webhook.disabled` event for
    the caller to write last (events/log.py `append_events`), or None when it was disabled
    already: only the caller that actually flips `enabled` has an event, so it is written once."""
    now = datetime.now(UTC)
    flipped = await (
        Webhook.filter(id=webhook.id, enabled=True)
        .using_db(conn)
        .update(enabled=False, disabled_reason=reason, disabled_at=now, updated_at=now)
    )
    if not flipped:
        return None
    return new_event(
        EventType.WEBHOOK_DISABLED,
        subject_type="Webhook",
        subject_id=webhook.id,
        actor_id=None,
        client_id=webhook.owner_client_id,
        data={"url": webhook.url, "reason": reason},
    )


async def disable_webhook(conn: BaseDBAsyncClient, webhook: Webhook, reason: str) -> bool:
    """`disabling`, and its event written now (so call it after the transaction's other writes)."""
    event = await disabling(conn, webhook, reason)
    if event is not None:
        await append_events(conn, [event])
    return event is not None


async def record(settings: Settings, delivery: WebhookDelivery, token: str, result: AttemptResult) -> str:
    """Store one attempt and move the delivery on; returns its new status."""
    now = datetime.now(UTC)
    number = delivery.attempts + 1
    webhook = delivery.webhook
    status, due = "pending", None
    if result.succeeded:
        status = "succeeded"
    elif result.status_code == 410:
        status = "failed"  # 410 Gone: the receiver asks us to stop, see below
    else:
        delay = next_delay(settings.webhook_retry_schedule, number, result.retry_after)
        if delay is None:
            status = "failed"
        else:
            due = now + timedelta(seconds=delay)

    async with in_transaction() as conn:
        await WebhookDeliveryAttempt.create(
            delivery_id=delivery.id,
            number=number,
            attempted_at=now,
            status_code=result.status_code,
            duration_ms=result.duration_ms,
            error=(result.error or None) and result.error[:ERROR_CHARS],
            response_snippet=result.snippet,
            next_attempt_at=due,
            using_db=conn,
        )
        done = status in ("succeeded", "failed")
        applied = await (
            WebhookDelivery.filter(id=delivery.id, lease_token=token)
            .using_db(conn)
            .update(
                status=status,
                attempts=number,
                next_attempt_at=due,
                locked_until=None,
                lease_token=None,
                last_status_code=result.status_code,
                last_error=result.error and result.error[:ERROR_CHARS],
                last_attempt_at=now,
                completed_at=now if done else None,
            )
        )
        if not applied:
            # Our lease ran out and another dispatcher owns the row now: the attempt is logged,
            # its outcome is theirs to decide.
            return "lost"
        if status == "succeeded":
            await Webhook.filter(id=webhook.id, failure_count__gt=0).using_db(conn).update(failure_count=0)
        elif result.status_code == 410:
            await disable_webhook(conn, webhook, "the endpoint answered 410 Gone")
        elif status == "failed":
            await Webhook.filter(id=webhook.id).using_db(conn).update(failure_count=F("failure_count") + 1)
            fresh = await Webhook.filter(id=webhook.id).using_db(conn).first()
            if fresh is not None and fresh.failure_count >= settings.webhook_failure_threshold:
                reason = f"{fresh.failure_count} consecutive deliveries failed"
                await disable_webhook(conn, webhook, reason)
    return status
