"""Bearer tokens on /graphql, checked by Starlette's `AuthenticationMiddleware`.

HTTP: `BearerTokens` reads the `Authorization` header once per request (auth/tokens.py
`authenticate`: the signature in-process, revocation in one statement). The request then carries
`request.user`, a `TokenUser` holding the Principal (or Starlette's `UnauthenticatedUser`
without a header), and `request.auth`, the token's scopes. A token that cannot be trusted is
answered by `refuse_token`: 401, code UNAUTHENTICATED, and `WWW-Authenticate` (RFC 6750).

WebSocket: browsers cannot set headers on the handshake, so the token travels in the
`connection_init` payload instead; the handshake passes as unauthenticated and the GraphQL
endpoint's `on_ws_connect` calls `principal_from_connection_params` (refusal: 4403).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError, BaseUser
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import Scope
from strawberry.exceptions import ConnectionRejectionError

from auth.principal import Principal
from auth.tokens import InvalidToken, authenticate, authenticate_token, www_authenticate_header
from resolvers.core.problems import ProblemCode
from web.errors import JSON, error_response
from web.graphql_request import negotiate


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


class BearerTokens(AuthenticationBackend):
    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        if conn.scope["type"] != "http":
            return None  # a WebSocket authenticates in connection_init (see the module docstring)
        try:
            principal = await authenticate(conn.headers.get("authorization"))
        except InvalidToken as exc:
            raise TokenRefused(exc.description) from None
        if principal is None:
            return None
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
