"""Each grant, driven by Authlib's own client against the app."""

from __future__ import annotations

from typing import Any

import pytest
from authlib.integrations.base_client import OAuthError
from joserfc import jwt
from joserfc.jwk import KeySet

from auth.tokens import authenticate
from tests.support.oauth_helpers import (
    INTROSPECT_URL,
    REVOKE_URL,
    TOKEN_URL,
    make_employee,
    make_service_client,
    make_web_client,
    oauth_client,
    sign_in_with_pkce,
)


async def test_client_credentials_token_is_a_service_principal(oauth_app: Any) -> None:
    # given a service client registered for two scopes
    client = await make_service_client("employees:read tasks:read")
    # when it asks for one of them and one it may not have
    async with oauth_client(oauth_app, client) as session:
        token = await session.fetch_token(
            TOKEN_URL, grant_type="client_credentials", scope="employees:read audit:read"
        )
    # then it gets only what it is registered for, no refresh token, a short life
    assert token["scope"] == "employees:read"
    assert "refresh_token" not in token
    assert token["expires_in"] == 900
    principal = await authenticate(f"Bearer {token['access_token']}")
    assert principal is not None and principal.is_service
    assert principal.client_id == client.client_id
    assert principal.scopes == frozenset({"employees:read"})


async def test_client_credentials_with_wrong_secret_is_refused(oauth_app: Any, http: Any) -> None:
    client = await make_service_client()
    response = await http.post(
        TOKEN_URL, data={"grant_type": "client_credentials"}, auth=(client.client_id, "not-the-secret")
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_authorization_code_with_pkce_for_a_public_client(oauth_app: Any) -> None:
    # given an employee and a public (mobile / single-page) app
    employee = await make_employee()
    client = await make_web_client(public=True)
    # when the employee signs in through the form and approves
    token = await sign_in_with_pkce(
        oauth_app, client, email=employee.email, scope="employees:read tasks:read"
    )
    # then the app holds a token acting for that employee, and a refresh token
    principal = await authenticate(f"Bearer {token['access_token']}")
    assert principal is not None
    assert principal.employee_id == employee.id
    assert principal.scopes == frozenset({"employees:read", "tasks:read"})
    assert token["refresh_token"].startswith("pgr_")


async def test_hr_only_scopes_are_dropped_for_plain_employees(oauth_app: Any) -> None:
    employee = await make_employee()
    hr = await make_employee("grace@example.com", role="hr")
    client = await make_web_client(first_party=True)
    scope = "employees:read employees:sensitive"
    plain = await sign_in_with_pkce(oauth_app, client, email=employee.email, scope=scope)
    assert plain["scope"] == "employees:read"
    of_hr = await sign_in_with_pkce(oauth_app, client, email=hr.email, scope=scope)
    assert set(of_hr["scope"].split()) == {"employees:read", "employees:sensitive"}


async def test_refresh_rotates_and_reuse_revokes_the_family(oauth_app: Any) -> None:
    employee = await make_employee()
    client = await make_web_client(first_party=True)
    first = await sign_in_with_pkce(oauth_app, client, email=employee.email, scope="tasks:read")
    async with oauth_client(oauth_app, client) as session:
        # when the app refreshes, it gets a new refresh token (rotation)
        second = await session.refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
        assert second["refresh_token"] != first["refresh_token"]
        assert await authenticate(f"Bearer {second['access_token']}") is not None
        # when the old refresh token is presented again (it leaked), it is refused
        with pytest.raises(OAuthError) as refused:
            await session.refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
        assert refused.value.error == "invalid_grant"
        # then the whole family is gone: the newest refresh token and its access token too
        with pytest.raises(OAuthError):
            await session.refresh_token(TOKEN_URL, refresh_token=second["refresh_token"])
    with pytest.raises(Exception, match="revoked"):
        await authenticate(f"Bearer {second['access_token']}")


async def test_revoking_a_refresh_token_ends_the_sign_in(oauth_app: Any) -> None:
    employee = await make_employee()
    client = await make_web_client(public=True)
    token = await sign_in_with_pkce(oauth_app, client, email=employee.email, scope="tasks:read")
    async with oauth_client(oauth_app, client) as session:
        response = await session.revoke_token(REVOKE_URL, token=token["refresh_token"])
        assert response.status_code == 200
        with pytest.raises(OAuthError):
            await session.refresh_token(TOKEN_URL, refresh_token=token["refresh_token"])
    with pytest.raises(Exception, match="revoked"):
        await authenticate(f"Bearer {token['access_token']}")


async def test_revoking_an_access_token_refuses_it(oauth_app: Any) -> None:
    client = await make_service_client()
    async with oauth_client(oauth_app, client) as session:
        token = await session.fetch_token(TOKEN_URL, grant_type="client_credentials")
        assert await authenticate(f"Bearer {token['access_token']}") is not None
        response = await session.revoke_token(
            REVOKE_URL, token=token["access_token"], token_type_hint="access_token"
        )
        assert response.status_code == 200
    with pytest.raises(Exception, match="revoked"):
        await authenticate(f"Bearer {token['access_token']}")


async def test_introspection_tells_active_from_revoked(oauth_app: Any) -> None:
    employee = await make_employee()
    web = await make_web_client(first_party=True)
    token = await sign_in_with_pkce(oauth_app, web, email=employee.email, scope="tasks:read")
    resource_server = await make_service_client(resource_server=True)
    async with oauth_client(oauth_app, resource_server) as session:
        active = (await session.introspect_token(INTROSPECT_URL, token=token["access_token"])).json()
        assert active["active"] is True
        assert active["sub"] == str(employee.id)
        assert active["client_id"] == web.client_id
        assert active["scope"] == "tasks:read"
        refresh = (await session.introspect_token(INTROSPECT_URL, token=token["refresh_token"])).json()
        assert refresh["active"] is True
        garbage = (await session.introspect_token(INTROSPECT_URL, token="not-a-token")).json()
        assert garbage == {"active": False}
    async with oauth_client(oauth_app, web) as session:
        await session.revoke_token(REVOKE_URL, token=token["refresh_token"])
    async with oauth_client(oauth_app, resource_server) as session:
        after = (await session.introspect_token(INTROSPECT_URL, token=token["access_token"])).json()
        assert after == {"active": False}


async def test_introspection_needs_an_authenticated_client(oauth_app: Any, http: Any) -> None:
    response = await http.post(INTROSPECT_URL, data={"token": "x"})
    assert response.status_code == 401


async def test_access_token_verifies_against_the_published_jwks(oauth_app: Any, http: Any) -> None:
    client = await make_service_client()
    async with oauth_client(oauth_app, client) as session:
        token = await session.fetch_token(TOKEN_URL, grant_type="client_credentials")
    jwks = KeySet.import_key_set((await http.get("/.well-known/jwks.json")).json())
    assert all("d" not in key.as_dict() for key in jwks.keys), "private key material published"
    decoded = jwt.decode(token["access_token"], jwks, algorithms=["ES256"])
    assert decoded.header["typ"] == "at+jwt"
    assert decoded.claims["iss"] == "http://testserver"
    assert decoded.claims["aud"] == "http://testserver"
    assert decoded.claims["sub"] == client.client_id
    assert decoded.claims["client_id"] == client.client_id
    assert decoded.claims["exp"] - decoded.claims["iat"] == 900


async def test_server_metadata_names_every_endpoint(oauth_app: Any, http: Any) -> None:
    meta = (await http.get("/.well-known/oauth-authorization-server")).json()
    assert meta["issuer"] == "http://testserver"
    assert meta["token_endpoint"] == "http://testserver/oauth/token"
    assert meta["jwks_uri"] == "http://testserver/.well-known/jwks.json"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "client_credentials" in meta["grant_types_supported"]
