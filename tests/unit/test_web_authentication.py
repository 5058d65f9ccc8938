"""web/authentication.py: what the Starlette backend yields, and how a bad token is answered."""

from __future__ import annotations

import json

import pytest
from starlette.authentication import AuthenticationError
from starlette.requests import HTTPConnection
from strawberry.exceptions import ConnectionRejectionError

from auth.principal import Principal
from web.authentication import (
    BearerTokens,
    TokenRefused,
    TokenUser,
    principal_from_connection_params,
    principal_of,
    refuse_token,
)

ADA = Principal(scopes=frozenset({"tasks:read"}), client_id="app", employee_id=7)


def connection(kind: str = "http", **headers: str) -> HTTPConnection:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return HTTPConnection({"type": kind, "headers": raw, "path": "/graphql", "query_string": b""})


async def test_a_request_without_a_token_is_anonymous() -> None:
    assert await BearerTokens().authenticate(connection()) is None


async def test_a_websocket_handshake_is_left_to_connection_init() -> None:
    assert await BearerTokens().authenticate(connection("websocket", Authorization="Basic x")) is None


async def test_another_scheme_is_refused_with_its_reason() -> None:
    with pytest.raises(TokenRefused, match="Bearer authorization scheme"):
        await BearerTokens().authenticate(connection(Authorization="Basic dXNlcjpwYXNz"))


@pytest.mark.parametrize(
    ("accept", "media"),
    [(None, "application/json"), ("application/graphql-response+json", "application/graphql-response+json")],
)
def test_a_refused_token_is_a_401_json_error_with_www_authenticate(accept: str | None, media: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = refuse_token(connection(**headers), AuthenticationError('bad "token"'))
    assert response.status_code == 401
    assert response.headers["content-type"] == media
    assert response.headers["www-authenticate"] == (
        'Bearer error="invalid_token", error_description="bad \'token\'"'
    )
    body = json.loads(bytes(response.body))
    assert body == {"errors": [{"message": 'bad "token"', "extensions": {"code": "UNAUTHENTICATED"}}]}


def test_the_principal_is_the_users_and_nobody_elses() -> None:
    assert principal_of({"user": TokenUser(ADA)}) is ADA
    assert TokenUser(ADA).is_authenticated and TokenUser(ADA).identity == "7"
    assert principal_of({"type": "http"}) is None


@pytest.mark.parametrize("params", [None, {}, {"Authorization": "Basic x"}, {"authorization": "Bearer "}])
async def test_connection_init_without_a_bearer_token_is_rejected(params: dict[str, object] | None) -> None:
    with pytest.raises(ConnectionRejectionError):
        await principal_from_connection_params(params)


def test_a_verified_token_is_remembered_within_its_ttl_and_its_expiry() -> None:
    import time

    from web.authentication import VerifiedTokens

    now = [0.0]
    verified = VerifiedTokens(size=2, ttl=60, clock=lambda: now[0])
    live = Principal(scopes=frozenset(), client_id="app", employee_id=7, expires_at=int(time.time()) + 600)
    expired = Principal(scopes=frozenset(), client_id="app", employee_id=8, expires_at=int(time.time()) - 1)
    verified.put("Bearer live", live)
    verified.put("Bearer expired", expired)
    assert verified.get("Bearer live") == live
    assert verified.get("Bearer expired") is None  # past `exp`: verified again, and refused
    now[0] = 61
    assert verified.get("Bearer live") is None  # past the TTL: the signature is checked again
    for n in range(3):
        verified.put(f"Bearer {n}", live)
    assert verified.get("Bearer 0") is None and verified.get("Bearer 2") == live  # bounded
