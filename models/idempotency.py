"""Responses remembered by `Idempotency-Key`, so a retried mutation is applied once."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class IdempotencyKey(Model):
    """Written in the mutation's own transaction, with its response: a committed row is a
    committed answer, and a crash before the commit leaves no row behind."""

    id = fields.IntField(primary_key=True)
    owner = fields.CharField(max_length=160)  # the client and subject the key belongs to
    key = fields.CharField(max_length=255)
    request_hash = fields.CharField(max_length=64)
    scopes = fields.TextField(default="")  # of the first token: a replay needs all of them
    status_code = fields.IntField(null=True)  # null only inside the claiming transaction
    response_body = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "idempotency_keys"
        unique_together = (("owner", "key"),)
