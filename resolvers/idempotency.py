"""Idempotent retries: the first response to a key is stored and replayed to every retry.

A key belongs to one client and subject; reusing it for a different request is refused, and a
retry that arrives while the first request still runs is told to wait (HTTP 409).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from auth.principal import Principal
from models.idempotency import IdempotencyKey

KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Claim:
    """The outcome of presenting a key: run the request, replay a response, or refuse."""

    row_id: int | None = None
    replay: tuple[int, str] | None = None
    refusal: tuple[int, str, str] | None = None  # status, code, message


def owner_of(principal: Principal) -> str:
    return f"{principal.client_id or '-'}:{principal.employee_id if principal.employee_id is not None else 'service'}"


def request_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


async def claim(principal: Principal, key: str, body: bytes) -> Claim:
    if not key or len(key) > MAX_KEY_LENGTH:
        return Claim(
            refusal=(400, "BAD_REQUEST", f"Idempotency-Key must have 1 to {MAX_KEY_LENGTH} characters.")
        )
    owner, digest = owner_of(principal), request_hash(body)
    await IdempotencyKey.filter(owner=owner, key=key, created_at__lt=datetime.now(UTC) - KEEP_FOR).delete()
    try:
        row = await IdempotencyKey.create(owner=owner, key=key, request_hash=digest)
        return Claim(row_id=row.id)
    except IntegrityError:
        existing = await IdempotencyKey.get_or_none(owner=owner, key=key)
    if existing is None:  # removed between our insert and read: let the client retry
        return Claim(
            refusal=(409, "IDEMPOTENCY_KEY_IN_USE", "This Idempotency-Key is being processed; retry.")
        )
    if existing.request_hash != digest:
        return Claim(
            refusal=(422, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for a different request.")
        )
    if existing.status_code is None:
        return Claim(
            refusal=(409, "IDEMPOTENCY_KEY_IN_USE", "The first request with this key is still running.")
        )
    return Claim(replay=(existing.status_code, existing.response_body or ""))


async def remember(row_id: int, status_code: int, body: str) -> None:
    await IdempotencyKey.filter(id=row_id).update(status_code=status_code, response_body=body)


async def forget(row_id: int) -> None:
    """The request failed on the server: a retry may run it again."""
    await IdempotencyKey.filter(id=row_id).delete()
