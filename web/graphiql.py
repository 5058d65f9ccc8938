"""GraphiQL page for browsers at GET /graphql, served entirely from this server.

Strawberry's own GraphiQL loads React and GraphiQL from a CDN, which fails offline and leaks
analysts' usage to a third party. This page loads only files under /static: the vendored UMD
builds (see web/vendor.py) and our small static/graphiql.js, which adds sign-in with the
authorization code flow + PKCE against the server's built-in public client.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

import config
from auth.oauth.clients import GRAPHIQL_CLIENT_ID
from auth.scopes import ALL_SCOPES
from config import Settings
from web.vendor import SCRIPTS, STYLESHEETS

# GRAPHIQL_CLIENT_ID is the first-party public client the OAuth server registers for this page
# (auth/oauth/clients.py); its redirect URI is `{issuer}/graphql`, i.e. this page, which finishes the
# sign-in when it comes back with `?code=&state=`.
STATIC_PREFIX = "/static"
VENDOR_PREFIX = f"{STATIC_PREFIX}/vendor"


def static_mount() -> Mount:
    """Serve the repository's static/ folder (our JS/CSS and the vendored files) at /static.

    check_dir=False: the folder's vendor/ part only exists after `make install`; the app (and
    tests that don't need the assets) must still start without it.
    """
    return Mount(
        STATIC_PREFIX,
        app=StaticFiles(directory=config.ROOT / "static", check_dir=False),
        name="static",
    )


def wants_graphiql(request: Request) -> bool:
    """True for a browser opening /graphql: a GET that prefers HTML and carries no `query`.

    A GET with `?query=` is a GraphQL request (queries over GET) even from a browser; a GET
    with `?code=&state=` is the OAuth redirect back to this page and must show GraphiQL.
    """
    if request.method != "GET" or "query" in request.query_params:
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept.lower()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _content_security_policy(settings: Settings) -> str:
    # Enforces in the browser what this page promises: scripts, styles and fonts come from this
    # origin only (GraphiQL's fonts are inlined data: URIs; it sets inline styles, hence
    # 'unsafe-inline' for styles only). connect-src adds the issuer for /oauth/token when the
    # issuer is another origin; 'self' also covers ws(s) to this host for subscriptions.
    connect = "'self'"
    issuer_origin = _origin(settings.issuer)
    if issuer_origin.startswith(("http://", "https://")):
        connect += f" {issuer_origin}"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "font-src 'self' data:",
            "img-src 'self' data:",
            f"connect-src {connect}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        )
    )


def render_graphiql_html(settings: Settings) -> str:
    """The page's HTML. No inline script: configuration travels in data-* attributes."""
    stylesheets = "\n".join(
        f'    <link rel="stylesheet" href="{VENDOR_PREFIX}/{name}">' for name in STYLESHEETS
    )
    scripts = "\n".join(f'    <script src="{VENDOR_PREFIX}/{name}"></script>' for name in SCRIPTS)
    attrs = {
        "data-issuer": settings.issuer,
        "data-client-id": GRAPHIQL_CLIENT_ID,
        "data-scopes": " ".join(ALL_SCOPES),
        "data-graphql-path": "/graphql",
    }
    data = " ".join(f'{key}="{escape(value, quote=True)}"' for key, value in attrs.items())
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>peoplegraph · GraphiQL</title>
    <link rel="icon" href="data:,">
{stylesheets}
    <link rel="stylesheet" href="{STATIC_PREFIX}/graphiql.css">
  </head>
  <body>
    <header class="pg-bar">
      <span class="pg-title">peoplegraph</span>
      <span id="pg-auth-status" class="pg-auth-status" role="status">Not signed in</span>
      <span id="pg-scopes" class="pg-scopes" hidden></span>
      <span id="pg-cost" class="pg-cost" role="status" hidden></span>
      <label id="pg-switch-label" class="pg-switch" hidden>Switch to
        <select id="pg-switch" class="pg-button"><option value="">demo account…</option></select>
      </label>
      <button id="pg-sign-in" class="pg-button" type="button" hidden>Sign in</button>
      <button id="pg-sign-out" class="pg-button" type="button" hidden>Sign out</button>
    </header>
    <main id="graphiql" class="pg-graphiql" {data}>
      <noscript>GraphiQL needs JavaScript. POST queries to /graphql with any GraphQL client.</noscript>
    </main>
{scripts}
    <script src="{STATIC_PREFIX}/graphiql.js"></script>
  </body>
</html>
"""


def graphiql_page(request: Request, settings: Settings) -> HTMLResponse:
    """GraphiQL for GET /graphql when `wants_graphiql(request)`."""
    return HTMLResponse(
        render_graphiql_html(settings),
        headers={
            "Content-Security-Policy": _content_security_policy(settings),
            # The OAuth redirect lands here with ?code= in the URL: never send it on as Referer.
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            # Cheap to render and carries settings: always revalidate.
            "Cache-Control": "no-cache",
        },
    )
