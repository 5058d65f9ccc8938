"""Idempotent retries: the first committed response to a key is replayed to every retry.

A key belongs to one client and subject. Its row is written in the same transaction as the
mutation and its response (see web/idempotency.py), so after any crash a retry finds
either the committed answer or nothing, and then runs the mutation once. A replay is given only
to a token holding every scope of the first one: the stored response may contain fields that a
narrower token could not read.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from auth.principal import Principal
from models.idempotency import IdempotencyKey
from resolvers.core.problems import ProblemCode

log = logging.getLogger("peoplegraph.idempotency")
KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


@dataclass(frozen=True)
class Replay:
    status: int
    body: str


def owner_of(principal: Principal) -> str:
    subject = principal.employee_id if principal.employee_id is not None else "service"
    return f"{principal.client_id or '-'}:{subject}"


def request_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def invalid_key(key: str) -> Refusal | None:
    if not key or len(key) > MAX_KEY_LENGTH:
        return Refusal(
            400, ProblemCode.BAD_REQUEST, f"Idempotency-Key must have 1 to {MAX_KEY_LENGTH} characters."
        )
    return None


def _expiry() -> datetime:
    return datetime.now(UTC) - KEEP_FOR


async def answer_for(principal: Principal, key: str, body: bytes) -> Replay | Refusal | None:
    """What an earlier, committed use of `key` means for this request; None when there is none."""
    existing = await IdempotencyKey.get_or_none(owner=owner_of(principal), key=key, created_at__gte=_expiry())
    if existing is None:
        return None
    if existing.request_hash != request_hash(body):
        return Refusal(
            422, ProblemCode.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was used for a different request."
        )
    missing = set(existing.scopes.split()) - principal.scopes
    if missing:
        return Refusal(
            403,
            ProblemCode.IDEMPOTENCY_KEY_FORBIDDEN,
            "This Idempotency-Key was first used by a token with more scopes "
            f"({' '.join(sorted(missing))}); replay it with such a token or use a new key.",
        )
    if existing.status_code is None:  # defensive: such a row is never committed
        return Refusal(
            409, ProblemCode.IDEMPOTENCY_KEY_IN_USE, "The first request with this key is still running."
        )
    return Replay(existing.status_code, existing.response_body or "")


async def claim(conn: BaseDBAsyncClient, principal: Principal, key: str, body: bytes) -> int | None:
    """Insert the key in the caller's transaction; None when another transaction committed it.

    On PostgreSQL the insert waits while a concurrent request holds the same key uncommitted.
    After None, the caller must roll back: PostgreSQL has aborted the transaction.
    """
    owner = owner_of(principal)
    await IdempotencyKey.filter(owner=owner, key=key, created_at__lt=_expiry()).using_db(conn).delete()
    try:
        row = await IdempotencyKey.create(
            owner=owner,
            key=key,
            request_hash=request_hash(body),
            scopes=" ".join(sorted(principal.scopes)),
            using_db=conn,
        )
    except IntegrityError:
        return None
    return row.id


async def remember(conn: BaseDBAsyncClient, row_id: int, status_code: int, body: str) -> None:
    await IdempotencyKey.filter(id=row_id).using_db(conn).update(status_code=status_code, response_body=body)


async def sweep() -> int:
    """Delete every key past its 24 hours; returns how many."""
    return await IdempotencyKey.filter(created_at__lt=_expiry()).delete()


async def sweep_forever(interval: float, on_pass: Callable[[int], None] | None = None) -> None:
    """Sweep now and then every `interval` seconds, until cancelled (the server's lifespan)."""
    while True:
        try:
            swept = await sweep()
        except Exception:  # the database may be away for a moment: try again next time
            log.exception("sweeping idempotency keys failed")
        else:
            if on_pass is not None:
                on_pass(swept)
        await asyncio.sleep(interval)
