"""Checking access tokens: RFC 9068 JWTs signed by our keys, not revoked.

The API calls `authenticate(request.headers.get("authorization"))` per HTTP request and
`authenticate_token(token)` for a WebSocket's connection_init. Signature and claims are
checked in-process (pure CPU); revocation is one statement (`is_revoked`; web/token_checks.py
runs it per request unless the process may trust a recent answer): three
indexed lookups that refuse a token revoked by its jti (or with its refresh-token family), a token
of a revoked client, and a token of an employee who has left. So a revocation or a termination
takes effect on the next request, not when the token expires.

Token format: header `typ: at+jwt`, `alg: ES256`, `kid`; claims `iss` and `aud` (both the
issuer URL, `settings.issuer`), `sub` (the employee id as a string, or the client id for a
service token), `client_id`, `scope`, `jti`, `iat`, `exp`; `trusted_documents_only: true` when
the client runs only its registered documents (auth/oauth/documents.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import extract_compact
from joserfc.jwt import JWTClaimsRegistry
from tortoise.connection import connections

import db_reads
from auth.keys import ALGORITHM, KeyRing, load_keys
from auth.principal import Principal
from auth.scopes import parse_scopes
from config import Settings
from models.employees import Employee, EmployeeStatus
from models.oauth import OAuthClient, OAuthToken

# The claim of a token whose client runs only its registered documents.
TRUSTED_DOCUMENTS_ONLY = "trusted_documents_only"

_RELOAD_INTERVAL = 5.0
REVOKED_MESSAGE = "The access token has been revoked."


class InvalidToken(Exception):
    """The bearer token cannot be trusted; `description` is safe to show the client."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass
class _State:
    settings: Settings
    keys: KeyRing
    loaded_at: float


_state: _State | None = None


def configure(settings: Settings) -> KeyRing:
    """Load (or create) the signing keys; called by `auth.oauth.routes.startup`."""
    global _state
    keys = load_keys(settings.data_dir)
    _state = _State(settings=settings, keys=keys, loaded_at=time.monotonic())
    return keys


def is_configured() -> bool:
    return _state is not None


def current_state() -> _State:
    if _state is None:
        raise RuntimeError("auth is not started: call auth.oauth.routes.startup(settings) first")
    return _state


def audience() -> str:
    """The `aud` of every access token: the API is one resource, named by the issuer URL."""
    return current_state().settings.issuer


def _keys_for(kid: str | None) -> KeyRing:
    # Another worker (or `peoplegraph keys rotate`) may have made a key this process has not
    # seen yet: look at the folder again, at most every few seconds.
    state = current_state()
    if kid and not state.keys.has_kid(kid) and time.monotonic() - state.loaded_at > _RELOAD_INTERVAL:
        state.keys = load_keys(state.settings.data_dir, create=False)
        state.loaded_at = time.monotonic()
    return state.keys


def _peek_kid(token: str) -> str | None:
    try:
        return extract_compact(token.encode()).headers().get("kid")
    except (JoseError, ValueError):
        return None


def decode_access_token(token: str, *, now: int | None = None) -> dict[str, Any]:
    """Verify signature, header and claims; return the claims or raise InvalidToken."""
    state = current_state()
    if token.count(".") != 2:
        raise InvalidToken("The access token is malformed.")
    keys = _keys_for(_peek_kid(token))
    try:
        decoded = jwt.decode(token, keys.keys, algorithms=[ALGORITHM])
    except JoseError as exc:
        raise InvalidToken("The access token signature is invalid.") from exc
    except (ValueError, TypeError) as exc:
        raise InvalidToken("The access token is malformed.") from exc
    if decoded.header.get("typ", "").lower() not in {"at+jwt", "application/at+jwt"}:
        raise InvalidToken("The token is not an access token.")
    registry = JWTClaimsRegistry(
        now=now if now is not None else int(time.time()),
        iss={"essential": True, "value": state.settings.issuer},
        aud={"essential": True, "value": audience()},
        exp={"essential": True},
        sub={"essential": True},
        jti={"essential": True},
        client_id={"essential": True},
    )
    try:
        registry.validate(decoded.claims)
    except JoseError as exc:
        message = "The access token has expired." if exc.error == "expired_token" else exc.description
        raise InvalidToken(message or "The access token is invalid.") from exc
    return decoded.claims


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    sub = str(claims["sub"])
    client_id = str(claims["client_id"])
    employee_id = int(sub) if sub != client_id and sub.isdigit() else None
    return Principal(
        scopes=parse_scopes(claims.get("scope")),
        client_id=client_id,
        employee_id=employee_id,
        token_id=str(claims["jti"]),
        expires_at=int(claims["exp"]),
        trusted_documents_only=claims.get(TRUSTED_DOCUMENTS_ONLY) is True,
    )


def _refusal_sql(dialect: str) -> str:
    mark = ["$1", "$2", "$3"] if dialect == "postgres" else ["?", "?", "?"]
    tokens, clients = OAuthToken._meta.db_table, OAuthClient._meta.db_table
    return (
        f"SELECT 1 AS refused WHERE EXISTS (SELECT 1 FROM {tokens}"
        f" WHERE access_token_jti = {mark[0]} AND revoked_at IS NOT NULL)"
        f" OR EXISTS (SELECT 1 FROM {clients} WHERE client_id = {mark[1]} AND revoked_at IS NOT NULL)"
        f" OR EXISTS (SELECT 1 FROM {Employee._meta.db_table} WHERE id = {mark[2]}"
        f" AND status = '{EmployeeStatus.TERMINATED.value}')"
    )


async def is_revoked(principal: Principal) -> bool:
    """Whether the token may no longer be used: revoked by jti or with its refresh-token family,
    its client revoked, or its employee terminated. One statement, whatever the cause."""
    conn = connections.get("default")
    values = [principal.token_id or "", principal.client_id or "", principal.employee_id or -1]
    return bool(await db_reads.rows(_refusal_sql(conn.capabilities.dialect), values, conn))


async def authenticate_token(token: str) -> Principal:
    """Verify a bare access token (WebSocket connection_init) and return who it acts for."""
    principal = principal_from_claims(decode_access_token(token.strip()))
    if await is_revoked(principal):
        raise InvalidToken(REVOKED_MESSAGE)
    return principal


def verify_header(authorization_header: str | None) -> Principal | None:
    """None without a header; the Principal of a bearer token whose signature and claims are
    valid (its revocation is not checked here); InvalidToken otherwise."""
    if authorization_header is None or not authorization_header.strip():
        return None
    scheme, _, token = authorization_header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Use the Bearer authorization scheme with an access token.")
    return principal_from_claims(decode_access_token(token.strip()))


async def authenticate(authorization_header: str | None) -> Principal | None:
    """None without a header; the Principal for a valid bearer token; InvalidToken otherwise."""
    principal = verify_header(authorization_header)
    if principal is not None and await is_revoked(principal):
        raise InvalidToken(REVOKED_MESSAGE)
    return principal


def www_authenticate_header(error_description: str) -> str:
    """The WWW-Authenticate value for a 401 caused by a bad token (RFC 6750 section 3)."""
    safe = error_description.replace("\\", "").replace('"', "'")
    return f'Bearer error="invalid_token", error_description="{safe}"'
