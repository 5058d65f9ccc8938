"""The Authlib authorization server, adapted to Starlette and to our storage.

Everything here is synchronous and runs in a worker thread (`anyio.to_thread.run_sync`); storage
is reached with `auth.oauth.bridge.call_async`. Requests are read (`await request.form()`) on the event
loop first and handed over as a `PlainOAuth2Request`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc.jwk import KeySet

from auth import tokens
from auth.keys import ALGORITHM
from auth.oauth import store
from auth.oauth.bridge import call_async
from auth.oauth.endpoints import IntrospectionEndpoint, RevocationEndpoint
from auth.oauth.grants import (
    AuthorizationCodeGrant,
    ClientCredentialsGrant,
    RefreshTokenGrant,
    S256CodeChallenge,
)
from auth.oauth.records import ClientInfo
from auth.scopes import ALL_SCOPES
from config import Settings

Response = tuple[int, Any, list[tuple[str, str]]]


class _Payload(OAuth2Payload):
    def __init__(self, datalist: dict[str, list[str]]) -> None:
        self._datalist = datalist
        self._data = {key: values[0] for key, values in datalist.items() if values}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> Any:
        return self._datalist


class PlainOAuth2Request(OAuth2Request):
    """An OAuth2Request built from values already read from a Starlette request."""

    def __init__(
        self,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        query: list[tuple[str, str]],
        form: list[tuple[str, str]],
    ) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._args = dict(query)
        self._form = dict(form)
        merged: dict[str, list[str]] = {}
        for key, value in [*query, *form]:
            merged.setdefault(key, []).append(value)
        self.payload = _Payload(merged)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


def _unverified_claims(access_token: str) -> dict[str, Any]:
    """Read the claims of a token we just signed (no need to verify our own signature)."""
    part = access_token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return claims


class AccessTokenGenerator(JWTBearerTokenGenerator):
    """RFC 9068 access tokens signed with the current key, audience = the issuer URL."""

    def get_jwks(self) -> KeySet:
        return tokens.current_state().keys.signing_set

    def get_audiences(self, client: Any, user: Any, scope: str) -> str:
        return tokens.audience()

    def get_extra_claims(self, client: Any, grant_type: str, user: Any, scope: str) -> dict[str, Any]:
        # The client runs only its registered documents (auth/oauth/documents.py): said in the
        # token, so no request looks it up.
        return (
            {tokens.TRUSTED_DOCUMENTS_ONLY: True} if getattr(client, "trusted_documents_only", False) else {}
        )

    def generate(
        self,
        grant_type: str,
        client: Any,
        user: Any = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        # A token never carries more than the client is registered for, nor HR scopes for a
        # non-HR employee, whatever was asked.
        granted = scope_to_list(self.get_allowed_scope(client, scope)) or []
        if user is not None:
            granted = user.allowed_scopes(granted)
        if not granted:
            raise InvalidScopeError("None of the requested scopes may be granted to this client.")
        token: dict[str, Any] = super().generate(
            grant_type, client, user, list_to_scope(granted), expires_in, include_refresh_token
        )
        return token


class PeopleGraphAuthorizationServer(AuthorizationServer):
    def __init__(self, settings: Settings) -> None:
        super().__init__(scopes_supported=list(ALL_SCOPES))
        self.settings = settings

    def query_client(self, client_id: str) -> ClientInfo | None:
        return call_async(store.get_client, client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        refresh_token = token.get("refresh_token")
        if not refresh_token:
            return
        if request.authorization_code is not None:
            family_id = request.authorization_code.family_id
        elif request.refresh_token is not None:
            family_id = request.refresh_token.family_id
        else:
            family_id = store.new_secret()
        claims = _unverified_claims(token["access_token"])
        # A refresh that narrows the scope narrows that access token only: the new refresh
        # token keeps the sign-in's scope (RFC 6749 section 6).
        scope = request.refresh_token.scope if request.refresh_token is not None else token.get("scope", "")
        call_async(
            lambda: store.save_refresh_token(
                refresh_token,
                family_id=family_id,
                client_id=request.client.get_client_id(),
                employee_id=request.user.get_user_id() if request.user else None,
                scope=scope,
                access_token_jti=claims["jti"],
                ttl=self.settings.refresh_token_ttl,
            )
        )

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        assert isinstance(request, OAuth2Request)
        return request

    def create_json_request(self, request: Any) -> Any:
        # Authlib asks for this hook; every endpoint of ours takes form-encoded requests, so no
        # grant or endpoint ever calls it (a call would be a programming error).
        raise TypeError("peoplegraph's OAuth endpoints take form-encoded requests, not JSON")

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        return status, body, list(headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None


def build_server(settings: Settings) -> PeopleGraphAuthorizationServer:
    server = PeopleGraphAuthorizationServer(settings)
    ttl = settings.access_token_ttl
    server.register_token_generator(
        "default",
        AccessTokenGenerator(
            issuer=settings.issuer,
            alg=ALGORITHM,
            refresh_token_generator=lambda **_: store.new_secret("pgr_"),
            expires_generator=lambda client, grant_type: ttl,
        ),
    )
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True)])
    server.register_grant(RefreshTokenGrant)
    server.register_endpoint(RevocationEndpoint)
    server.register_endpoint(IntrospectionEndpoint)
    return server
