"""The finer points of the RFCs: refresh scope, redirect_uri at the token endpoint, `iss`."""

from __future__ import annotations

from typing import Any

import pytest
from authlib.integrations.base_client import OAuthError

from auth.tokens import authenticate
from tests.support.oauth_helpers import (
    AUTHORIZE_URL,
    BASE,
    PASSWORD,
    REDIRECT_URI,
    TOKEN_URL,
    authorize_code,
    browser,
    csrf_token,
    form_action,
    make_employee,
    make_web_client,
    new_verifier,
    oauth_client,
    query_of,
    submit_login,
)


async def _code(
    app: Any, client: Any, verifier: str, *, redirect_uri: str | None, scope: str
) -> dict[str, str]:
    employee = await make_employee()
    async with oauth_client(
        app, client, redirect_uri=redirect_uri, scope=scope, code_challenge_method="S256"
    ) as session:
        url, _ = session.create_authorization_url(AUTHORIZE_URL, code_verifier=verifier)
    async with browser(app) as web:
        return await authorize_code(web, url, employee.email)


async def _signed_in(app: Any, client: Any, scope: str) -> dict[str, Any]:
    verifier = new_verifier()
    params = await _code(app, client, verifier, redirect_uri=REDIRECT_URI, scope=scope)
    async with oauth_client(app, client, redirect_uri=REDIRECT_URI) as session:
        token: dict[str, Any] = await session.fetch_token(
            TOKEN_URL, code=params["code"], code_verifier=verifier
        )
        return token


async def test_refresh_asking_for_more_scope_fails_and_keeps_the_token(oauth_app: Any) -> None:
    # given a sign-in granted tasks:read only
    client = await make_web_client(first_party=True)
    first = await _signed_in(oauth_app, client, "tasks:read")
    async with oauth_client(oauth_app, client) as session:
        # when the app refreshes asking for tasks:write too
        with pytest.raises(OAuthError) as refused:
            await session.refresh_token(
                TOKEN_URL, refresh_token=first["refresh_token"], scope="tasks:read tasks:write"
            )
        # then it is told invalid_scope ...
        assert refused.value.error == "invalid_scope"
        # ... and its retry with the granted scope works: no theft alarm, the sign-in lives on
        again = await session.refresh_token(
            TOKEN_URL, refresh_token=first["refresh_token"], scope="tasks:read"
        )
    assert again["scope"] == "tasks:read"
    assert await authenticate(f"Bearer {first['access_token']}") is not None
    assert await authenticate(f"Bearer {again['access_token']}") is not None


async def test_refresh_may_narrow_the_scope_and_the_next_refresh_gets_it_back(oauth_app: Any) -> None:
    client = await make_web_client(first_party=True)
    first = await _signed_in(oauth_app, client, "tasks:read employees:read")
    async with oauth_client(oauth_app, client) as session:
        narrow = await session.refresh_token(
            TOKEN_URL, refresh_token=first["refresh_token"], scope="tasks:read"
        )
        assert narrow["scope"] == "tasks:read"
        # the new refresh token keeps the sign-in's scope (RFC 6749 section 6)
        wide = await session.refresh_token(TOKEN_URL, refresh_token=narrow["refresh_token"])
    assert set(wide["scope"].split()) == {"tasks:read", "employees:read"}


async def test_token_request_needs_no_redirect_uri_when_the_authorization_had_none(oauth_app: Any) -> None:
    # given an authorization request without redirect_uri (the client has one registered)
    client = await make_web_client(public=True)
    verifier = new_verifier()
    params = await _code(oauth_app, client, verifier, redirect_uri=None, scope="tasks:read")
    # when the code is exchanged without redirect_uri either
    async with oauth_client(oauth_app, client) as session:
        token = await session.fetch_token(TOKEN_URL, code=params["code"], code_verifier=verifier)
    # then the app gets its tokens
    assert token["scope"] == "tasks:read"


@pytest.mark.parametrize("sent", [None, REDIRECT_URI + "/other"], ids=["missing", "different"])
async def test_token_request_must_repeat_the_redirect_uri_of_the_authorization(
    oauth_app: Any, http: Any, sent: str | None
) -> None:
    client = await make_web_client(public=True)
    verifier = new_verifier()
    params = await _code(oauth_app, client, verifier, redirect_uri=REDIRECT_URI, scope="tasks:read")
    form = {
        "grant_type": "authorization_code",
        "client_id": client.client_id,
        "code": params["code"],
        "code_verifier": verifier,
    }
    if sent is not None:
        form["redirect_uri"] = sent
    response = await http.post(TOKEN_URL, data=form)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def _authorize_url(app: Any, client: Any) -> tuple[str, str]:
    async with oauth_client(app, client, redirect_uri=REDIRECT_URI, code_challenge_method="S256") as session:
        url, state = session.create_authorization_url(AUTHORIZE_URL, code_verifier=new_verifier())
    return url, state


async def test_authorization_responses_name_the_issuer(oauth_app: Any) -> None:
    # given an employee signing in to a first-party app
    employee = await make_employee()
    url, state = await _authorize_url(oauth_app, await make_web_client(public=True, first_party=True))
    async with browser(oauth_app) as web:
        success = await submit_login(web, url, employee.email, PASSWORD)
    # then the redirect carries iss (RFC 9207) beside code and state
    params = query_of(success.headers["location"])
    assert params["iss"] == BASE
    assert params["state"] == state
    assert "code" in params


async def test_denied_consent_redirect_names_the_issuer(oauth_app: Any) -> None:
    employee = await make_employee()
    url, state = await _authorize_url(oauth_app, await make_web_client(public=True))
    async with browser(oauth_app) as web:
        consent = await submit_login(web, url, employee.email, PASSWORD)
        denied = await web.post(
            form_action(consent.text), data={"csrf_token": csrf_token(consent.text), "action": "deny"}
        )
    params = query_of(denied.headers["location"])
    assert (params["error"], params["state"], params["iss"]) == ("access_denied", state, BASE)


async def test_metadata_announces_the_iss_parameter(oauth_app: Any, http: Any) -> None:
    meta = (await http.get("/.well-known/oauth-authorization-server")).json()
    assert meta["authorization_response_iss_parameter_supported"] is True
