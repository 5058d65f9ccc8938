"""The self-service web app at GET / (issue 16): an HTML shell that loads the bundle built from
web/app/ into static/app/ at set-up (`make install` runs esbuild; nothing comes from a CDN).

The app signs in as the built-in public client `peoplegraph-web` (auth/oauth/clients.py), whose
redirect URI is `{issuer}/`: this page, which finishes the sign-in when it comes back with
`?code=&state=`. Its Content-Security-Policy keeps every request on this server's origin.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

import config
from auth.oauth.clients import WEB_CLIENT_ID, WEB_SCOPES
from config import Settings

APP_PREFIX = "/static/app"
BUNDLE = config.ROOT / "static" / "app" / "app.js"


def _ws_origin(origin: str) -> str:
    return (
        "wss://" + origin.removeprefix("https://")
        if origin.startswith("https://")
        else "ws://" + origin.removeprefix("http://")
    )


def content_security_policy(settings: Settings) -> str:
    """Scripts, styles, images and every connection stay on this origin: 'self', plus the issuer
    (the token endpoint, when it is another origin) and the WebSocket form of the issuer's origin
    for the live subscription (spelled out: older browsers do not count ws: as 'self')."""
    parts = urlsplit(settings.issuer)
    origin = f"{parts.scheme}://{parts.netloc}"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {origin} {_ws_origin(origin)}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        )
    )


def render_webapp_html(settings: Settings) -> str:
    """The shell: a mount point carrying the settings as data-* attributes (no inline script)."""
    attrs = {
        "data-issuer": settings.issuer,
        "data-client-id": WEB_CLIENT_ID,
        "data-scopes": " ".join(WEB_SCOPES),
    }
    data = " ".join(f'{key}="{escape(value, quote=True)}"' for key, value in attrs.items())
    missing = (
        ""
        if BUNDLE.is_file()
        else (
            '\n      <p role="alert">The web app is not built: run <code>make install</code> '
            "(npm ci and the esbuild bundle) and reload.</p>"
        )
    )
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>peoplegraph</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="{APP_PREFIX}/app.css">
    <script type="module" src="{APP_PREFIX}/app.js"></script>
  </head>
  <body>
    <div id="app" {data}>
      <noscript>The peoplegraph web app needs JavaScript. The API is at /graphql.</noscript>{missing}
    </div>
  </body>
</html>
"""


def webapp_route(settings: Settings) -> Route:
    async def webapp(request: Request) -> HTMLResponse:
        return HTMLResponse(
            render_webapp_html(settings),
            headers={
                "Content-Security-Policy": content_security_policy(settings),
                # The sign-in comes back here with ?code= in the URL: never pass it on as Referer.
                "Referrer-Policy": "no-referrer",
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-cache",
            },
        )

    return Route("/", webapp, methods=["GET"], name="webapp")
