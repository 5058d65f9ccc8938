"""Webhook endpoints and every delivery attempt to them."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models._base import created_at, updated_at


class Webhook(Model):
    id = fields.IntField(primary_key=True)
    url = fields.TextField()
    description = fields.TextField(default="")
    event_types: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    secret = fields.CharField(max_length=128)
    previous_secret = fields.CharField(max_length=128, null=True)
    previous_secret_expires_at = fields.DatetimeField(null=True)
    query = fields.TextField(null=True)
    enabled = fields.BooleanField(default=True, db_index=True)
    failure_count = fields.IntField(default=0)
    disabled_reason = fields.TextField(null=True)
    owner_client_id = fields.CharField(max_length=64, null=True)
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        table = "webhooks"


class WebhookDelivery(Model):
    """One row per (event, endpoint): its state, and one row per attempt in `attempts`."""

    id = fields.BigIntField(primary_key=True)
    webhook: fields.ForeignKeyRelation[Webhook] = fields.ForeignKeyField(
        "models.Webhook", related_name="deliveries", on_delete=fields.CASCADE
    )
    webhook_id: int
    event_id = fields.BigIntField(db_index=True)
    message_id = fields.CharField(max_length=64)
    status = fields.CharField(max_length=16, default="pending", db_index=True)
    attempt = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True, db_index=True)
    status_code = fields.IntField(null=True)
    duration_ms = fields.IntField(null=True)
    error = fields.TextField(null=True)
    response_snippet = fields.TextField(null=True)
    attempted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "webhook_deliveries"
        indexes = (("status", "next_attempt_at"), ("webhook_id", "created_at"))
