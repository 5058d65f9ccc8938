"""OAuth 2 endpoints: token, authorize, revoke, introspect, server metadata and JWKS.

`startup(settings)` loads (or makes) the signing keys and registers the built-in GraphiQL client;
the app's lifespan calls it, and so do tests that skip the lifespan.
"""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from auth import tokens
from auth.clients import ensure_graphiql_client
from auth.csrf import SESSION_COOKIE, CookieSigner
from auth.keys import ALGORITHM, session_secret
from auth.pages import AuthorizePages
from auth.scopes import ALL_SCOPES
from auth.server import PeopleGraphAuthorizationServer, PlainOAuth2Request, build_server
from auth.throttle import LoginThrottle
from config import Settings

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def _oauth_request(request: Request) -> PlainOAuth2Request:
    form = await request.form()
    return PlainOAuth2Request(
        request.method,
        str(request.url),
        request.headers,
        request.query_params.multi_items(),
        [(k, v) for k, v in form.multi_items() if isinstance(v, str)],
    )


def _json(result: tuple[int, Any, list[tuple[str, str]]]) -> Response:
    status, body, headers = result
    merged = {**dict(headers), **_NO_STORE}
    merged.pop("Content-Type", None)
    return JSONResponse(body, status_code=status, headers=merged)


def metadata(settings: Settings) -> dict[str, Any]:
    """RFC 8414 authorization server metadata."""
    issuer = settings.issuer
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oauth/authorize",
        "token_endpoint": f"{issuer}/oauth/token",
        "revocation_endpoint": f"{issuer}/oauth/revoke",
        "introspection_endpoint": f"{issuer}/oauth/introspect",
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "scopes_supported": list(ALL_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_signing_alg_values_supported": [ALGORITHM],
        "authorization_response_iss_parameter_supported": False,
    }


def oauth_routes(settings: Settings) -> list[BaseRoute]:
    # Built lazily: the signing keys and the cookie secret exist only after startup().
    state: dict[str, Any] = {}

    def server() -> PeopleGraphAuthorizationServer:
        if "server" not in state:
            tokens.current_state()  # fails clearly when startup() was not called
            state["server"] = build_server(settings)
        return state["server"]

    def pages() -> AuthorizePages:
        if "pages" not in state:
            signer = CookieSigner(
                session_secret(settings.data_dir), secure=settings.issuer.startswith("https:")
            )
            state["pages"] = AuthorizePages(server(), signer, LOGIN_THROTTLE)
        return state["pages"]

    async def token(request: Request) -> Response:
        oauth_request = await _oauth_request(request)
        return _json(await to_thread.run_sync(server().create_token_response, oauth_request))

    async def revoke(request: Request) -> Response:
        oauth_request = await _oauth_request(request)
        response = _json(
            await to_thread.run_sync(server().create_endpoint_response, "revocation", oauth_request)
        )
        if SESSION_COOKIE in request.cookies:
            # A browser signing out (GraphiQL, a same-origin app) also ends its sign-in session,
            # so the next "Sign in" asks for the password instead of silently coming back.
            pages().cookies.clear_session_cookie(response)
        return response

    async def introspect(request: Request) -> Response:
        oauth_request = await _oauth_request(request)
        return _json(
            await to_thread.run_sync(server().create_endpoint_response, "introspection", oauth_request)
        )

    async def authorize(request: Request) -> Response:
        return await pages()(request)

    async def server_metadata(request: Request) -> Response:
        return JSONResponse(metadata(settings), headers={"Cache-Control": "public, max-age=300"})

    async def jwks(request: Request) -> Response:
        keys = tokens.current_state().keys
        return JSONResponse(keys.public_jwks(), headers={"Cache-Control": "public, max-age=300"})

    return [
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/authorize", authorize, methods=["GET", "POST"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
        Route("/oauth/introspect", introspect, methods=["POST"]),
        Route("/.well-known/oauth-authorization-server", server_metadata, methods=["GET"]),
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
    ]


# One per process; tests clear it between cases.
LOGIN_THROTTLE = LoginThrottle()


async def startup(settings: Settings) -> None:
    """Load or create signing keys and the cookie secret; register the GraphiQL client."""
    tokens.configure(settings)
    session_secret(settings.data_dir)
    await ensure_graphiql_client(settings)
