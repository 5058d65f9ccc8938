"""The GraphQL endpoint: authentication, limits and error shapes around Strawberry's ASGI view."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from auth.principal import Principal
from auth.tokens import InvalidToken, authenticate, authenticate_token, www_authenticate_header
from config import Settings
from schema.context import Context
from schema.idempotent_http import is_mutation, read_body, replaying, serve_once
from schema.ws_protocol import OperationErrorsHandler

MAX_BODY_BYTES = 256 * 1024


def _error_body(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def _code_for(message: str, located: bool) -> str:
    if "tokens" in message and "Parsing aborted" in message:
        return "TOO_MANY_TOKENS"
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    return "GRAPHQL_VALIDATION_FAILED" if not located else "INTERNAL_SERVER_ERROR"


class GraphQLEndpoint(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = OperationErrorsHandler

    def __init__(self, schema: Any, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            keep_alive=True,
            keep_alive_interval=15,
            allowed_origins=settings.cors_origins,
        )
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = await self._authenticate_http(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
            try:
                await self._serve_http(scope, _limited(receive, MAX_BODY_BYTES), send)
            except BodyTooLarge:  # raised while reading the body, before any response was sent
                await _too_large()(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        principal = scope["state"]["principal"]
        if key is None or principal is None or scope["method"] != "POST":
            await super().__call__(scope, receive, send)
            return
        body = await read_body(receive)
        if not is_mutation(body):
            await super().__call__(scope, replaying(body), send)
            return
        await serve_once(super().__call__, scope, send, principal, key, body)

    async def _authenticate_http(self, scope: Scope) -> Response | None:
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return _too_large()
        try:
            principal = await authenticate(headers.get("authorization"))
        except InvalidToken as exc:
            return JSONResponse(
                _error_body(str(exc), "UNAUTHENTICATED"),
                status_code=401,
                headers={"WWW-Authenticate": www_authenticate_header(str(exc))},
            )
        scope.setdefault("state", {})["principal"] = principal
        return None

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        principal: Principal | None = request.scope.get("state", {}).get("principal")
        return Context(
            settings=self.settings,
            principal=principal,
            request=request,
            response=response,
            idempotency_key=request.headers.get("idempotency-key"),
        )

    async def on_ws_connect(self, context: Context) -> None:
        """Authenticate a WebSocket from its `connection_init` payload; refuse with 4403 otherwise.

        The payload carries `{"Authorization": "Bearer <access token>"}` (any case of the key).
        The context lives as long as the connection; subscriptions renew its caches per event.
        """
        params = context.connection_params or {}
        header = next(
            (v for k, v in params.items() if k.lower() == "authorization" and isinstance(v, str)), None
        )
        scheme, _, token = (header or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ConnectionRejectionError(
                {"message": "Send `Authorization: Bearer <token>` in connection_init."}
            )
        try:
            context.principal = await authenticate_token(token)
        except InvalidToken as exc:
            raise ConnectionRejectionError({"message": exc.description}) from None
        context.renew()

    async def render_graphql_ide(self, request: Request) -> Response:
        from web.graphiql import graphiql_page

        return graphiql_page(request, self.settings)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            formatted = []
            for error in result.errors:
                item = error.formatted
                extensions = dict(item.get("extensions") or {})
                extensions.setdefault("code", _code_for(error.message, bool(error.path)))
                item["extensions"] = extensions
                formatted.append(item)
            data["errors"] = formatted  # type: ignore[typeddict-item]
        if result.extensions:
            data["extensions"] = result.extensions
        return data


def _too_large() -> JSONResponse:
    return JSONResponse(
        _error_body(f"The request body is larger than {MAX_BODY_BYTES} bytes.", "REQUEST_TOO_LARGE"),
        status_code=413,
    )


def _limited(receive: Receive, limit: int) -> Receive:
    """Refuse bodies sent without a length that grow past the limit."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        return message

    return wrapped


class BodyTooLarge(Exception):
    pass
