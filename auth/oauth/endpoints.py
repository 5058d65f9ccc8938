"""Token revocation (RFC 7009) and introspection (RFC 7662) for both kinds of token.

Refresh tokens are found by their digest; access tokens are JWTs, verified, and revoked by
recording their `jti` (Authlib's JWT revocation endpoint refuses to revoke them at all).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from authlib.oauth2.rfc7009 import RevocationEndpoint as _RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint as _IntrospectionEndpoint

from auth import tokens
from auth.oauth import store
from auth.oauth.bridge import call_async


@dataclass(frozen=True)
class TokenRecord:
    """What either endpoint needs to know about a presented token."""

    kind: str  # "access_token" | "refresh_token"
    client_id: str
    employee_id: int | None
    scope: str
    issued_at: int
    expires_at: int
    jti: str | None = None
    family_id: str | None = None
    revoked: bool = False

    def check_client(self, client: Any) -> bool:
        client_id: str = client.get_client_id()
        return self.client_id == client_id

    def is_expired(self) -> bool:
        return self.expires_at <= int(datetime.now(UTC).timestamp())

    def is_revoked(self) -> bool:
        return self.revoked


def _find_token(value: str, hint: str | None) -> TokenRecord | None:
    if hint != "access_token":
        refresh = call_async(store.find_refresh_token, value)
        if refresh is not None:
            return TokenRecord(
                kind="refresh_token",
                client_id=refresh.client_id,
                employee_id=refresh.employee_id,
                scope=refresh.scope,
                issued_at=int(refresh.issued_at.timestamp()),
                expires_at=int(refresh.expires_at.timestamp()),
                family_id=refresh.family_id,
                revoked=refresh.revoked_at is not None or refresh.rotated_at is not None,
            )
    try:
        claims = tokens.decode_access_token(value)
    except tokens.InvalidToken:
        return None
    principal = tokens.principal_from_claims(claims)
    return TokenRecord(
        kind="access_token",
        client_id=principal.client_id or "",
        employee_id=principal.employee_id,
        scope=str(claims.get("scope", "")),
        issued_at=int(claims.get("iat", 0)),
        expires_at=int(claims["exp"]),
        jti=principal.token_id,
        revoked=call_async(tokens.is_revoked, principal),
    )


class RevocationEndpoint(_RevocationEndpoint):
    # Public clients (GraphiQL, mobile apps) sign out too: they identify with client_id only.
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenRecord | None:
        return _find_token(token_string, token_type_hint)

    def revoke_token(self, token: TokenRecord, request: Any) -> None:
        if token.kind == "refresh_token":
            # Revoking a refresh token ends the whole sign-in: every token of its family.
            call_async(store.revoke_family, token.family_id or "")
        elif token.jti:
            call_async(
                lambda: store.revoke_access_token(
                    token.jti or "",
                    client_id=token.client_id,
                    employee_id=token.employee_id,
                    expires_at=token.expires_at,
                )
            )


class IntrospectionEndpoint(_IntrospectionEndpoint):
    # Only confidential clients (resource servers, services) may ask.
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenRecord | None:
        return _find_token(token_string, token_type_hint)

    def check_permission(self, token: TokenRecord, client: Any, request: Any) -> bool:
        # A client learns about its own tokens only; a registered resource server about any
        # (RFC 7662 section 4: a token scanner must get nothing). Others see {"active": false}.
        return bool(token.check_client(client) or client.resource_server)

    def introspect_token(self, token: TokenRecord) -> dict[str, Any]:
        settings = tokens.current_state().settings
        payload: dict[str, Any] = {
            "active": True,
            "token_type": "Bearer" if token.kind == "access_token" else "refresh_token",
            "client_id": token.client_id,
            "scope": token.scope,
            "sub": str(token.employee_id) if token.employee_id is not None else token.client_id,
            "iss": settings.issuer,
            "aud": tokens.audience(),
            "iat": token.issued_at,
            "exp": token.expires_at,
        }
        if token.jti:
            payload["jti"] = token.jti
        return payload
