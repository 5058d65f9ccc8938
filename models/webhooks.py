"""Webhook endpoints, their deliveries, every attempt, and the outbox cursor.

One `webhook_deliveries` row is one message to one endpoint (an event fanned out, a
redelivery, or a ping) and carries its state; each HTTP try is a `webhook_delivery_attempts`
row, so the delivery log shows every attempt without rewriting history.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models._base import created_at, updated_at


class Webhook(Model):
    id = fields.IntField(primary_key=True)
    url = fields.TextField()
    description = fields.TextField(default="")
    event_types: list[str] = fields.JSONField(default=list)
    # Secrets must be usable for HMAC, so they are stored, not hashed; they are shown once.
    secret = fields.CharField(max_length=128)
    previous_secret = fields.CharField(max_length=128, null=True)
    previous_secret_expires_at = fields.DatetimeField(null=True)
    # An optional GraphQL subscription document shaping `data` (executed by the lead's hook).
    query = fields.TextField(null=True)
    enabled = fields.BooleanField(default=True, db_index=True)
    # Consecutive deliveries that ended `failed`; a success resets it.
    failure_count = fields.IntField(default=0)
    disabled_reason = fields.TextField(null=True)
    disabled_at = fields.DatetimeField(null=True)
    owner_client_id = fields.CharField(max_length=64, null=True, db_index=True)
    # The token that created or last changed the endpoint: payload shaping reads with its scopes,
    # intersected with its client's current registration, and as its employee (never more), and
    # revoking that client or terminating that employee disables the endpoint.
    changed_by_client_id = fields.CharField(max_length=64, null=True, db_index=True)
    changed_by_employee_id = fields.IntField(null=True, db_index=True)
    changed_by_scopes = fields.TextField(default="")
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        table = "webhooks"


class WebhookDelivery(Model):
    """One message to one endpoint and its state: pending → sending → succeeded | failed."""

    id = fields.BigIntField(primary_key=True)
    webhook: fields.ForeignKeyRelation[Webhook] = fields.ForeignKeyField(
        "models.Webhook", related_name="deliveries", on_delete=fields.CASCADE
    )
    webhook_id: int
    # Null for pings, which have no event; `payload` then holds the body's data.
    event_id = fields.BigIntField(null=True, db_index=True)
    event_type = fields.CharField(max_length=64)
    payload: dict[str, Any] | None = fields.JSONField(null=True)
    # The `webhook-id` header: stable per (event, endpoint), reused by redeliveries.
    message_id = fields.CharField(max_length=64, db_index=True)
    # Set (to message_id) only on fan-out rows: a unique key that makes fan-out idempotent,
    # while redeliveries and pings (NULL, which never collides) may repeat a message.
    fanout_key = fields.CharField(max_length=64, null=True, unique=True)
    kind = fields.CharField(max_length=16, default="event")  # event | redelivery | ping
    status = fields.CharField(max_length=16, default="pending")
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    # Lease of a dispatcher that claimed it: when it passes, another dispatcher may claim.
    locked_until = fields.DatetimeField(null=True)
    lease_token = fields.CharField(max_length=32, null=True)
    last_status_code = fields.IntField(null=True)
    last_error = fields.TextField(null=True)
    last_attempt_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_deliveries"
        indexes = (("status", "next_attempt_at"), ("webhook_id", "created_at"))


class WebhookDeliveryAttempt(Model):
    """One HTTP try of a delivery (or a refusal before sending, e.g. a private address)."""

    id = fields.BigIntField(primary_key=True)
    delivery: fields.ForeignKeyRelation[WebhookDelivery] = fields.ForeignKeyField(
        "models.WebhookDelivery", related_name="attempt_log", on_delete=fields.CASCADE
    )
    delivery_id: int
    number = fields.IntField()
    attempted_at = fields.DatetimeField()
    status_code = fields.IntField(null=True)
    duration_ms = fields.IntField(null=True)
    error = fields.TextField(null=True)
    response_snippet = fields.TextField(null=True)
    # When the next try is due after this one (null: no further try).
    next_attempt_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery_attempts"
        indexes = (("delivery_id", "number"),)


class WebhookOutboxCursor(Model):
    """How far fan-out has read the event log (a single row, id 1).

    `last_event_id` is the highest event id fanned out; `gaps` lists ids below it not yet seen
    (`[[id, first_seen_unix], …]`): on PostgreSQL a slow transaction may commit an event whose
    id is lower than one already read, so such ids are re-checked until they appear or age out.
    """

    id = fields.IntField(primary_key=True)
    last_event_id = fields.BigIntField(default=0)
    gaps: list[Any] = fields.JSONField(default=list)
    updated_at = updated_at()

    class Meta:
        table = "webhook_outbox_cursor"
