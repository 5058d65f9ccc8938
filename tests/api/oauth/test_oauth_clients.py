"""Operator tools: registering clients, revoking them, minting tokens, the CLI wiring."""

from __future__ import annotations

from typing import Any

import pytest

from auth.oauth.clients import (
    GRAPHIQL_CLIENT_ID,
    ClientError,
    create_client,
    ensure_graphiql_client,
    list_clients,
    mint_token,
    revoke_client,
)
from auth.tokens import InvalidToken, authenticate_token
from cli import build_parser
from models.oauth import OAuthClient
from tests.support.oauth_helpers import (
    TOKEN_URL,
    make_employee,
    make_service_client,
    oauth_client,
)


async def test_secrets_are_stored_hashed(oauth_app: Any) -> None:
    client = await make_service_client()
    row = await OAuthClient.get(client_id=client.client_id)
    assert client.client_secret and client.client_secret not in (row.client_secret_hash or "")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"grant": "password", "scopes": "tasks:read"},
        {"grant": "client_credentials", "scopes": "tasks:read nonsense:scope"},
        {"grant": "authorization_code", "scopes": "tasks:read"},
        {
            "grant": "authorization_code",
            "scopes": "tasks:read",
            "redirect_uris": ["http://evil.example.com/cb"],
        },
        {"grant": "client_credentials", "scopes": "tasks:read", "public": True},
    ],
    ids=["unknown-grant", "unknown-scope", "no-redirect", "plain-http-redirect", "public-service"],
)
async def test_bad_registrations_are_refused(oauth_app: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ClientError):
        await create_client(name="x", **kwargs)


async def test_graphiql_client_setup_is_idempotent(oauth_app: Any, settings: Any) -> None:
    await ensure_graphiql_client(settings)
    await ensure_graphiql_client(settings)
    rows = [c for c in await list_clients() if c["client_id"] == GRAPHIQL_CLIENT_ID]
    assert len(rows) == 1
    assert rows[0]["public"] and rows[0]["first_party"]
    assert rows[0]["redirect_uris"] == ["http://testserver/graphql"]


async def test_revoked_client_can_no_longer_get_tokens(oauth_app: Any) -> None:
    client = await make_service_client()
    assert await revoke_client(client.client_id)
    async with oauth_client(oauth_app, client) as session:
        response = await session.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, client.client_secret or ""),
        )
    assert response.status_code == 401


async def test_operator_mints_an_employee_token(oauth_app: Any, settings: Any) -> None:
    employee = await make_employee()
    token = await mint_token(settings, scopes="tasks:read audit:read", employee_email=employee.email)
    principal = await authenticate_token(token["access_token"])
    assert principal.employee_id == employee.id
    assert principal.scopes == frozenset({"tasks:read"})  # audit:read is for HR only


async def test_operator_mints_a_service_token(oauth_app: Any, settings: Any) -> None:
    client = await make_service_client("tasks:read")
    token = await mint_token(settings, scopes="", client_id=client.client_id)
    principal = await authenticate_token(token["access_token"])
    assert principal.is_service and principal.scopes == frozenset({"tasks:read"})


async def test_minting_for_an_unknown_employee_fails(oauth_app: Any, settings: Any) -> None:
    with pytest.raises(ClientError):
        await mint_token(settings, scopes="tasks:read", employee_email="nobody@example.com")


async def test_a_token_is_not_accepted_as_anything_else(oauth_app: Any) -> None:
    with pytest.raises(InvalidToken):
        await authenticate_token("pgr_not_an_access_token")


def test_cli_parses_the_documented_commands() -> None:
    parser = build_parser()
    create = parser.parse_args(
        [
            "client",
            "create",
            "--name",
            "Web",
            "--grant",
            "authorization_code",
            "--scopes",
            "tasks:read",
            "--redirect-uri",
            "https://a.example.com/cb",
            "--redirect-uri",
            "https://b.example.com/cb",
            "--public",
            "--json",
        ]
    )
    assert create.redirect_uris == ["https://a.example.com/cb", "https://b.example.com/cb"]
    assert create.public and create.json and callable(create.handler)
    token = parser.parse_args(["token", "--employee", "ada@example.com", "--scopes", "tasks:read", "--json"])
    assert token.employee == "ada@example.com" and callable(token.handler)
    assert callable(parser.parse_args(["keys", "rotate"]).handler)
    assert callable(parser.parse_args(["client", "revoke", "pgc_x"]).handler)
