"""Who may register what, and who may learn what about a token."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from auth.oauth.clients import (
    GRAPHIQL_CLIENT_ID,
    ClientError,
    create_client,
    ensure_graphiql_client,
    list_clients,
    mint_token,
)
from cli import build_parser
from tests.support.oauth_helpers import (
    AUTHORIZE_URL,
    INTROSPECT_URL,
    PASSWORD,
    TOKEN_URL,
    browser,
    make_employee,
    make_service_client,
    new_verifier,
    oauth_client,
    query_of,
    submit_login,
)

NATIVE_REDIRECT = "com.example.tasks:/oauth"


async def _service_token(app: Any, client: Any) -> str:
    async with oauth_client(app, client) as session:
        return str((await session.fetch_token(TOKEN_URL, grant_type="client_credentials"))["access_token"])


async def test_a_client_may_introspect_its_own_token(oauth_app: Any) -> None:
    client = await make_service_client()
    token = await _service_token(oauth_app, client)
    async with oauth_client(oauth_app, client) as session:
        answer = (await session.introspect_token(INTROSPECT_URL, token=token)).json()
    assert answer["active"] is True
    assert answer["client_id"] == client.client_id


async def test_a_client_learns_nothing_about_another_clients_token(oauth_app: Any) -> None:
    # given a token of one client and another, ordinary, confidential client
    victim = await make_service_client()
    token = await _service_token(oauth_app, victim)
    scanner = await make_service_client()
    # when the other client introspects it
    async with oauth_client(oauth_app, scanner) as session:
        answer = (await session.introspect_token(INTROSPECT_URL, token=token)).json()
    # then it is told nothing (RFC 7662 section 4)
    assert answer == {"active": False}


async def test_a_registered_resource_server_may_introspect_any_token(oauth_app: Any) -> None:
    victim = await make_service_client()
    token = await _service_token(oauth_app, victim)
    resource_server = await make_service_client(resource_server=True)
    async with oauth_client(oauth_app, resource_server) as session:
        answer = (await session.introspect_token(INTROSPECT_URL, token=token)).json()
    assert answer["active"] is True
    assert answer["client_id"] == victim.client_id


async def test_a_public_client_cannot_be_a_resource_server(oauth_app: Any) -> None:
    with pytest.raises(ClientError, match="confidential"):
        await create_client(
            name="x",
            grant="authorization_code",
            scopes="tasks:read",
            redirect_uris=["https://a.example.com/cb"],
            public=True,
            resource_server=True,
        )


def test_cli_registers_a_resource_server() -> None:
    args = build_parser().parse_args(
        [
            "client",
            "create",
            "--name",
            "API gateway",
            "--grant",
            "client_credentials",
            "--scopes",
            "tasks:read",
            "--resource-server",
        ]
    )
    assert args.resource_server is True


async def test_a_native_app_registers_a_private_use_scheme_and_signs_in(oauth_app: Any) -> None:
    # given a mobile app registered with its private-use scheme, as the README shows
    employee = await make_employee()
    client = await create_client(
        name="Tasks iOS",
        grant="authorization_code",
        scopes="tasks:read",
        redirect_uris=[NATIVE_REDIRECT],
        public=True,
        first_party=True,
    )
    verifier = new_verifier()
    # when the employee signs in through the system browser
    async with oauth_client(
        oauth_app, client, redirect_uri=NATIVE_REDIRECT, scope="tasks:read", code_challenge_method="S256"
    ) as session:
        url, state = session.create_authorization_url(AUTHORIZE_URL, code_verifier=verifier)
        async with browser(oauth_app) as web:
            response = await submit_login(web, url, employee.email, PASSWORD)
        # then the browser is sent to the app's scheme with a code it can exchange
        assert response.headers["location"].startswith(NATIVE_REDIRECT + "?")
        params = query_of(response.headers["location"])
        assert params["state"] == state
        token = await session.fetch_token(TOKEN_URL, code=params["code"], code_verifier=verifier)
    assert token["scope"] == "tasks:read"


@pytest.mark.parametrize(
    "uri",
    [
        "javascript:alert(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "com.example.tasks:/oauth#frag",
        'com.example.tasks:/o"auth',
        "http://evil.example.com/cb",
        "https:///no-host",
    ],
)
async def test_dangerous_redirect_uris_are_refused(oauth_app: Any, uri: str) -> None:
    with pytest.raises(ClientError):
        await create_client(
            name="x", grant="authorization_code", scopes="tasks:read", redirect_uris=[uri], public=True
        )


async def _graphiql_redirect_uris() -> list[str]:
    rows = [c for c in await list_clients() if c["client_id"] == GRAPHIQL_CLIENT_ID]
    return list(rows[0]["redirect_uris"])


async def test_a_command_with_another_environment_leaves_graphiql_alone(
    oauth_app: Any, settings: Any
) -> None:
    # given a server registered GraphiQL for its /graphql
    await make_employee()
    before = await _graphiql_redirect_uris()
    # when an operator runs `peoplegraph token` with another issuer in the environment
    await mint_token(
        replace(settings, issuer="http://localhost:9999"),
        scopes="tasks:read",
        employee_email="ada@example.com",
    )
    # then GraphiQL's registration is untouched
    assert await _graphiql_redirect_uris() == before == ["http://testserver/graphql"]


async def test_a_second_server_adds_its_redirect_uri(oauth_app: Any, settings: Any) -> None:
    await ensure_graphiql_client(replace(settings, issuer="http://127.0.0.1:8001"))
    await ensure_graphiql_client(settings)
    assert await _graphiql_redirect_uris() == ["http://testserver/graphql", "http://127.0.0.1:8001/graphql"]


async def _native_loopback_client(*, public: bool) -> Any:
    return await create_client(
        name="Tasks desktop",
        grant="authorization_code",
        scopes="tasks:read",
        redirect_uris=["http://127.0.0.1/callback", "http://[::1]/callback"],
        public=public,
        first_party=True,
    )


@pytest.mark.parametrize("redirect_uri", ["http://127.0.0.1:51234/callback", "http://[::1]:8123/callback"])
async def test_a_native_app_on_a_loopback_ip_may_use_any_port(oauth_app: Any, redirect_uri: str) -> None:
    # given a desktop app registered with loopback redirect URIs (RFC 8252 7.3)
    employee = await make_employee()
    client = await _native_loopback_client(public=True)
    verifier = new_verifier()
    # when it listens on whatever port the system gave it this time
    async with oauth_client(
        oauth_app, client, redirect_uri=redirect_uri, scope="tasks:read", code_challenge_method="S256"
    ) as session:
        url, _ = session.create_authorization_url(AUTHORIZE_URL, code_verifier=verifier)
        async with browser(oauth_app) as web:
            response = await submit_login(web, url, employee.email, PASSWORD)
        # then the code comes back to that port, and the exchange names the same URI
        assert response.headers["location"].startswith(redirect_uri + "?")
        code = query_of(response.headers["location"])["code"]
        token = await session.fetch_token(TOKEN_URL, code=code, code_verifier=verifier)
    assert token["scope"] == "tasks:read"


@pytest.mark.parametrize(
    ("public", "redirect_uri"),
    [
        (False, "http://127.0.0.1:51234/callback"),  # only native (public) apps
        (True, "http://127.0.0.1:51234/other"),  # the path still matches exactly
        (True, "http://localhost:51234/callback"),  # a name, not a loopback IP
        (True, "http://user@127.0.0.1:51234/callback"),
        (True, "http://127.0.0.1:notaport/callback"),
    ],
    ids=["confidential", "other-path", "localhost", "userinfo", "bad-port"],
)
async def test_other_loopback_variations_are_refused(oauth_app: Any, public: bool, redirect_uri: str) -> None:
    client = await _native_loopback_client(public=public)
    async with oauth_client(
        oauth_app, client, redirect_uri=redirect_uri, code_challenge_method="S256"
    ) as session:
        url, _ = session.create_authorization_url(AUTHORIZE_URL, code_verifier=new_verifier())
    async with browser(oauth_app) as web:
        response = await web.get(url)
    assert response.status_code == 400
    assert "location" not in response.headers
