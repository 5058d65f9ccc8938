"""Responses remembered by `Idempotency-Key`, so a retried mutation is applied once."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class IdempotencyKey(Model):
    id = fields.IntField(primary_key=True)
    owner = fields.CharField(max_length=160)  # the client and subject the key belongs to
    key = fields.CharField(max_length=255)
    request_hash = fields.CharField(max_length=64)
    status_code = fields.IntField(null=True)  # null while the first request is still running
    response_body = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "idempotency_keys"
        unique_together = (("owner", "key"),)
