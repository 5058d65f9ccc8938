"""Webhook management: register endpoints, rotate secrets, ping, redeliver, read the log.

Plain async functions for the GraphQL layer (no Strawberry here). Every function takes the
settings and the principal's `client_id`: endpoints belong to the OAuth client that created
them and other clients see none of them (NOT_FOUND, never "forbidden", so ids do not leak);
`client_id=None` (an operator tool, a user token without a client) sees every endpoint.
Creating or changing an endpoint records the token that did it (`changed_by`): payload shaping
reads with no more than that token could (schema/webhooks/shaping.py). The
scope check (`webhooks:manage`) is the policy's job, done before calling these. Input errors
raise `UserErrors` with fields under `("input", <camelCase field>)`. Ids are database ids: the
schema decodes global IDs first. After a mutation that queues a delivery (`test_webhook`,
`redeliver_webhook_event`) commits, call `dispatcher.wake()` to send it at once.
"""

from __future__ import annotations

import secrets as random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from auth.principal import Principal
from config import Settings
from events.log import EVENT_TYPES
from events.webhooks.outbox import message_id
from events.webhooks.signing import generate_secret
from events.webhooks.targets import TargetError, check_target
from ids import to_global_id
from models.events import Event
from models.webhooks import Webhook, WebhookDelivery, WebhookDeliveryAttempt
from resolvers.core.errors import ErrorCode, UserError, UserErrors, user_error

MAX_DESCRIPTION = 500
MAX_QUERY = 10_000
MAX_OVERLAP = 7 * 86400
PING_TYPE = "webhook.ping"


@dataclass(frozen=True)
class WebhookWithSecret:
    """`createWebhook` / `rotateWebhookSecret` result: the secret is shown this once."""

    webhook: Webhook
    secret: str


# -- reading ----------------------------------------------------------------------------------


WEBHOOK_ORDER_FIELDS = {
    "CREATED_AT": "created_at",
    "UPDATED_AT": "updated_at",
    "URL": "url",
    "FAILURE_COUNT": "failure_count",
    "DISABLED_AT": "disabled_at",
}


def webhook_filter(*, enabled: bool | None = None, search: str | None = None) -> Q:
    """The `webhooks(filter:)` conditions; all given ones must hold."""
    q = Q()
    if enabled is not None:
        q &= Q(enabled=enabled)
    if search:
        q &= Q(url__icontains=search) | Q(description__icontains=search)
    return q


def webhooks_queryset(client_id: str | None) -> QuerySet[Webhook]:
    """The endpoints the principal may see, newest first (for `Query.webhooks`)."""
    qs = Webhook.all() if client_id is None else Webhook.filter(owner_client_id=client_id)
    return qs.order_by("-created_at", "-id")


async def get_webhook(client_id: str | None, id: int, field: str = "id") -> Webhook:
    webhook = await webhooks_queryset(client_id).filter(id=id).first()
    if webhook is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such webhook.", "input", field)
    return webhook


