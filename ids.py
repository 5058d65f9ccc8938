"""THE codec of global IDs, for the API, subscription events, webhooks and the audit log.

A global ID is the unpadded URL-safe base64 of `"<Type>:<pk>"` (Strawberry's relay format).
Each object has exactly one ID string: decoding accepts only what `to_global_id` produces
(decode, re-encode, compare), so `Employee:010`, `Employee:١٢`, padded or standard base64
and base64 with trailing junk are refused instead of naming the same object twice.

Event positions (`Event.id`, `after:`, a webhook body's `eventId`) are plain decimal strings;
they order the log and are not node IDs.

This module imports nothing of ours, so every layer can use it.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any

# Primary keys of every node are `IntField`s: PostgreSQL's `integer`. A bigger number can name
# no row, and binding it would fail in the database, so it is refused here.
MAX_PK = 2**31 - 1
# Event ids and the keys of these node types are `BigIntField`s: PostgreSQL's `bigint`.
MAX_EVENT_ID = MAX_BIG_PK = 2**63 - 1
BIGINT_TYPES = frozenset({"WebhookDelivery"})
# "TrainingSession:2147483647" is 26 characters, 36 in base64; anything much longer is noise.
MAX_ID_LENGTH = 100

_TYPE_NAME = re.compile(r"[A-Z][A-Za-z]{0,40}")
_DECIMAL = re.compile(r"[1-9][0-9]{0,18}")
_POSITION = re.compile(r"0|[1-9][0-9]{0,18}")  # "0": before the first event
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


class InvalidId(ValueError):
    """An ID that names nothing. Carries its GraphQL error code, so it reaches the client."""

    code = "INVALID_ID"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = {"code": self.code}


def _show(value: object) -> str:
    # repr escapes control characters and lone surrogates, so the message is always printable.
    if isinstance(value, str) and len(value) > 60:
        value = value[:60] + "…"
    return repr(value)


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{int(pk)}".encode()).decode().rstrip("=")


def _decode(global_id: object) -> tuple[str, int] | None:
    if not isinstance(global_id, str) or len(global_id) > MAX_ID_LENGTH:
        return None
    if not _URLSAFE.fullmatch(global_id):
        return None
    try:
        text = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, colon, raw_pk = text.partition(":")
    if not colon or not _TYPE_NAME.fullmatch(type_name) or not _DECIMAL.fullmatch(raw_pk):
        return None
    pk = int(raw_pk)
    if pk > (MAX_BIG_PK if type_name in BIGINT_TYPES else MAX_PK) or to_global_id(type_name, pk) != global_id:
        return None
    return type_name, pk


def from_global_id(global_id: object, *, expected: str | tuple[str, ...] | None = None) -> tuple[str, int]:
    """(type name, primary key) of a canonical global ID, or `InvalidId`."""
    decoded = _decode(global_id)
    if decoded is None:
        raise InvalidId(f"{_show(global_id)} is not a valid ID.")
    type_name, pk = decoded
    allowed = (expected,) if isinstance(expected, str) else expected
    if allowed and type_name not in allowed:
        raise InvalidId(f"ID {_show(global_id)} is a {type_name}, expected {' or '.join(allowed)}.")
    return type_name, pk


def event_pk(value: object) -> int:
    """The number of an event position (a decimal string as the API shows it), or `InvalidId`."""
    text = value if isinstance(value, str) else None
    if text is None or not _POSITION.fullmatch(text) or int(text) > MAX_EVENT_ID:
        raise InvalidId(f"{_show(value)} is not an event ID: use an event's `id` as returned.")
    return int(text)


# --- event data ------------------------------------------------------------------------------
# The log stores references in an event's `data` as primary keys (subscription filters read
# them cheaply); everything shown outside (webhook bodies, the audit log) shows them as global
# IDs. A key ending in `Id`/`Ids` must be listed here: tests/api/graph/test_ids_everywhere.py fails when
# a workflow records one that is not.
REFERENCE_TYPES: dict[str, str] = {
    "actorId": "Employee",
    "affectedEmployeeIds": "Employee",
    "assigneeId": "Employee",
    "previousAssigneeId": "Employee",
    "creatorId": "Employee",
    "employeeId": "Employee",
    "instructorId": "Employee",
    "leadId": "Employee",
    "managerId": "Employee",
    "menteeId": "Employee",
    "mentorId": "Employee",
    "authorId": "Employee",
    "teamId": "Team",
    "parentId": "Team",
    "taskId": "Task",
    "mentorshipId": "Mentorship",
    "checkInId": "MentorshipCheckIn",
    "courseId": "TrainingCourse",
    "sessionId": "TrainingSession",
    "enrollmentId": "Enrollment",
    "promotedEnrollmentId": "Enrollment",
    "webhookId": "Webhook",
    "giverId": "Employee",
    "receiverId": "Employee",
    "requesterId": "Employee",
    "respondentId": "Employee",
}


def _public(type_name: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        return value  # null, or already a global ID
    return to_global_id(type_name, value)


def public_data(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """An event's `data` with every reference as a global ID, ready to leave the server."""
    shown: dict[str, Any] = {}
    for key, value in (data or {}).items():
        type_name = REFERENCE_TYPES.get(key)
        if type_name is None:
            shown[key] = value
        elif isinstance(value, list):
            shown[key] = [_public(type_name, v) for v in value]
        else:
            shown[key] = _public(type_name, value)
    return shown
