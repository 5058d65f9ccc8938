"""Opaque keyset cursors: base64url of JSON `[list key, sort value, id]`.

The list key names the connection and its order, so a cursor from another list (or another
order) is refused instead of silently returning the wrong page. Decoding checks the sort value
against the sort column's type (a date for a date column, an integer in range for a number, null
only where the column is nullable), so whatever a client sends, the database is only ever asked
with a value of the column's own type: anything else is `INVALID_CURSOR`, never a server error.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise import fields as tfields

from resolvers.core.problems import BadInput, ProblemCode

# Far longer than any cursor this module writes (a list key, a 255-character value, an id).
MAX_CURSOR_LENGTH = 2048
_MAX_ID = 2**63 - 1  # PostgreSQL's bigint; larger numbers cannot name a row


class _Malformed(ValueError):
    pass


def encode_cursor(list_key: str, value: Any, pk: int) -> str:
    if isinstance(value, datetime | date):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    raw = json.dumps([list_key, value, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, list_key: str, field: tfields.Field[Any]) -> tuple[Any, int]:
    """The sort value (as the column's Python type, or None) and the id a cursor points at."""
    try:
        key, raw_value, pk = _parse(cursor)
    except (_Malformed, binascii.Error, ValueError, TypeError, UnicodeDecodeError, RecursionError):
        raise BadInput(f"{cursor[:100]!r} is not a valid cursor.", code=ProblemCode.INVALID_CURSOR) from None
    if key != list_key:
        raise BadInput(
            "This cursor belongs to another list or another order; use a cursor from this connection.",
            code=ProblemCode.INVALID_CURSOR,
        )
    try:
        return _typed(field, raw_value), pk
    except (_Malformed, ValueError, TypeError, InvalidOperation, UnicodeEncodeError):
        raise BadInput(
            "This cursor does not fit this list's order; use a cursor from this connection.",
            code=ProblemCode.INVALID_CURSOR,
        ) from None


def _parse(cursor: str) -> tuple[Any, Any, int]:
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        raise _Malformed
    padded = cursor + "=" * (-len(cursor) % 4)
    decoded = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    if not isinstance(decoded, list) or len(decoded) != 3:
        raise _Malformed
    key, value, pk = decoded
    if not isinstance(key, str) or type(pk) is not int or not 0 < pk <= _MAX_ID:
        raise _Malformed
    return key, value, pk


def _typed(field: tfields.Field[Any], value: Any) -> Any:
    """The cursor's JSON value as the column's type; raises on anything that does not fit."""
    if value is None:
        if not field.null:
            raise _Malformed
        return None
    if isinstance(field, tfields.DatetimeField):
        parsed = datetime.fromisoformat(_text(value))
        if parsed.tzinfo is None:  # every stored time is aware; a naive one cannot be compared
            raise _Malformed
        return parsed
    if isinstance(field, tfields.DateField):
        return date.fromisoformat(_text(value))
    if isinstance(field, tfields.DecimalField):
        number = Decimal(_text(value))
        if not number.is_finite():
            raise _Malformed
        return number
    if isinstance(field, tfields.IntField):
        if type(value) is not int or abs(value) > _MAX_ID:
            raise _Malformed
        return value
    if isinstance(field, tfields.FloatField):
        if type(value) not in (int, float):
            raise _Malformed
        return float(value)
    if isinstance(field, tfields.BooleanField):
        if type(value) is not bool:
            raise _Malformed
        return value
    return _text(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise _Malformed
    value.encode()  # a lone surrogate cannot be sent to the database: UnicodeEncodeError
    return value
