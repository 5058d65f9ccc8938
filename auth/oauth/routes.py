"""OAuth 2 endpoints: token, authorize, revoke, introspect, server metadata and JWKS.

`startup(settings)` loads (or makes) the signing keys and registers the built-in GraphiQL client;
the app's lifespan calls it, and so do tests that skip the lifespan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from auth import tokens
from auth.keys import ALGORITHM, session_secret
from auth.oauth import params, store
from auth.oauth.clients import ensure_graphiql_client
from auth.oauth.csrf import SESSION_COOKIE, CookieSigner
from auth.oauth.documents import ensure_web_documents
from auth.oauth.pages import AuthorizePages, DemoPassword
from auth.oauth.server import PeopleGraphAuthorizationServer, PlainOAuth2Request, build_server
from auth.oauth.server import Response as OAuthResult
from auth.oauth.throttle import Throttles
from auth.scopes import ALL_SCOPES
from config import Settings

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class _Refused(Exception):
    """A request refused before Authlib sees it, with the RFC 6749 error JSON to answer."""

    def __init__(self, status: int, error: str, description: str, headers: dict[str, str] | None = None):
        super().__init__(description)
        self.response = JSONResponse(
            {"error": error, "error_description": description},
            status_code=status,
            headers={**_NO_STORE, **(headers or {})},
        )


@dataclass(frozen=True)
class _EndpointRequest:
    oauth: PlainOAuth2Request
    # The client that authenticates with a secret (Basic or client_secret_post), if any: the
    # one whose wrong secrets are counted.
    secret_client_id: str | None


async def _endpoint_request(request: Request, required: tuple[str, ...]) -> _EndpointRequest:
    """Read and check a token/revoke/introspect request: malformed ones never reach Authlib."""
    try:
        form = await params.read_form(request)
    except params.MalformedBody as exc:
        raise _Refused(400, "invalid_request", str(exc)) from exc
    query = request.query_params.multi_items()
    credentials = params.basic_credentials(request.headers.get("authorization"))
    if isinstance(credentials, params.Problem):
        raise _Refused(401, credentials.error, credentials.description, {"WWW-Authenticate": "Basic"})
    if problem := params.find_problem([*query, *form], required=required):
        raise _Refused(400, problem.error, problem.description)
    fields = dict(form)
    if credentials is not None:
        secret_client_id: str | None = credentials[0]
    else:
        secret_client_id = fields.get("client_id") if fields.get("client_secret") else None
    oauth = PlainOAuth2Request(request.method, str(request.url), request.headers, query, form)
    return _EndpointRequest(oauth, secret_client_id)


def _json(result: tuple[int, Any, list[tuple[str, str]]]) -> Response:
    status, body, headers = result
    merged = {**dict(headers), **_NO_STORE}
    merged.pop("Content-Type", None)
    return JSONResponse(body, status_code=status, headers=merged)


async def _answer(
    request: Request, run: Callable[[PlainOAuth2Request], OAuthResult], required: str
) -> Response:
    """Check the request, refuse a client locked out for wrong secrets, run the endpoint in a
    worker thread, and count the outcome of the client's secret."""
    try:
        checked = await _endpoint_request(request, (required,))
    except _Refused as refused:
        return refused.response
    client_id = checked.secret_client_id
    throttle = THROTTLES.client_secret
    if client_id and (wait := await throttle.retry_after(client_id)) > 0:
        return _too_many_client_failures(wait)
    status, body, headers = await to_thread.run_sync(run, checked.oauth)
    if client_id:
        if isinstance(body, dict) and body.get("error") == "invalid_client":
            # Unknown ids are not remembered: a flood of made-up ids costs no memory.
            known = await store.get_client(client_id) is not None
            if known and (wait := await throttle.record_failure(client_id)) > 0:
                return _too_many_client_failures(wait)
        else:
            await throttle.record_success(client_id)
    return _json((status, body, headers))


def _too_many_client_failures(wait: float) -> Response:
    seconds = int(wait) + 1
    return JSONResponse(
        {
            "error": "invalid_client",
            "error_description": f"Too many failed client authentications: retry in {seconds} s.",
        },
        status_code=429,
        headers={**_NO_STORE, "Retry-After": str(seconds)},
    )


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
        "authorization_response_iss_parameter_supported": True,
    }


def oauth_routes(settings: Settings, *, demo_password: DemoPassword | None = None) -> list[BaseRoute]:
    # Built lazily: the signing keys and the cookie secret exist only after startup().
    state: dict[str, Any] = {}

    def server() -> PeopleGraphAuthorizationServer:
        if "server" not in state:
            tokens.current_state()  # fails clearly when startup() was not called
            state["server"] = build_server(settings)
        built: PeopleGraphAuthorizationServer = state["server"]
        return built

    def pages() -> AuthorizePages:
        if "pages" not in state:
            signer = CookieSigner(
                session_secret(settings.data_dir), secure=settings.issuer.startswith("https:")
            )
            state["pages"] = AuthorizePages(server(), signer, THROTTLES, settings.issuer, demo_password)
        built: AuthorizePages = state["pages"]
        return built

    async def token(request: Request) -> Response:
        return await _answer(request, server().create_token_response, "grant_type")

    async def revoke(request: Request) -> Response:
        response = await _answer(request, partial(server().create_endpoint_response, "revocation"), "token")
        if SESSION_COOKIE in request.cookies:
            # A browser signing out (GraphiQL, a same-origin app) also ends its sign-in session,
            # so the next "Sign in" asks for the password instead of silently coming back.
            pages().cookies.clear_session_cookie(response)
        return response

    async def introspect(request: Request) -> Response:
        return await _answer(request, partial(server().create_endpoint_response, "introspection"), "token")

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


# One per process, counting in Redis once startup() saw REDIS_URL; tests clear it between cases.
THROTTLES = Throttles()


async def startup(settings: Settings) -> None:
    """Load or create signing keys and the cookie secret; register the GraphiQL client.

    Only a serving process calls this (the app's lifespan): the GraphiQL client's redirect URI
    is this server's `/graphql`, which another command's environment knows nothing about.
    """
    tokens.configure(settings)
    session_secret(settings.data_dir)
    await THROTTLES.configure(settings.redis_url, settings.database_url)
    await ensure_graphiql_client(settings)
    await ensure_web_documents()
