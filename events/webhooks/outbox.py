"""Fan-out: turn new rows of the event log into pending deliveries, losing nothing.

The event is written in the mutation's transaction (the outbox); this reads the log past a
cursor and, in one transaction, inserts the deliveries and moves the cursor. A crash before the
commit leaves both unchanged, so the next pass redoes the work; the unique `fanout_key`
(`msg_<event>_<webhook>`) makes a redo insert nothing twice.

Ids out of order: on PostgreSQL ids come from a sequence when the INSERT runs, not when the
transaction commits, so event 41 may become visible after event 42 was read. A cursor that
simply moved to 42 would skip 41 forever. Instead every id below the high-water mark that was
not seen is kept as a *gap* and looked for on each pass until it appears or is older than
GAP_TTL (then it belonged to a rolled-back transaction: sequences never reuse ids). Events
past a gap are delivered at once; only the bookkeeping waits. This was preferred to "only read
events older than N seconds", which would add N seconds of latency to every delivery.

Multiple dispatchers: the cursor row is locked with FOR UPDATE SKIP LOCKED, so one process fans
out at a time and the others skip the step (SQLite serializes transactions anyway).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.events import Event
from models.webhooks import Webhook, WebhookDelivery, WebhookOutboxCursor

CURSOR_ID = 1
GAP_TTL = 600.0  # seconds; longer than any transaction we expect to stay open
MAX_GAPS = 1000  # bounds the `IN (...)` re-check; older gaps are the least likely to fill


def message_id(event_id: int, webhook_id: int) -> str:
    """The stable `webhook-id` of an event sent to an endpoint (reused by redeliveries)."""
    return f"msg_{event_id}_{webhook_id}"


def subscribed(webhook: Webhook, event: Event) -> bool:
    # An endpoint gets only events that happened after it was registered, so a new endpoint is
    # not flooded with history when fan-out is behind (or starts on an old log).
    return event.type in (webhook.event_types or []) and event.occurred_at >= webhook.created_at


async def _lock_cursor(conn: BaseDBAsyncClient) -> WebhookOutboxCursor | None:
    """The cursor row, locked for this transaction; None if another process holds it."""
    query = WebhookOutboxCursor.filter(id=CURSOR_ID).select_for_update(skip_locked=True).using_db(conn)
    cursor = await query.first()
    if cursor is None and not await WebhookOutboxCursor.filter(id=CURSOR_ID).using_db(conn).exists():
        # First run: create the row. Racing inserts from two processes are harmless (the
        # loser's is ignored, and it then finds the row locked and skips this pass).
        await WebhookOutboxCursor.bulk_create(
            [WebhookOutboxCursor(id=CURSOR_ID, last_event_id=0, gaps=[])],
            ignore_conflicts=True,
            using_db=conn,
        )
        cursor = await query.first()
    return cursor


async def fan_out(*, first_delay: float = 0.0, batch: int = 500) -> tuple[int, bool]:
    """One pass: (deliveries created, whether more events are waiting)."""
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        cursor = await _lock_cursor(conn)
        if cursor is None:  # another dispatcher is fanning out right now
            return 0, False
        webhooks = await Webhook.filter(enabled=True).using_db(conn)
        if not webhooks:
            # Nothing can match; jump ahead instead of reading events nobody will receive.
            top = await Event.all().using_db(conn).order_by("-id").first()
            cursor.last_event_id = max(cursor.last_event_id, top.id if top else 0)
            cursor.gaps = []
            await cursor.save(using_db=conn, update_fields=["last_event_id", "gaps", "updated_at"])
            return 0, False

        gaps: dict[int, float] = {int(i): float(t) for i, t in cursor.gaps or []}
        condition = Q(id__gt=cursor.last_event_id)
        if gaps:
            condition |= Q(id__in=list(gaps))
        events = await Event.filter(condition).order_by("id").limit(batch).using_db(conn)

        due = now + timedelta(seconds=first_delay)
        deliveries = [
            WebhookDelivery(
                webhook_id=hook.id,
                event_id=event.id,
                event_type=event.type,
                message_id=message_id(event.id, hook.id),
                fanout_key=message_id(event.id, hook.id),
                kind="event",
                status="pending",
                next_attempt_at=due,
            )
            for event in events
            for hook in webhooks
            if subscribed(hook, event)
        ]
        if deliveries:
            await WebhookDelivery.bulk_create(deliveries, ignore_conflicts=True, using_db=conn)

        seen = {event.id for event in events}
        high = max([cursor.last_event_id, *seen])
        stamp = time.time()
        # Bounded so a jump in ids (a restored backup, a reset sequence) cannot loop for ages.
        for missing in range(max(cursor.last_event_id + 1, high - MAX_GAPS), high):
            if missing not in seen:
                gaps[missing] = stamp
        for found in seen:
            gaps.pop(found, None)
        kept = sorted((i, t) for i, t in gaps.items() if stamp - t < GAP_TTL)[-MAX_GAPS:]
        cursor.last_event_id = high
        cursor.gaps = [[i, t] for i, t in kept]
        await cursor.save(using_db=conn, update_fields=["last_event_id", "gaps", "updated_at"])
        return len(deliveries), len(events) >= batch
