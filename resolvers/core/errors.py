"""Expected failures are data: user errors with a stable code and the input field at fault."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable codes of user errors; clients branch on these, never on messages."""

    INVALID = "invalid"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    INVALID_FORMAT = "invalid_format"
    NOT_FOUND = "not_found"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    INVALID_TRANSITION = "invalid_transition"
    IN_THE_PAST = "in_the_past"
    CYCLE = "cycle"
    NOT_ALLOWED = "not_allowed"
    ALREADY_EXISTS = "already_exists"
    FULL = "full"
    CLOSED = "closed"
    NOT_STARTED = "not_started"
    PRIVATE_ADDRESS = "private_address"
    INVALID_ID = "invalid_id"
    INVALID_CHARACTERS = "invalid_characters"
    PREREQUISITES_MISSING = "prerequisites_missing"


@dataclass(frozen=True)
class UserError:
    code: ErrorCode
    message: str
    field: tuple[str, ...] | None = None


class UserErrors(Exception):
    """Raised inside a mutation's transaction to roll it back and report errors as data."""

    def __init__(self, *errors: UserError) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)


def user_error(code: ErrorCode, message: str, *field: str) -> UserErrors:
    return UserErrors(UserError(code=code, message=message, field=tuple(field) or None))
