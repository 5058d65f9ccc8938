"""Bearer tokens on /graphql, checked by Starlette's `AuthenticationMiddleware`.

HTTP: `BearerTokens` reads the `Authorization` header once per request (auth/tokens.py
`authenticate`: the signature in-process, revocation in one statement). A header whose token was
verified in the last `VERIFIED_TTL` seconds skips the signature check (`VerifiedTokens`); a token
found not revoked lately skips the statement only while every revocation reaches this process at
once (web/token_checks.py: with Redis): a revoked token is refused at once either way. The request then carries
`request.user`, a `TokenUser` holding the Principal (or Starlette's `UnauthenticatedUser`
without a header), and `request.auth`, the token's scopes. A token that cannot be trusted is
answered by `refuse_token`: 401, code UNAUTHENTICATED, and `WWW-Authenticate` (RFC 6750).

WebSocket: browsers cannot set headers on the handshake, so the token travels in the
`connection_init` payload instead; the handshake passes as unauthenticated and the GraphQL
endpoint's `on_ws_connect` calls `principal_from_connection_params` (refusal: 4403).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError, BaseUser
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import Scope
from strawberry.exceptions import ConnectionRejectionError

from auth.principal import Principal
from auth.tokens import (
    REVOKED_MESSAGE,
    InvalidToken,
    authenticate_token,
    verify_header,
    www_authenticate_header,
)
from resolvers.core.problems import ProblemCode
from web.errors import JSON, error_response
from web.graphql_request import negotiate
from web.token_checks import revoked


@dataclass(frozen=True)
class TokenUser(BaseUser):
    """`request.user` of a request with a valid bearer token."""

    principal: Principal

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.identity

    @property
    def identity(self) -> str:
        employee = self.principal.employee_id
        return str(employee) if employee is not None else self.principal.client_id or ""


class TokenRefused(AuthenticationError):
    """The bearer token cannot be trusted; the message is safe to show the client."""


VERIFIED_TTL = 60.0  # how long a key retired by `peoplegraph keys rotate` may still be trusted
MAX_VERIFIED = 1024


class VerifiedTokens:
    """`Authorization` headers whose token's signature and claims were verified lately, with
    their Principal: the ES256 check is the costliest part of a cached read. Bounded (least
    recently used out), each entry kept at most `ttl` seconds and never past the token's `exp`."""

    def __init__(
        self, size: int = MAX_VERIFIED, ttl: float = VERIFIED_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.size, self.ttl, self.clock = size, ttl, clock
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    def get(self, header: str) -> Principal | None:
        entry = self._entries.get(header)
        if entry is None:
            return None
        verified_at, principal = entry
        if self.clock() - verified_at > self.ttl or time.time() >= (principal.expires_at or 0):
            del self._entries[header]
            return None
        self._entries.move_to_end(header)
        return principal

    def put(self, header: str, principal: Principal) -> None:
        self._entries[header] = (self.clock(), principal)
        self._entries.move_to_end(header)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


VERIFIED = VerifiedTokens()


async def _principal(header: str | None) -> Principal | None:
    """auth/tokens.py `authenticate`: the signature unless this header was verified lately, and
    revocation by the statement unless this process may trust its recent answer for the token
    (web/token_checks.py). A revoked token is refused either way."""
    principal = VERIFIED.get(header) if header else None
    if principal is None:
        principal = verify_header(header)
        if principal is None:
            return None
        fresh = True
    else:
        fresh = False
    if await revoked(principal):
        raise InvalidToken(REVOKED_MESSAGE)
    if fresh and header:
        VERIFIED.put(header, principal)
    return principal


# Where the lean front (web/front.py) leaves what `token_outcome` found before handing the
# request to the full stack, which then does not check the token again.
TOKEN_READ = "peoplegraph.token_read"


async def token_outcome(header: str | None) -> Principal | Exception | None:
    """`_principal`, its exception returned rather than raised (for `TOKEN_READ`)."""
    try:
        return await _principal(header)
    except Exception as exc:
        return exc


class BearerTokens(AuthenticationBackend):
    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        if conn.scope["type"] != "http":
            return None  # a WebSocket authenticates in connection_init (see the module docstring)
        try:
            if TOKEN_READ in conn.scope:
                principal = conn.scope.pop(TOKEN_READ)
                if isinstance(principal, Exception):
                    raise principal
            else:
                principal = await _principal(conn.headers.get("authorization"))
        except InvalidToken as exc:
            raise TokenRefused(exc.description) from None
        if principal is None:
            return None
        return credentials(principal)


def credentials(principal: Principal) -> tuple[AuthCredentials, TokenUser]:
    """`request.auth` and `request.user` of a request acting for `principal`."""
    return AuthCredentials(sorted(principal.scopes)), TokenUser(principal)


def refuse_token(conn: HTTPConnection, exc: AuthenticationError) -> Response:
    """The answer to an untrustworthy token, in the media type the client asked for."""
    return error_response(
        401,
        ProblemCode.UNAUTHENTICATED,
        str(exc),
        headers={"WWW-Authenticate": www_authenticate_header(str(exc))},
        media_type=negotiate(conn.headers.get("accept")) or JSON,
    )


def principal_of(scope: Scope) -> Principal | None:
    """Who the request acts for, as `BearerTokens` found it; None when anonymous."""
    user = scope.get("user")
    return user.principal if isinstance(user, TokenUser) else None


async def principal_from_connection_params(params: Mapping[str, object] | None) -> Principal:
    """The Principal of a `connection_init` payload `{"Authorization": "Bearer <token>"}` (any case
    of the key); ConnectionRejectionError (close 4403) without a valid token."""
    header = next(
        (v for k, v in (params or {}).items() if k.lower() == "authorization" and isinstance(v, str)),
        None,
    )
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ConnectionRejectionError(
            {"message": "Send `Authorization: Bearer <token>` in connection_init."}
        )
    try:
        return await authenticate_token(token)
    except InvalidToken as exc:
        raise ConnectionRejectionError({"message": exc.description}) from None
