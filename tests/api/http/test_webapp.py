"""The web app at GET /: a page that keeps every request on this origin, and the built-in public
client `peoplegraph-web` it signs in with (authorization code + PKCE, redirect to `{issuer}/`)."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from urllib.parse import urlencode

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from starlette.applications import Starlette

from auth.oauth.clients import WEB_CLIENT_ID, WEB_SCOPES, ensure_web_client, list_clients
from auth.oauth.documents import WEB_OPERATIONS, ensure_web_documents, sha256_of
from config import Settings
from models.oauth import TrustedDocument
from tests.support.oauth_helpers import (
    AUTHORIZE_URL,
    PASSWORD,
    REVOKE_URL,
    TOKEN_URL,
    browser,
    make_employee,
    new_verifier,
    query_of,
    submit_login,
)
from web.webapp import content_security_policy

WEB_REDIRECT_URI = "http://testserver/"
AUDIT = "{ auditEvents(first: 1) { totalCount } }"
ME = (WEB_OPERATIONS / "me.graphql").read_text()  # the app's own Me page operation
ME_ID = f"sha256:{sha256_of(ME)}"


class _Mount(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.app: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]
        if values.get("id") == "app":
            self.app = values


def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def _authorize_url(verifier: str, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": WEB_CLIENT_ID,
        "redirect_uri": WEB_REDIRECT_URI,
        "scope": " ".join(WEB_SCOPES),
        "state": "s1",
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
        **extra,
    }
    return f"{AUTHORIZE_URL}?{urlencode(params)}"


async def _sign_in(app: Starlette, email: str) -> dict[str, str]:
    """The web app's sign-in as a browser does it: the form, the redirect to /, the token exchange."""
    verifier = new_verifier()
    async with browser(app) as web:
        response = await submit_login(web, _authorize_url(verifier), email, PASSWORD)
        assert response.status_code == 302, response.text
        location = response.headers["location"]
        assert location.startswith(f"{WEB_REDIRECT_URI}?code="), location
        answer = await web.post(
            TOKEN_URL,
            data={
                "grant_type": "authorization_code",
                "client_id": WEB_CLIENT_ID,
                "code": query_of(location)["code"],
                "redirect_uri": WEB_REDIRECT_URI,
                "code_verifier": verifier,
            },
        )
    assert answer.status_code == 200, answer.text
    tokens: dict[str, str] = answer.json()
    return tokens


