"""Shared pieces of the OAuth tests: employees, clients, the sign-in form, the PKCE sign-in.

The started app itself is the `oauth_app` fixture (tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import secrets
import warnings
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge

with warnings.catch_warnings():
    # Authlib 1.9 announces its move to "httpx2" on import; the httpx client still works.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

from auth.oauth.clients import GRAPHIQL_CLIENT_ID, NewClient, create_client
from auth.passwords import hash_password
from models.employees import Employee, EmployeeRole

# The test issuer is http://testserver: Authlib refuses plain http unless told otherwise.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

BASE = "http://testserver"
TOKEN_URL = f"{BASE}/oauth/token"
AUTHORIZE_URL = f"{BASE}/oauth/authorize"
REVOKE_URL = f"{BASE}/oauth/revoke"
INTROSPECT_URL = f"{BASE}/oauth/introspect"
REDIRECT_URI = "https://app.example.com/callback"
PASSWORD = "correct horse battery staple"


async def make_employee(email: str = "ada@example.com", role: str = "employee") -> Employee:
    return await Employee.create(
        email=email,
        given_name="Ada",
        family_name="Lovelace",
        hire_date=date(2020, 1, 6),
        role=EmployeeRole(role),
        password_hash=hash_password(PASSWORD),
    )


async def make_web_client(*, public: bool = False, first_party: bool = False, scopes: str = "") -> NewClient:
    return await create_client(
        name="Tasks web app",
        grant="authorization_code",
        scopes=scopes or "employees:read tasks:read tasks:write employees:sensitive",
        redirect_uris=[REDIRECT_URI],
        public=public,
        first_party=first_party,
    )


async def make_service_client(
    scopes: str = "employees:read tasks:read", *, resource_server: bool = False
) -> NewClient:
    return await create_client(
        name="HRIS sync", grant="client_credentials", scopes=scopes, resource_server=resource_server
    )


def oauth_client(app: Any, client: NewClient, **kwargs: Any) -> AsyncOAuth2Client:
    """Authlib's own client, talking to the app in-process."""
    method = "client_secret_basic" if client.client_secret else "none"
    return AsyncOAuth2Client(
        client_id=client.client_id,
        client_secret=client.client_secret,
        token_endpoint_auth_method=method,
        revocation_endpoint_auth_method=method,
        transport=httpx.ASGITransport(app=app),
        base_url=BASE,
        **kwargs,
    )


def browser(app: Any) -> httpx.AsyncClient:
    """A cookie-keeping client playing the employee's browser."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


def new_verifier() -> str:
    return secrets.token_urlsafe(48)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def form_action(html: str) -> str:
    match = re.search(r'<form method="post" action="([^"]+)"', html)
    assert match, "the page has no form"
    return match.group(1).replace("&amp;", "&")


async def submit_login(web: httpx.AsyncClient, url: str, email: str, password: str) -> httpx.Response:
    page = await web.get(url)
    assert page.status_code == 200, page.text
    return await web.post(
        form_action(page.text),
        data={"csrf_token": csrf_token(page.text), "action": "login", "email": email, "password": password},
    )


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def authorize_code(
    web: httpx.AsyncClient, url: str, email: str, password: str = PASSWORD
) -> dict[str, str]:
    """Sign in through the real form (and consent when asked); return the redirect's parameters."""
    response = await submit_login(web, url, email, password)
    if response.status_code == 200 and "Allow" in response.text:
        response = await web.post(
            form_action(response.text),
            data={"csrf_token": csrf_token(response.text), "action": "approve"},
        )
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI) or location.startswith(BASE), location
    return query_of(location)


def graphiql_authorize_url(prompt: str | None = None, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": GRAPHIQL_CLIENT_ID,
        "redirect_uri": "http://testserver/graphql",
        "scope": "employees:read",
        "state": "s1",
        "code_challenge": create_s256_code_challenge(new_verifier()),
        "code_challenge_method": "S256",
    }
    if prompt:
        params["prompt"] = prompt
    return f"{AUTHORIZE_URL}?{urlencode({**params, **extra})}"


def authorize_url(client_id: str, redirect_uri: str = REDIRECT_URI, scope: str = "tasks:read") -> str:
    """An /oauth/authorize address for this client, with a fresh PKCE challenge."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": "s1",
        "code_challenge": create_s256_code_challenge(new_verifier()),
        "code_challenge_method": "S256",
    }
    return f"{AUTHORIZE_URL}?{urlencode(params)}"


async def sign_in_with_pkce(app: Any, client: Any, *, email: str, scope: str) -> dict[str, Any]:
    """The whole authorization code + PKCE dance; returns the token response."""
    verifier = new_verifier()
    async with oauth_client(
        app, client, redirect_uri=REDIRECT_URI, scope=scope, code_challenge_method="S256"
    ) as session:
        url, state = session.create_authorization_url(AUTHORIZE_URL, code_verifier=verifier)
        async with browser(app) as web:
            params = await authorize_code(web, url, email)
        assert params["state"] == state
        token: dict[str, Any] = await session.fetch_token(
            TOKEN_URL, code=params["code"], code_verifier=verifier
        )
        return token
