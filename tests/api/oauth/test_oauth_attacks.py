"""What an attacker tries, and what they get: nothing."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from authlib.integrations.base_client import OAuthError
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from auth import tokens
from auth.keys import rotate_keys
from auth.tokens import InvalidToken, authenticate, authenticate_token, www_authenticate_header
from tests.support.oauth_helpers import (
    AUTHORIZE_URL,
    REDIRECT_URI,
    TOKEN_URL,
    authorize_code,
    browser,
    make_employee,
    make_service_client,
    make_web_client,
    new_verifier,
    oauth_client,
)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": "http://testserver",
        "aud": "http://testserver",
        "sub": "1",
        "client_id": "pgc_x",
        "scope": "tasks:read",
        "jti": "j1",
        "iat": now,
        "exp": now + 300,
    }
    base.update(overrides)
    return base


def signed(payload: dict[str, Any], key: ECKey | KeySet | None = None, typ: str = "at+jwt") -> str:
    signing = key or tokens.current_state().keys.signing_set
    return jwt.encode({"alg": "ES256", "typ": typ}, payload, signing)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_a_well_formed_token_of_ours_is_accepted(oauth_app: Any) -> None:
    principal = await authenticate_token(signed(claims()))
    assert principal.employee_id == 1
    assert principal.scopes == frozenset({"tasks:read"})


async def test_no_header_means_anonymous(oauth_app: Any) -> None:
    assert await authenticate(None) is None


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (lambda: signed(claims(), ECKey.generate_key("P-256", parameters={"kid": "evil"})), "signature"),
        (lambda: b64({"alg": "none", "typ": "at+jwt"}) + "." + b64(claims()) + ".", "signature"),
        (lambda: signed(claims(exp=int(time.time()) - 10)), "expired"),
        (lambda: signed(claims(aud="https://other.example.com")), "aud"),
        (lambda: signed(claims(iss="https://evil.example.com")), "iss"),
        (lambda: signed(claims(), typ="JWT"), "not an access token"),
        (lambda: "not.a.jwt", "token"),
        (lambda: "garbage", "malformed"),
    ],
    ids=[
        "other-key",
        "alg-none",
        "expired",
        "other-audience",
        "other-issuer",
        "id-token-typ",
        "junk",
        "one-part",
    ],
)
async def test_untrustworthy_tokens_are_refused(oauth_app: Any, token: Any, message: str) -> None:
    with pytest.raises(InvalidToken, match=message):
        await authenticate(f"Bearer {token()}")


async def test_other_schemes_are_refused(oauth_app: Any) -> None:
    with pytest.raises(InvalidToken):
        await authenticate("Basic dXNlcjpwYXNz")


def test_www_authenticate_header_follows_rfc_6750() -> None:
    assert www_authenticate_header('bad "token"') == (
        'Bearer error="invalid_token", error_description="bad \'token\'"'
    )


async def test_tokens_signed_before_a_rotation_still_verify(oauth_app: Any, settings: Any, http: Any) -> None:
    old = signed(claims())
    tokens.current_state().keys = rotate_keys(settings.data_dir)
    new = signed(claims(jti="j2"))
    assert await authenticate_token(old)
    assert await authenticate_token(new)
    jwks = (await http.get("/.well-known/jwks.json")).json()
    assert len(jwks["keys"]) == 2


async def test_redirect_uri_differing_by_one_character_is_refused(oauth_app: Any) -> None:
    client = await make_web_client(public=True)
    async with oauth_client(oauth_app, client, redirect_uri=REDIRECT_URI + "x") as session:
        url, _ = session.create_authorization_url(AUTHORIZE_URL, code_verifier=new_verifier())
    async with browser(oauth_app) as web:
        response = await web.get(url)
    # an error page, never a redirect to the attacker's URI
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "not supported" in response.text


async def test_public_client_without_pkce_is_refused(oauth_app: Any) -> None:
    client = await make_web_client(public=True)
    async with oauth_client(oauth_app, client, redirect_uri=REDIRECT_URI) as session:
        url, _ = session.create_authorization_url(AUTHORIZE_URL)
    async with browser(oauth_app) as web:
        response = await web.get(url)
    assert response.status_code == 302
    assert "error=invalid_request" in response.headers["location"]


async def test_plain_pkce_is_refused(oauth_app: Any) -> None:
    client = await make_web_client(public=True)
    verifier = new_verifier()
    async with oauth_client(oauth_app, client, redirect_uri=REDIRECT_URI) as session:
        url, _ = session.create_authorization_url(
            AUTHORIZE_URL, code_challenge=verifier, code_challenge_method="plain"
        )
    async with browser(oauth_app) as web:
        response = await web.get(url)
    assert "error=invalid_request" in response.headers["location"]


async def get_code(app: Any, client: Any, verifier: str) -> str:
    employee = await make_employee()
    async with oauth_client(app, client, redirect_uri=REDIRECT_URI, code_challenge_method="S256") as session:
        url, _ = session.create_authorization_url(AUTHORIZE_URL, code_verifier=verifier)
    async with browser(app) as web:
        return (await authorize_code(web, url, employee.email))["code"]


async def test_pkce_verifier_mismatch_is_refused(oauth_app: Any) -> None:
    client = await make_web_client(public=True)
    code = await get_code(oauth_app, client, new_verifier())
    async with oauth_client(oauth_app, client, redirect_uri=REDIRECT_URI) as session:
        with pytest.raises(OAuthError) as refused:
            await session.fetch_token(TOKEN_URL, code=code, code_verifier=new_verifier())
    assert refused.value.error == "invalid_grant"


async def test_reused_authorization_code_is_refused_and_revokes_its_tokens(oauth_app: Any) -> None:
    client = await make_web_client(public=True)
    verifier = new_verifier()
    code = await get_code(oauth_app, client, verifier)
    async with oauth_client(oauth_app, client, redirect_uri=REDIRECT_URI) as session:
        token = await session.fetch_token(TOKEN_URL, code=code, code_verifier=verifier)
        with pytest.raises(OAuthError) as refused:
            await session.fetch_token(TOKEN_URL, code=code, code_verifier=verifier)
        assert refused.value.error == "invalid_grant"
        with pytest.raises(OAuthError):
            await session.refresh_token(TOKEN_URL, refresh_token=token["refresh_token"])
    with pytest.raises(InvalidToken, match="revoked"):
        await authenticate(f"Bearer {token['access_token']}")


async def test_code_from_one_client_cannot_be_redeemed_by_another(oauth_app: Any) -> None:
    victim = await make_web_client(public=True)
    attacker = await make_web_client(public=True)
    verifier = new_verifier()
    code = await get_code(oauth_app, victim, verifier)
    async with oauth_client(oauth_app, attacker, redirect_uri=REDIRECT_URI) as session:
        with pytest.raises(OAuthError):
            await session.fetch_token(TOKEN_URL, code=code, code_verifier=verifier)


async def test_confidential_client_cannot_skip_its_secret(oauth_app: Any, http: Any) -> None:
    client = await make_web_client()
    verifier = new_verifier()
    code = await get_code(oauth_app, client, verifier)
    response = await http.post(
        TOKEN_URL,
        data={
            "grant_type": "authorization_code",
            "client_id": client.client_id,
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
    )
    assert response.json()["error"] == "invalid_client"


async def test_challenge_helper_matches_what_the_server_checks() -> None:
    # A guard on the test itself: the S256 we send is the RFC 7636 appendix B example.
    assert (
        create_s256_code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


async def test_service_client_cannot_use_the_authorization_endpoint(oauth_app: Any, http: Any) -> None:
    client = await make_service_client()
    response = await http.get(
        AUTHORIZE_URL,
        params={
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": REDIRECT_URI,
            "code_challenge": create_s256_code_challenge(new_verifier()),
            "code_challenge_method": "S256",
        },
    )
    assert response.status_code == 400