async def _refresh(web: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    """The app's silent refresh: a public client sends its id, no secret."""
    data = {"grant_type": "refresh_token", "client_id": WEB_CLIENT_ID, "refresh_token": refresh_token}
    return await web.post(TOKEN_URL, data=data)


async def test_the_root_serves_the_web_app_shell(http: httpx.AsyncClient) -> None:
    # when a browser opens /
    response = await http.get("/", headers={"Accept": "text/html"})
    # then it gets the app's shell, configured for the web app's client, loading only local files
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = _Mount()
    page.feed(response.text)
    assert page.app["data-client-id"] == WEB_CLIENT_ID == "peoplegraph-web"
    assert page.app["data-issuer"] == "http://testserver"
    assert page.app["data-scopes"] == " ".join(WEB_SCOPES)
    assert "/static/app/app.js" in page.urls and "/static/app/app.css" in page.urls
    assert all(url.startswith("/static/app/") or url.startswith("data:") for url in page.urls), page.urls
    assert "<script>" not in response.text  # no inline script: the policy forbids them


async def test_the_root_keeps_every_request_on_this_origin(http: httpx.AsyncClient) -> None:
    response = await http.get("/")
    policy = _directives(response.headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'", "http://testserver", "ws://testserver"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["referrer-policy"] == "no-referrer"  # ?code= never leaves as Referer


def test_behind_https_the_live_connection_is_wss_only(settings: Settings) -> None:
    policy = _directives(content_security_policy(replace(settings, issuer="https://people.example.com")))
    assert policy["connect-src"] == ["'self'", "https://people.example.com", "wss://people.example.com"]


async def test_the_graphiql_page_stays_at_graphql(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert 'id="graphiql"' in response.text and 'id="app"' not in response.text


async def test_the_web_client_is_registered_at_start_up(oauth_app: Starlette, settings: Settings) -> None:
    # given the server started (oauth_app) and a second server on another port sharing the database
    await ensure_web_client(replace(settings, issuer="http://127.0.0.1:8001"))
    await ensure_web_client(settings)
    # then there is one web client, public and first party, redirecting to each server's /
    [row] = [c for c in await list_clients() if c["client_id"] == WEB_CLIENT_ID]
    assert (
        row["public"] and row["first_party"] and row["grant_types"] == ["authorization_code", "refresh_token"]
    )
    assert row["redirect_uris"] == ["http://testserver/", "http://127.0.0.1:8001/"]
    assert row["scopes"].split() == list(WEB_SCOPES)


async def test_an_employee_signs_in_refreshes_and_signs_out(oauth_app: Starlette) -> None:
    # given an employee signed in through the web app's client
    await make_employee("ada@example.com")
    tokens = await _sign_in(oauth_app, "ada@example.com")
    assert set(tokens["scope"].split()) == set(WEB_SCOPES)
    async with browser(oauth_app) as web:
        # when the app refreshes silently (no secret: a public client)
        refreshed = await _refresh(web, tokens["refresh_token"])
        assert refreshed.status_code == 200, refreshed.text
        new = refreshed.json()
        viewer = await web.post(
            "/graphql",
            json={"documentId": ME_ID, "operationName": "Me"},
            headers={"Authorization": f"Bearer {new['access_token']}"},
        )
        assert viewer.json()["data"]["viewer"]["displayName"] == "Ada Lovelace"
        # and signs out by revoking the refresh token
        revoked = await web.post(REVOKE_URL, data={"token": new["refresh_token"], "client_id": WEB_CLIENT_ID})
        assert revoked.status_code == 200
        # then the sign-in is over: the refresh token and the access token are refused
        again = await _refresh(web, new["refresh_token"])
        after = await web.post(
            "/graphql",
            json={"documentId": ME_ID, "operationName": "Me"},
            headers={"Authorization": f"Bearer {new['access_token']}"},
        )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert after.status_code == 401


async def test_hr_signed_in_to_the_web_app_gets_no_audit_log(oauth_app: Starlette) -> None:
    # given HR signs in to the web app (its client holds self-service scopes only)
    await make_employee("hr@example.com", role="hr")
    tokens = await _sign_in(oauth_app, "hr@example.com")
    assert "audit:read" not in tokens["scope"].split()
    # when the token is used for the audit log, a document the app does not ship
    async with browser(oauth_app) as web:
        response = await web.post(
            "/graphql", json={"query": AUDIT}, headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
    # then it does not run: the web app's client runs only its own operations
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
    assert "data" not in response.json() or response.json()["data"] is None


async def test_the_web_apps_operations_are_its_only_documents(oauth_app: Starlette) -> None:
    # given the server started (oauth_app registered the app's operations), and started again
    assert await ensure_web_documents() == 0
    # then the web client's trusted documents are exactly the app's operation files, by SHA-256
    files = {sha256_of(p.read_text()) for p in WEB_OPERATIONS.glob("*.graphql")}
    rows = await TrustedDocument.filter(client_id=WEB_CLIENT_ID).values_list("sha256", flat=True)
    stored = {str(digest) for digest in rows}
    assert files == stored and len(files) >= 15
    [row] = [c for c in await list_clients() if c["client_id"] == WEB_CLIENT_ID]
    assert row["trusted_documents_only"] is True


async def test_the_web_client_redirects_nowhere_else(oauth_app: Starlette) -> None:
    # when a forged sign-in link names another redirect URI for the web app's client
    url = _authorize_url(new_verifier(), redirect_uri="https://evil.example.com/")
    async with browser(oauth_app) as web:
        response = await web.get(url)
    # then the error page shows and the browser goes nowhere
    assert response.status_code == 400
    assert "location" not in response.headers
    assert re.search(r"redirect", response.text, re.IGNORECASE)


async def test_the_web_client_needs_pkce(oauth_app: Starlette) -> None:
    # when a sign-in link for the web app carries no code challenge
    params = {
        "response_type": "code",
        "client_id": WEB_CLIENT_ID,
        "redirect_uri": WEB_REDIRECT_URI,
        "state": "s1",
    }
    async with browser(oauth_app) as web:
        response = await web.get(f"{AUTHORIZE_URL}?{urlencode(params)}")
    # then the app is sent back the RFC's error before anyone signs in (a public client needs PKCE)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(WEB_REDIRECT_URI)
    assert query_of(location)["error"] == "invalid_request"
