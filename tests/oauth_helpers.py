"""Shared pieces of the OAuth tests: a started app, employees, clients, the sign-in form."""

from __future__ import annotations

import os
import re
import secrets
import warnings
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge

with warnings.catch_warnings():
    # Authlib 1.9 announces its move to "httpx2" on import; the httpx client still works.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

from auth.oauth import routes as auth_routes
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


@pytest.fixture(name="oauth_app")
async def oauth_app_fixture(app: Any, settings: Any) -> Any:
    """The app with its OAuth part started (the `http` fixture does not run the lifespan)."""
    await auth_routes.startup(settings)
    await auth_routes.THROTTLES.clear()
    return app


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
