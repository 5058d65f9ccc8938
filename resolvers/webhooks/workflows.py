"""Webhook management: register endpoints, change them, rotate secrets, ping, redeliver.

Workflows of the mutation pipeline (no Strawberry here): each runs in the caller's unit of work
(`mutate`, resolvers/core/unit_of_work.py) and acts as its actor. Endpoints belong to the OAuth
client that created them and other clients see none of them (NOT_FOUND, never "forbidden", so
ids do not leak): the rule is the policy's (`Policy.visible_webhooks`); HR sees every endpoint.
Creating or changing an endpoint records the token that did it: payload shaping reads with no
more than that token could (schema/webhooks/shaping.py). `require_webhook_manager` is checked
before decoding the input. Input errors raise `UserErrors` with fields under
`("input", <camelCase field>)`. Ids are database ids: the schema decodes global IDs first.
Nothing here wakes the dispatcher: the after-commit listener (server.py) does, after a commit that
wrote events or queued deliveries without one (a ping, a redelivery, an endpoint enabled again
with deliveries held: those mark `uow.deliveries_queued`).
"""

from __future__ import annotations

import secrets as random
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from auth.policy import Policy
from auth.principal import Principal
from auth.scopes import Scope
from config import Settings
from events.log import EVENT_TYPES
from events.webhooks.outbox import message_id
from events.webhooks.signing import generate_secret
from events.webhooks.targets import TargetError, check_target
from ids import to_global_id
from models.events import Event
from models.webhooks import Webhook, WebhookDelivery
from resolvers.core.errors import ErrorCode, UserError, UserErrors, user_error
from resolvers.core.problems import Forbidden
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.webhooks.reads import get_webhook

MAX_DESCRIPTION = 500
MAX_QUERY = 10_000
MAX_OVERLAP = 7 * 86400
PING_TYPE = "webhook.ping"


@dataclass(frozen=True)
class WebhookWithSecret:
    """`createWebhook` / `rotateWebhookSecret` result: the secret is shown this once."""

    webhook: Webhook
    secret: str


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


def require_webhook_manager(policy: Policy) -> None:
    """Only HR and service tokens manage webhooks: anyone else gets a `Forbidden` error."""
    if not policy.can_manage_webhooks():
        raise Forbidden(
            "Only HR and service tokens manage webhooks.", requiredScope=Scope.WEBHOOKS_MANAGE.value
        )


def _visible(uow: UnitOfWork, id: int, field: str = "id", *, lock: bool = False) -> Awaitable[Webhook]:
    return get_webhook(uow.actor.policy, id, field, conn=uow.conn, lock=lock)


async def create_webhook(
    uow: UnitOfWork,
    settings: Settings,
    *,
    url: str,
    event_types: list[str],
    description: str = "",
    query: str | None = None,
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
        owner_client_id=uow.actor.policy.webhook_owner_for_new(uow.actor.client_id),
        using_db=uow.conn,
        **_changed_by(uow.actor.policy.principal),
    )
    return WebhookWithSecret(webhook, secret)


async def update_webhook(
    uow: UnitOfWork,
    settings: Settings,
    id: int,
    *,
    enabled: bool | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    url: str | None = None,
    query: str | None = None,
) -> Webhook:
    """Change the given fields (None: unchanged). Re-enabling clears the failure count;
    deliveries queued while disabled are then sent."""
    webhook = await _visible(uow, id)
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
        uow.deliveries_queued = True  # deliveries held while it was disabled go out now
        webhook.disabled_reason, webhook.disabled_at = None, None  # type: ignore[assignment]
    elif enabled is False and webhook.enabled:
        webhook.enabled, webhook.disabled_reason = False, "disabled by its owner"
        webhook.disabled_at = datetime.now(UTC)
    for name, value in _changed_by(uow.actor.policy.principal).items():
        setattr(webhook, name, value)
    await webhook.save(using_db=uow.conn)
    return webhook


async def rotate_webhook_secret(uow: UnitOfWork, id: int, overlap_seconds: int = 86400) -> WebhookWithSecret:
    """A new secret; for `overlap_seconds` the old one signs too, so receivers can switch."""
    if not 0 <= overlap_seconds <= MAX_OVERLAP:
        raise user_error(
            ErrorCode.INVALID, f"Overlap must be 0 to {MAX_OVERLAP} seconds.", "input", "overlapSeconds"
        )
    webhook = await _visible(uow, id, lock=True)
    secret = generate_secret()
    webhook.previous_secret = webhook.secret if overlap_seconds else None
    webhook.previous_secret_expires_at = (
        datetime.now(UTC) + timedelta(seconds=overlap_seconds) if overlap_seconds else None
    )
    webhook.secret = secret
    await webhook.save(using_db=uow.conn)
    return WebhookWithSecret(webhook, secret)


async def delete_webhook(uow: UnitOfWork, id: int) -> int:
    """Delete an endpoint with its delivery log; returns the deleted id."""
    webhook = await _visible(uow, id)
    await webhook.delete(using_db=uow.conn)
    return id


async def _queue(
    uow: UnitOfWork,
    webhook: Webhook,
    *,
    kind: str,
    event_type: str,
    msg_id: str,
    event_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> WebhookDelivery:
    if not webhook.enabled:
        raise user_error(ErrorCode.CLOSED, "The webhook is disabled; enable it first.", "input", "webhookId")
    uow.deliveries_queued = True  # the after-commit hook wakes the dispatcher: sent at once
    return await WebhookDelivery.create(
        webhook_id=webhook.id,
        kind=kind,
        event_id=event_id,
        event_type=event_type,
        message_id=msg_id,
        payload=payload,
        status="pending",
        next_attempt_at=datetime.now(UTC),
        using_db=uow.conn,
    )


async def test_webhook(uow: UnitOfWork, id: int) -> WebhookDelivery:
    """Queue a `webhook.ping` delivery, due now."""
    webhook = await _visible(uow, id)
    return await _queue(
        uow,
        webhook,
        kind="ping",
        event_type=PING_TYPE,
        msg_id=f"msg_ping_{random.token_hex(8)}",
        payload={"id": to_global_id("Webhook", webhook.id), "webhookId": to_global_id("Webhook", webhook.id)},
    )


async def redeliver_webhook_event(uow: UnitOfWork, webhook_id: int, event_id: int) -> WebhookDelivery:
    """Send an event to an endpoint again, as a new delivery with the same `webhook-id` (so
    the receiver can tell it is the same message). The event must have been fanned out to
    that endpoint before."""
    webhook = await _visible(uow, webhook_id, "webhookId")
    msg = message_id(event_id, webhook.id)
    event = await Event.filter(id=event_id).using_db(uow.conn).first()
    sent = WebhookDelivery.filter(webhook_id=webhook.id, message_id=msg).using_db(uow.conn)
    if event is None or not await sent.exists():
        raise user_error(
            ErrorCode.NOT_FOUND, "This event was never sent to this webhook.", "input", "eventId"
        )
    return await _queue(uow, webhook, kind="redelivery", event_id=event.id, event_type=event.type, msg_id=msg)


# Named by the API ("testWebhook"), not a test: keep pytest from collecting it when imported.
test_webhook.__test__ = False  # type: ignore[attr-defined]
