"""The GraphQL endpoint at /graphql, HTTP and WebSocket: `GraphQLApp` builds it.

From the outside in (the app-wide middleware of web/middleware.py comes first: metrics, CORS,
the body limit, DATABASE_UNAVAILABLE; ahead of all of it, web/front.py answers cached compiled
reads and hands WebSockets straight to `GraphQLEndpoint`):

1. `AuthenticationMiddleware` with `BearerTokens` (web/authentication.py): `request.user`;
   a bad token is answered 401 here;
2. `IdempotentMutations` (web/idempotency.py): a mutation with an `Idempotency-Key` runs once;
3. `FastReads` (web/fast_reads.py): a compiled read the full path has answered before is
   answered again from its cached plan, without Strawberry; anything else goes on to
4. `GraphQLEndpoint`, Strawberry's ASGI view: media types, the shape of the request
   (web/graphql_request.py), the context (web/context.py), the WebSocket's `connection_init`
   token, and a JSON error with a stable code for every refusal; a request that accepts
   `text/event-stream` is served by `EventStreams` instead (web/sse.py, graphql-sse).
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.datastructures import Headers
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from auth.rate_limit import RateLimiter
from config import Settings
from resolvers.core.problems import ProblemCode
from schema.extensions.persisted import PROTOCOL_CODES, PersistedQueryCache
from schema.extensions.throttle import LIMITER_STATE
from web import graphql_request as rq
from web.authentication import BearerTokens, principal_from_connection_params, principal_of, refuse_token
from web.context import Context
from web.errors import JSON, RequestRefused, graphql_error_code
from web.fast_reads import FastReads
from web.graphiql import graphiql_page
from web.idempotency import IdempotentMutations
from web.sse import EventStreams, wants_stream
from web.ws_protocol import OperationErrorsHandler

# Per method, the operations HTTP serves; subscriptions go over the WebSocket.
_ALLOWED = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
}


def _media_type(request: Request) -> str | None:
    media: str | None = request.scope["state"].get("graphql_media_type")
    return media


def _is_request_error(result: ExecutionResult) -> bool:
    """Nothing ran: the document did not parse or validate, or its variables did not coerce."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(not e.path for e in errors)


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
        self.persisted_queries = PersistedQueryCache(settings.http)
        self.rate_limiter = RateLimiter.for_settings(settings)
        self.fast_reads = FastReads(schema._schema, settings, self.persisted_queries, self.encode_json)
        self.event_streams = EventStreams(self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})
        state["persisted_queries"] = self.persisted_queries
        state[LIMITER_STATE] = self.rate_limiter
        if wants_stream(scope):
            await self.event_streams(scope, receive, send)
        elif scope["type"] == "http":
            state["graphql_media_type"] = rq.negotiate(Headers(scope=scope).get("accept"))
            await self._respond(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def _respond(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's HTTP handling, with every refusal a JSON error instead of plain text."""
        request = Request(scope=scope, receive=receive)
        media = _media_type(request)
        response: Response | None
        try:
            if self.should_render_graphql_ide(self.request_adapter_class(request)):
                response = None
            elif media is None:
                raise rq.not_acceptable()
            else:
                response = await self.fast_reads.respond(request, media)
            if response is None:
                response = await self.run(request)
        except RequestRefused as refusal:
            response = refusal.response(_media_type(request))
        except HTTPException as exc:  # what Strawberry itself refuses: a method it does not serve
            allow = {"Allow": "GET, POST"} if exc.status_code == 405 else {}
            code = ProblemCode.METHOD_NOT_ALLOWED if exc.status_code == 405 else ProblemCode.BAD_REQUEST
            response = RequestRefused(exc.status_code, code, exc.reason, allow).response(_media_type(request))
        await response(scope, receive, send)

    def encode_json(self, data: object) -> str:
        """Responses and WebSocket messages as compact JSON, by orjson (non-ASCII text as UTF-8);
        a value orjson does not take (an integer beyond 64 bits) by the standard library."""
        try:
            return orjson.dumps(data).decode()
        except TypeError:
            return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    def decode_json(self, data: str | bytes) -> object:
        """WebSocket messages, parsed as strictly as bodies; Strawberry closes with 4400 on a
        JSONDecodeError, so every refusal is reported as one."""
        try:
            return rq.decode_json(data, "message")
        except RequestRefused as refusal:
            raise json.JSONDecodeError(refusal.message, "", 0) from None

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        if request.method == "GET":
            payload = rq.query_params_payload(request.query_params)
        else:
            rq.check_content_type(request.content_type)
            payload = rq.decode_json(await request.get_body(), "request body")
        return rq.request_data(payload)

    async def execute_single(  # noqa: PLR0917
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        method = request_adapter.method
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=_ALLOWED[method],
                operation_extensions=request_data.extensions,
            )
        except MissingQueryError:
            raise rq.bad_request("The request has no `query` (nor a known persisted query).") from None
        except CannotGetOperationTypeError as exc:
            raise rq.bad_request(exc.as_http_error_reason(), ProblemCode.UNKNOWN_OPERATION) from None
        except InvalidOperationTypeError as exc:
            if exc.operation_type == OperationType.SUBSCRIPTION:
                raise rq.bad_request(
                    "Subscriptions are served over the WebSocket at /graphql (graphql-transport-ws), not HTTP.",
                    ProblemCode.SUBSCRIPTION_OVER_HTTP,
                ) from None
            raise RequestRefused(
                405, ProblemCode.METHOD_NOT_ALLOWED, "Mutations must be sent with POST.", {"Allow": "POST"}
            ) from None

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(
            settings=self.settings,
            principal=principal_of(request.scope),
            request=request,
            response=response,
            idempotency_key=request.headers.get("idempotency-key"),
        )

    async def on_ws_connect(self, context: Context) -> None:
        """Authenticate a WebSocket from its `connection_init` payload; refuse with 4403 otherwise.

        The context lives as long as the connection; subscriptions renew its caches per event.
        """
        context.principal = await principal_from_connection_params(context.connection_params)
        context.connection_params = None  # read only here; its token text is most of it (bench/README.md)
        context.renew()

    def should_render_graphql_ide(self, request: Any) -> bool:
        """A GET naming a trusted document (`documentId`) is an operation, as one with `query` is."""
        return super().should_render_graphql_ide(request) and request.query_params.get("documentId") is None

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page(request, self.settings)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if _is_request_error(result) and _media_type(request) == rq.GRAPHQL_RESPONSE:
            del data["data"]  # the spec's sign, for this media type, that nothing was executed
        if result.errors:
            formatted = []
            for error in result.errors:
                item = error.formatted
                extensions = dict(item.get("extensions") or {})
                extensions.setdefault("code", graphql_error_code(error))
                item["extensions"] = extensions
                formatted.append(item)
            data["errors"] = formatted  # type: ignore[typeddict-item]
        if result.extensions:
            data["extensions"] = result.extensions
        return data

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = request.scope["state"].get("graphql_media_type")
        return sub_response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        """Per the GraphQL-over-HTTP spec: with `application/graphql-response+json`, a request
        that was not executed is a 400; with `application/json` every GraphQL result is a 200.
        The persisted-query protocol's answers stay 200, as Apollo and urql expect."""
        media = sub_response.media_type or JSON
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{media}; charset=utf-8"
        if (
            sub_response.status_code is None
            and media == rq.GRAPHQL_RESPONSE
            and isinstance(response_data, dict)
        ):
            codes = {e.get("extensions", {}).get("code") for e in response_data.get("errors", [])}
            if "data" not in response_data and not codes <= PROTOCOL_CODES:
                response.status_code = 400
        return response


class GraphQLApp:
    """/graphql, over HTTP and WebSocket: the stack of the module docstring."""

    def __init__(self, schema: Any, settings: Settings) -> None:
        self.endpoint = GraphQLEndpoint(schema, settings)
        self._stack = AuthenticationMiddleware(
            IdempotentMutations(self.endpoint), BearerTokens(), on_error=refuse_token
        )

    @property
    def persisted_queries(self) -> PersistedQueryCache:
        return self.endpoint.persisted_queries

    @property
    def rate_limiter(self) -> RateLimiter | None:
        return self.endpoint.rate_limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._stack(scope, receive, send)
