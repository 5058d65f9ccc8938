"""Standard Webhooks signing: secrets, the three headers, and verification.

A secret is `whsec_` + base64 of random bytes; the HMAC key is the decoded bytes. During a
secret rotation both the current and the previous secret sign, so a receiver holding either
one verifies (the spec allows several space-separated `v1,` signatures).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64 HMAC-SHA256>` signature of `{id}.{timestamp}.{body}`."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_headers(
    secrets_: Iterable[str], msg_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers for one attempt.

    The timestamp is the attempt's own time (not the event's), so receivers can reject
    replays by age while retries still verify.
    """
    ts = int(time.time()) if timestamp is None else timestamp
    signatures = " ".join(sign(s, msg_id, ts, body) for s in secrets_)
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": signatures}


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """Receiver-side check (used by tests and the benchmark); constant-time comparison."""
    try:
        ts = int(headers["webhook-timestamp"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - ts) > tolerance:
        return False
    expected = sign(secret, headers.get("webhook-id", ""), ts, body)
    offered = headers.get("webhook-signature", "").split(" ")
    return any(hmac.compare_digest(expected, sig) for sig in offered)
