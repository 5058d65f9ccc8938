"""Input checks shared by the workflows; each raises `UserErrors` with the field at fault."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from tortoise.expressions import Q

from ids import InvalidId, event_pk, from_global_id
from resolvers.core.errors import ErrorCode, UserError, UserErrors
from resolvers.core.problems import BadInput, ProblemCode

# Bidi embeddings, overrides and isolates: they reorder how text around them is displayed
# ("Trojan source"), so a name could read differently from what it is.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\n\r\u2028\u2029")
_MULTILINE_WHITESPACE = frozenset("\t\n\r")
# Inputs whose text may span lines (tabs and line breaks kept); every other text is one line.
MULTILINE_FIELDS = frozenset(
    {"description", "bio", "notes", "goals", "comment", "query", "message", "body", "about"}
)


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be stored as text, or None. Refused: unpaired UTF-16 surrogates (no
    encoding can store them), NUL and other control characters, bidi controls, and in a
    single-line text any line break or tab. The reason names the character by code point."""
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs":
            reason = "an unpaired surrogate"
        elif ch in _BIDI_CONTROLS:
            reason = "a bidirectional-text control"
        elif multiline and ch in _MULTILINE_WHITESPACE:
            continue
        elif ch in _LINE_BREAKS or ch == "\t":
            reason = "a line break or tab (this text is a single line)"
        elif category == "Cc":
            reason = "a control character"
        else:
            continue
        return f"holds {reason} (U+{ord(ch):04X})"
    return None


MAX_SEARCH_LENGTH = 200


def search_condition(search: str | None, *fields: str) -> Q:
    """Rows where any of `fields` contains the search text (no condition without one)."""
    if not search:
        return Q()
    if len(search) > MAX_SEARCH_LENGTH:
        raise BadInput(
            f"A search is at most {MAX_SEARCH_LENGTH} characters long (this one has {len(search)}).",
            code=ProblemCode.SEARCH_TOO_LONG,
        )
    return Q(*(Q(**{f"{field}__icontains": search}) for field in fields), join_type=Q.OR)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


class Checks:
    """Collects every problem of an input, so the user sees them all at once."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def add(self, code: ErrorCode, message: str, *field: str) -> None:
        self.errors.append(UserError(code=code, message=message, field=("input", *field)))

    def text(
        self, value: str | None, name: str, *, max_length: int, required: bool = False, min_length: int = 0
    ) -> str | None:
        if value is None:
            if required:
                self.add(ErrorCode.REQUIRED, f"{name} is required.", name)
            return None
        value = value.strip()
        if required and not value:
            self.add(ErrorCode.REQUIRED, f"{name} must not be empty.", name)
        elif len(value) > max_length:
            self.add(
                ErrorCode.TOO_LONG,
                f"{name} is {len(value)} characters long; at most {max_length} are allowed.",
                name,
            )
        elif len(value) < min_length:
            self.add(ErrorCode.TOO_SHORT, f"{name} needs at least {min_length} characters.", name)
        return value

    def email(self, value: str | None, name: str = "email") -> str | None:
        value = self.text(value, name, max_length=254, required=True)
        if value and not _EMAIL.match(value):
            self.add(ErrorCode.INVALID_FORMAT, f"{value!r} is not an e-mail address.", name)
        return value.lower() if value else value

    def timezone(self, value: str | None, name: str = "timezone") -> str | None:
        if value is None:
            return None
        try:
            if value not in _zones():
                raise ZoneInfoNotFoundError(value)
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.add(
                ErrorCode.INVALID_FORMAT, f"{value!r} is not an IANA time zone such as Europe/Berlin.", name
            )
        return value

    def slug(self, value: str | None, name: str = "slug") -> str | None:
        value = self.text(value, name, max_length=120)
        if value and not _SLUG.match(value):
            self.add(
                ErrorCode.INVALID_FORMAT, "A slug has lowercase letters, digits and single hyphens.", name
            )
        return value

    def not_in_past(self, value: date | None, today: date, name: str) -> None:
        if value is not None and value < today:
            self.add(ErrorCode.IN_THE_PAST, f"{name} {value.isoformat()} lies in the past.", name)

    def skills(self, values: list[str] | None, name: str = "skills", *, most: int = 30) -> list[str] | None:
        if values is None:
            return None
        cleaned = list(dict.fromkeys(v.strip() for v in values if v.strip()))
        if len(cleaned) > most:
            self.add(ErrorCode.INVALID, f"At most {most} {name} are allowed.", name)
        for v in cleaned:
            if len(v) > 50:
                self.add(ErrorCode.TOO_LONG, f"{name}: {v[:20]!r}... is longer than 50 characters.", name)
        return cleaned

    def global_id(self, value: str | None, type_name: str, name: str) -> int | None:
        """The primary key behind an input ID, or an error on that field."""
        if value is None:
            return None
        try:
            return from_global_id(value, expected=type_name)[1]
        except InvalidId as exc:
            self.add(ErrorCode.INVALID_ID, f"{exc.message} Give the `id` of a {type_name}.", name)
            return None

    def event_id(self, value: str | None, name: str) -> int | None:
        """The number behind an event position, or an error on that field."""
        if value is None:
            return None
        try:
            return event_pk(value)
        except InvalidId as exc:
            self.add(ErrorCode.INVALID_ID, exc.message, name)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise UserErrors(*self.errors)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:120] or "team"
