"""GraphiQL at GET /graphql: served offline (only local assets), wired for PKCE sign-in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import config
from auth.oauth.clients import GRAPHIQL_CLIENT_ID
from auth.scopes import ALL_SCOPES
from config import Settings
from tests.support.oauth_helpers import (
    PASSWORD,
    browser,
    form_action,
    graphiql_authorize_url,
    make_employee,
    submit_login,
)
from web import vendor
from web.graphiql import graphiql_page, static_mount, wants_graphiql

STATIC_DIR = config.ROOT / "static"
VENDOR_INSTALLED = (STATIC_DIR / "vendor" / ".installed").is_file()
needs_vendor = pytest.mark.skipif(
    not VENDOR_INSTALLED,
    reason="static/vendor/ is not installed: run `make install` (npm ci + python -m web.vendor)",
)


class _PageParser(HTMLParser):
    """Collects every src/href and the attributes of the GraphiQL mount point."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.mount: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name) is not None:
                self.urls.append(values[name] or "")
        if values.get("id") == "graphiql":
            self.mount = values


def _parse(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    return parser


@pytest.fixture
async def page_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The page and /static on a tiny app, independent of how server.py dispatches /graphql."""

    async def page(request: Request) -> Response:
        return graphiql_page(request, settings)

    app = Starlette(routes=[Route("/graphql", page), static_mount()])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_page_references_only_local_static_assets(page_client: httpx.AsyncClient) -> None:
    response = await page_client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    urls = _parse(response.text).urls
    # React, ReactDOM, GraphiQL, the explorer, our script and the stylesheets.
    assert len(urls) >= 8
    # The empty inline icon keeps browsers from asking for /favicon.ico (a 404 on every visit).
    assert 'rel="icon" href="data:,"' in response.text
    urls.remove("data:,")
    for url in urls:
        assert not url.startswith(("http:", "https:", "//")), f"{url} is not served by us"
        assert url.startswith("/static/"), url
    assert "/static/graphiql.js" in urls
    assert "/static/vendor/graphiql.min.js" in urls


async def test_page_carries_client_issuer_and_scopes(page_client: httpx.AsyncClient) -> None:
    response = await page_client.get("/graphql", headers={"Accept": "text/html"})
    mount = _parse(response.text).mount
    assert mount["data-client-id"] == GRAPHIQL_CLIENT_ID == "peoplegraph-graphiql"
    assert mount["data-issuer"] == "http://testserver"
    assert (mount["data-scopes"] or "").split() == list(ALL_SCOPES)


async def test_page_headers_forbid_foreign_scripts_and_leaking_the_code(
    page_client: httpx.AsyncClient,
) -> None:
    response = await page_client.get("/graphql?code=abc&state=xyz", headers={"Accept": "text/html"})
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    # The OAuth redirect puts a one-time code in the URL: asset requests must not carry it.
    assert response.headers["referrer-policy"] == "no-referrer"


def test_our_script_loads_nothing_from_the_network_at_large() -> None:
    script = (STATIC_DIR / "graphiql.js").read_text()
    # Only the loopback hosts may appear (in the "needs a secure context" hint); every request
    # the script makes goes to the issuer or to this page's origin.
    assert re.findall(r"(?:https?:|wss?:)?//(?!127\.0\.0\.1|localhost)[\w.-]+\.[a-z]{2,}", script) == []
    assert "code_challenge_method" in script and "S256" in script
    # After "Sign out" the next sign-in must ask for the password (see the pages test below).
    assert 'params.set("prompt", "login")' in script


@needs_vendor
async def test_every_referenced_asset_is_served_by_the_app(
    http: httpx.AsyncClient, page_client: httpx.AsyncClient
) -> None:
    response = await page_client.get("/graphql", headers={"Accept": "text/html"})
    for url in _parse(response.text).urls:
        if url.startswith("data:"):
            continue  # inline, nothing to fetch
        asset = await http.get(url)  # through the real app: server.py mounts /static
        assert asset.status_code == 200, url
        expected = "text/css" if url.endswith(".css") else "javascript"
        assert expected in asset.headers["content-type"], url
        assert len(asset.content) > 100, url


async def test_get_graphql_in_a_browser_shows_graphiql(http: httpx.AsyncClient) -> None:
    # Wired by server.py: GET /graphql with Accept: text/html and no `query` renders the page.
    response = await http.get("/graphql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert _parse(response.text).mount["data-client-id"] == GRAPHIQL_CLIENT_ID


def _request(method: str = "GET", query: str = "", accept: str | None = "text/html") -> Request:
    headers = [(b"accept", accept.encode())] if accept is not None else []
    scope = {
        "type": "http",
        "method": method,
        "path": "/graphql",
        "query_string": query.encode(),
        "headers": headers,
    }
    return Request(scope)


@pytest.mark.parametrize(
    ("method", "query", "accept", "expected"),
    [
        ("GET", "", "text/html,application/xhtml+xml,*/*;q=0.8", True),
        ("GET", "code=abc&state=xyz", "text/html", True),  # back from /oauth/authorize
        ("GET", "query=%7Bviewer%7Bid%7D%7D", "text/html", False),  # a query over GET
        ("GET", "", "application/json", False),
        ("GET", "", None, False),
        ("POST", "", "text/html", False),
    ],
)
def test_wants_graphiql(method: str, query: str, accept: str, expected: bool) -> None:
    assert wants_graphiql(_request(method, query, accept)) is expected


def _fake_node_modules(root: Path) -> Path:
    node_modules = root / "node_modules"
    for src in vendor.VENDOR_FILES.values():
        path = node_modules / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"/* {src} */")
    (node_modules / "graphiql" / "README.md").write_text("not needed")
    return node_modules


def test_vendor_copies_exactly_the_needed_files(tmp_path: Path) -> None:
    node_modules = _fake_node_modules(tmp_path)
    target = tmp_path / "static" / "vendor"
    target.mkdir(parents=True)
    (target / "stale.js").write_text("left over from an older version")

    vendor.install(node_modules, target)

    assert sorted(p.name for p in target.iterdir()) == sorted(vendor.VENDOR_FILES)
    assert (target / "graphiql.min.js").read_text() == "/* graphiql/graphiql.min.js */"
    # The page loads exactly the vendored files.
    assert set(vendor.SCRIPTS) | set(vendor.STYLESHEETS) == set(vendor.VENDOR_FILES)


def test_vendor_explains_a_missing_node_modules(tmp_path: Path) -> None:
    with pytest.raises(vendor.VendorError, match="npm ci"):
        vendor.install(tmp_path / "node_modules", tmp_path / "vendor")
    node_modules = _fake_node_modules(tmp_path)
    (node_modules / "react" / "umd" / "react.production.min.js").unlink()
    with pytest.raises(vendor.VendorError, match="react/umd/react.production.min.js"):
        vendor.install(node_modules, tmp_path / "vendor")


async def test_prompt_login_asks_again_despite_the_sign_in_session(oauth_app: Starlette) -> None:
    """GraphiQL's "Sign out" then "Sign in" can be someone else: prompt=login shows the form."""
    ada = await make_employee("ada@example.com")
    hr = await make_employee("hr@example.com", role="hr")
    async with browser(oauth_app) as web:
        first = await submit_login(web, graphiql_authorize_url(), ada.email, PASSWORD)
        assert first.status_code == 302
        # Without the prompt the sign-in session answers straight away (first-party client)...
        assert (await web.get(graphiql_authorize_url())).status_code == 302
        # ...with it the form shows, and signing in there is a normal sign-in, as anyone.
        again = await web.get(graphiql_authorize_url("login"))
        assert again.status_code == 200
        assert 'name="password"' in again.text
        switched = await submit_login(web, graphiql_authorize_url("login"), hr.email, PASSWORD)
    assert switched.status_code == 302
    assert switched.headers["location"].startswith("http://testserver/graphql?code=")


async def test_expired_form_links_back_to_the_sign_in(oauth_app: Starlette) -> None:
    ada = await make_employee("ada@example.com")
    url = graphiql_authorize_url()
    async with browser(oauth_app) as web:
        page = await web.get(url)
        response = await web.post(
            form_action(page.text), data={"action": "login", "email": ada.email, "password": PASSWORD}
        )
    assert response.status_code == 403
    assert "Back to sign-in" in response.text
    assert url.removeprefix("http://testserver").replace("&", "&amp;") in response.text
