"""The event log: one row per change, behind audit, subscriptions and webhooks."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Event(Model):
    # A big integer that grows with every insert: the log's order and the resume point of a
    # subscription (`after:`). Event ids are exposed as strings.
    id = fields.BigIntField(primary_key=True)
    type = fields.CharField(max_length=64, db_index=True)
    subject_type = fields.CharField(max_length=64)
    subject_id = fields.IntField()
    actor_id = fields.IntField(null=True, db_index=True)
    client_id = fields.CharField(max_length=64, null=True)
    data: dict[str, Any] = fields.JSONField(default=dict)
    occurred_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "events"
        indexes = (("subject_type", "subject_id"),)
