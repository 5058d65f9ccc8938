"""Opaque global IDs: base64 of "Type:pk", as Relay clients expect."""

from __future__ import annotations

import base64
import binascii

from resolvers.problems import BadInput


def to_global_id(type_name: str, pk: int | str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def from_global_id(global_id: str, *, expected: str | tuple[str, ...] | None = None) -> tuple[str, int]:
    """Decode a global ID to (type name, primary key), or raise a clear BAD_USER_INPUT error."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, raw_pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        pk = int(raw_pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadInput(f"{global_id!r} is not a valid ID.", code="INVALID_ID") from None
    if not type_name or pk <= 0:
        raise BadInput(f"{global_id!r} is not a valid ID.", code="INVALID_ID")
    allowed = (expected,) if isinstance(expected, str) else expected
    if allowed and type_name not in allowed:
        raise BadInput(
            f"ID {global_id!r} is a {type_name}, expected {' or '.join(allowed)}.", code="INVALID_ID"
        )
    return type_name, pk