def deliveries_queryset(webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """A webhook's deliveries, newest first (for `Webhook.deliveries`; fetch the webhook with
    `get_webhook` or from `webhooks_queryset` first, which applies the ownership rule)."""
    return WebhookDelivery.filter(webhook_id=webhook.id).order_by("-created_at", "-id")


def attempts_queryset(delivery: WebhookDelivery) -> QuerySet[WebhookDeliveryAttempt]:
    """A delivery's attempts, newest first (status code, duration, error, snippet, next try)."""
    return WebhookDeliveryAttempt.filter(delivery_id=delivery.id).order_by("-number", "-id")


# -- validation -------------------------------------------------------------------------------


async def _check_url(settings: Settings, url: str) -> str:
    url = url.strip()
    try:
        await check_target(url, allow_private=settings.webhook_allow_private)
    except TargetError as exc:
        code = ErrorCode.PRIVATE_ADDRESS if exc.private else ErrorCode.INVALID_FORMAT
        raise user_error(code, str(exc), "input", "url") from None
    return url


def _check_event_types(event_types: list[str]) -> list[str]:
    if not event_types:
        raise user_error(ErrorCode.REQUIRED, "Choose at least one event type.", "input", "eventTypes")
    unknown = [t for t in event_types if t not in EVENT_TYPES]
    if unknown:
        raise user_error(
            ErrorCode.INVALID, f"Unknown event types: {', '.join(unknown)}.", "input", "eventTypes"
        )
    return list(dict.fromkeys(event_types))  # de-duplicated, order kept


def _check_text(value: str, limit: int, field: str) -> str:
    if len(value) > limit:
        raise user_error(ErrorCode.TOO_LONG, f"At most {limit} characters.", "input", field)
    return value


def _changed_by(principal: Principal | None) -> dict[str, Any]:
    """The token a shaping document reads as: the one that created or last changed the endpoint."""
    return {
        "changed_by_client_id": principal.client_id if principal else None,
        "changed_by_employee_id": principal.employee_id if principal else None,
        "changed_by_scopes": " ".join(sorted(principal.scopes)) if principal else "",
    }


# -- mutations --------------------------------------------------------------------------------


async def create_webhook(
    settings: Settings,
    client_id: str | None,
    *,
    url: str,
    event_types: list[str],
    description: str = "",
    query: str | None = None,
    changed_by: Principal | None = None,
) -> WebhookWithSecret:
    """Register an endpoint; returns it with its new secret (`whsec_…`, shown once)."""
    # Report every bad field at once, not only the first.
    errors: list[UserError] = []
    try:
        url = await _check_url(settings, url)
    except UserErrors as exc:
        errors += exc.errors
    for check in (
        lambda: _check_event_types(event_types),
        lambda: _check_text(description, MAX_DESCRIPTION, "description"),
        lambda: _check_text(query or "", MAX_QUERY, "query"),
    ):
        try:
            check()
        except UserErrors as exc:
            errors += exc.errors
    if errors:
        raise UserErrors(*errors)
    secret = generate_secret()
    webhook = await Webhook.create(
        url=url,
        event_types=_check_event_types(event_types),
        description=description,
        query=query or None,
        secret=secret,
        owner_client_id=client_id,
        **_changed_by(changed_by),
    )
    return WebhookWithSecret(webhook, secret)


async def update_webhook(
    settings: Settings,
    client_id: str | None,
    id: int,
    *,
    enabled: bool | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    url: str | None = None,
    query: str | None = None,
    changed_by: Principal | None = None,
) -> Webhook:
    """Change the given fields (None: unchanged). Re-enabling clears the failure count;
    deliveries queued while disabled are then sent."""
    webhook = await get_webhook(client_id, id)
    if url is not None:
        webhook.url = await _check_url(settings, url)
    if event_types is not None:
        webhook.event_types = _check_event_types(event_types)
    if description is not None:
        webhook.description = _check_text(description, MAX_DESCRIPTION, "description")
    if query is not None:
        webhook.query = _check_text(query, MAX_QUERY, "query") or None  # type: ignore[assignment]
    if enabled is True and not webhook.enabled:
        webhook.enabled, webhook.failure_count = True, 0
        webhook.disabled_reason, webhook.disabled_at = None, None  # type: ignore[assignment]
    elif enabled is False and webhook.enabled:
        webhook.enabled, webhook.disabled_reason = False, "disabled by its owner"
        webhook.disabled_at = datetime.now(UTC)
    for name, value in _changed_by(changed_by).items():
        setattr(webhook, name, value)
    await webhook.save()
    return webhook


async def rotate_webhook_secret(
    settings: Settings, client_id: str | None, id: int, overlap_seconds: int = 86400
) -> WebhookWithSecret:
    """A new secret; for `overlap_seconds` the old one signs too, so receivers can switch."""
    if not 0 <= overlap_seconds <= MAX_OVERLAP:
        raise user_error(
            ErrorCode.INVALID, f"Overlap must be 0 to {MAX_OVERLAP} seconds.", "input", "overlapSeconds"
        )
    async with in_transaction() as conn:
        webhook = await get_webhook(client_id, id)
        webhook = await Webhook.filter(id=webhook.id).select_for_update().using_db(conn).get()
        secret = generate_secret()
        webhook.previous_secret = webhook.secret if overlap_seconds else None
        webhook.previous_secret_expires_at = (
            datetime.now(UTC) + timedelta(seconds=overlap_seconds) if overlap_seconds else None
        )
        webhook.secret = secret
        await webhook.save(using_db=conn)
    return WebhookWithSecret(webhook, secret)


async def delete_webhook(settings: Settings, client_id: str | None, id: int) -> int:
    """Delete an endpoint with its delivery log; returns the deleted id."""
    webhook = await get_webhook(client_id, id)
    await webhook.delete()
    return id


async def _queue(
    webhook: Webhook,
    *,
    kind: str,
    event_type: str,
    msg_id: str,
    event_id: int | None = None,
    payload: dict | None = None,
) -> WebhookDelivery:
    if not webhook.enabled:
        raise user_error(ErrorCode.CLOSED, "The webhook is disabled; enable it first.", "input", "webhookId")
    return await WebhookDelivery.create(
        webhook_id=webhook.id,
        kind=kind,
        event_id=event_id,
        event_type=event_type,
        message_id=msg_id,
        payload=payload,
        status="pending",
        next_attempt_at=datetime.now(UTC),
    )


async def test_webhook(settings: Settings, client_id: str | None, id: int) -> WebhookDelivery:
    """Queue a `webhook.ping` delivery, due now."""
    webhook = await get_webhook(client_id, id)
    return await _queue(
        webhook,
        kind="ping",
        event_type=PING_TYPE,
        msg_id=f"msg_ping_{random.token_hex(8)}",
        payload={"id": to_global_id("Webhook", webhook.id), "webhookId": to_global_id("Webhook", webhook.id)},
    )


async def redeliver_webhook_event(
    settings: Settings, client_id: str | None, webhook_id: int, event_id: int
) -> WebhookDelivery:
    """Send an event to an endpoint again, as a new delivery with the same `webhook-id` (so
    the receiver can tell it is the same message). The event must have been fanned out to
    that endpoint before."""
    webhook = await get_webhook(client_id, webhook_id, "webhookId")
    msg = message_id(event_id, webhook.id)
    event = await Event.get_or_none(id=event_id)
    if event is None or not await WebhookDelivery.filter(webhook_id=webhook.id, message_id=msg).exists():
        raise user_error(
            ErrorCode.NOT_FOUND, "This event was never sent to this webhook.", "input", "eventId"
        )
    return await _queue(webhook, kind="redelivery", event_id=event.id, event_type=event.type, msg_id=msg)


# Named by the API ("testWebhook"), not a test: keep pytest from collecting it when imported.
test_webhook.__test__ = False  # type: ignore[attr-defined]
