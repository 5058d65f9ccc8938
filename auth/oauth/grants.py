"""The grants peoplegraph allows: client credentials, authorization code + PKCE, refresh.

Authlib's server is synchronous and runs in a worker thread; these hooks reach the async ORM
through `auth.oauth.bridge.call_async` (anyio.from_thread.run, keeping the ORM context).
"""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import (
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    UnauthorizedClientError,
)
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7636 import CodeChallenge

from auth.oauth import store
from auth.oauth.bridge import call_async

_CLIENT_AUTH = ["client_secret_basic", "client_secret_post", "none"]


class S256CodeChallenge(CodeChallenge):
    """PKCE with S256 only (`plain` protects nothing), required from public clients."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        client = grant.request.client
        if client is not None and client.public and not data.get("code_challenge"):
            raise InvalidRequestError("Public clients must send a PKCE 'code_challenge' (S256).")
        if data.get("code_challenge") and not data.get("code_challenge_method"):
            raise InvalidRequestError("Send 'code_challenge_method=S256'.")
        super().validate_code_challenge(grant, redirect_uri)


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = _CLIENT_AUTH

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        call_async(
            lambda: store.save_code(
                code,
                client_id=request.client.get_client_id(),
                employee_id=request.user.get_user_id(),
                # Empty when the request had none: the token request then need not repeat it
                # (RFC 6749 4.1.3); when it had one, the token request must send it exactly.
                redirect_uri=request.payload.redirect_uri or "",
                scope=request.scope or "",
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
            )
        )

    def query_authorization_code(self, code: str, client: Any) -> Any:
        return call_async(store.claim_code, code, client.get_client_id())

    def delete_authorization_code(self, authorization_code: Any) -> None:
        # Already marked used when claimed, so that a replay can be told from a typo.
        return None

    def authenticate_user(self, authorization_code: Any) -> Any:
        return call_async(store.get_owner, authorization_code.employee_id)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = _CLIENT_AUTH
    INCLUDE_NEW_REFRESH_TOKEN = True

    def validate_token_request(self) -> None:
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise UnauthorizedClientError("The client may not use 'grant_type=refresh_token'.")
        self.request.client = client
        value = self.request.form.get("refresh_token")
        if not value:
            raise InvalidRequestError("Missing 'refresh_token' in request.")
        # Scope first, on the stored token without using it: asking for more than the grant is
        # a client's mistake (invalid_scope), and the token must stay usable for its retry.
        current = call_async(store.find_refresh_token, value)
        asked = self.request.payload.scope
        if (
            current is not None
            and current.check_client(client)
            and asked
            and not set(scope_to_list(asked)) <= set(scope_to_list(current.scope))
        ):
            raise InvalidScopeError("The refresh request asks for more scope than the sign-in granted.")
        # Claimed before anything else can fail, so two concurrent uses cannot both succeed.
        row = call_async(store.claim_refresh_token, value, client.get_client_id())
        if row is None:
            raise InvalidGrantError("The refresh token is invalid, expired or revoked.")
        self.request.refresh_token = row

    def authenticate_user(self, refresh_token: Any) -> Any:
        if refresh_token.employee_id is None:
            return None
        return call_async(store.get_owner, refresh_token.employee_id)

    def revoke_old_credential(self, refresh_token: Any) -> None:
        # Marked rotated when claimed; it stays in the family for reuse detection.
        return None
