"""The syntax of OAuth request parameters (RFC 6749 appendix A, RFC 7636 section 4.1), checked
before Authlib sees a request.

Authlib copies some values (`response_type`, `grant_type`, `redirect_uri`) into error
descriptions, and refuses, with a ValueError, the characters RFC 6749 forbids there: a `"` or
`\\` in one of them was an HTTP 500. Checking every parameter we understand against its grammar
first turns any such value into the RFC's own error, and keeps NUL bytes and huge values away
from the database.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

# Long enough for any value a real client sends (a JWT access token to revoke is ~1 KB).
MAX_VALUE_LENGTH = 4096
MAX_PARAMETERS = 64

_VSCHAR = r"[\x20-\x7e]"
_NQCHAR = r"[\x21\x23-\x5b\x5d-\x7e]"
_UNRESERVED = r"[A-Za-z0-9\-._~]"
# RFC 3986 characters: printable ASCII without space, quote, backslash, <, >, ^, `, {, |, }.
_URI_CHAR = r"[!#-;=?-\[\]_a-z~]"

_GRAMMAR: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "client_id": f"{_VSCHAR}+",
        "client_secret": f"{_VSCHAR}*",
        "response_type": r"[A-Za-z0-9_]+( [A-Za-z0-9_]+)*",
        "scope": f"{_NQCHAR}+( {_NQCHAR}+)*",
        "state": f"{_VSCHAR}+",
        "redirect_uri": f"{_URI_CHAR}+",
        "grant_type": f"{_URI_CHAR}+",
        "code": f"{_VSCHAR}+",
        "refresh_token": f"{_VSCHAR}+",
        "code_verifier": f"{_UNRESERVED}{{43,128}}",
        "code_challenge": f"{_UNRESERVED}{{43,128}}",
        "code_challenge_method": f"{_UNRESERVED}+",
        "token": f"{_VSCHAR}+",
        "token_type_hint": r"[A-Za-z0-9\-._]+",
        "prompt": r"[a-z_]+( [a-z_]+)*",
        "login_hint": f"{_VSCHAR}+",
        "nonce": f"{_VSCHAR}+",
        "response_mode": r"[a-z_.]+",
    }.items()
}

# Without a client and a redirect URI we can trust, an error must not be redirected.
TRUST = ("client_id", "redirect_uri")


@dataclass(frozen=True)
class Problem:
    """What is wrong with a request, as an RFC 6749 error code and a safe description."""

    error: str
    description: str
    parameter: str | None = None


def _error_for(name: str) -> str:
    return "invalid_scope" if name == "scope" else "invalid_request"


def find_problem(
    items: Sequence[tuple[str, str]],
    names: Iterable[str] | None = None,
    required: Iterable[str] = (),
) -> Problem | None:
    """The first parameter (of `names`, default all we know) that breaks its grammar or repeats,
    or the first `required` one that is missing.

    Unknown parameters are ignored, as RFC 6749 section 3.1 asks, except for their number.
    """
    if len(items) > MAX_PARAMETERS:
        return Problem("invalid_request", "The request has too many parameters.")
    checked = set(names) if names is not None else set(_GRAMMAR)
    seen: set[str] = set()
    for name, value in items:
        if name not in checked or name not in _GRAMMAR:
            continue
        if name in seen:
            return Problem(_error_for(name), f"The '{name}' parameter is repeated.", name)
        seen.add(name)
        if name == "state" and value == "":
            continue  # an empty state is the same as none
        if len(value) > MAX_VALUE_LENGTH or not _GRAMMAR[name].fullmatch(value):
            return Problem(_error_for(name), f"The '{name}' parameter is malformed.", name)
    for name in required:
        if name not in seen:
            return Problem("invalid_request", f"The '{name}' parameter is missing.", name)
    return None


def is_valid(name: str, value: str) -> bool:
    return len(value) <= MAX_VALUE_LENGTH and bool(_GRAMMAR[name].fullmatch(value))


def basic_credentials(header: str | None) -> tuple[str, str] | Problem | None:
    """The (client_id, client_secret) of a Basic Authorization header, a Problem when it is
    malformed (not base64, not UTF-8, no colon, bad characters), None when there is none.

    RFC 6749 section 2.3.1: both halves are form-urlencoded before they are joined.
    """
    if header is None or not header.strip():
        return None
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        client_id, colon, secret = decoded.partition(":")
        client_id, secret = unquote(client_id, errors="strict"), unquote(secret, errors="strict")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        client_id, colon, secret = "", "", ""
    if not colon or not is_valid("client_id", client_id) or not is_valid("client_secret", secret):
        return Problem("invalid_client", "The Basic authorization header is malformed.")
    return client_id, secret


class MalformedBody(Exception):
    """The body is not a form we can read (too large a field, too many fields, bad multipart)."""


async def read_form(request: Request) -> list[tuple[str, str]]:
    """The form fields of a POST, bounded like the parameters.

    RFC 6749 sends every form as application/x-www-form-urlencoded (sections 3.2, 4.1.3);
    another content type (multipart, JSON) is refused rather than read as nothing.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in {"", "application/x-www-form-urlencoded"}:
        raise MalformedBody("Send the parameters as application/x-www-form-urlencoded.")
    try:
        form = await request.form(max_fields=MAX_PARAMETERS, max_part_size=3 * MAX_VALUE_LENGTH + 64)
    except (HTTPException, MultiPartException) as exc:
        raise MalformedBody("The request body is not a readable form.") from exc
    return [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
