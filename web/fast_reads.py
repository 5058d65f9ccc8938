"""The endpoint's fast path for compiled reads (issue 12, planner/README.md).

A query that the full path (Strawberry, its extensions, the planner's `CompiledReads`) has
already answered from a plan is registered in `planner.plans.SERVED`, by document digest and
operation name. The next request for it is answered here, ahead of Strawberry: the token was
checked by `AuthenticationMiddleware` as for every request (signature, and revocation:
web/token_checks.py); this module reads the request as strictly as the full path (web/graphql_request.py),
resolves a persisted-query hash, refuses the variables' text as `ReadInputText` would, coerces
the variables against the operation's definitions, estimates the cost (cached by the shape of
the values the estimate reads), takes the policy from the process's policy cache (unless the plan reads
none of it; `_policy`), finds the
very plan the full path would use
(same plan key: dialect, document, operation, variables' shape, scopes, principal's class), runs
its statements bound to the variables and the asking viewer's facts, as the full path binds them,
and writes the same JSON (keys in the same order), headers and metrics as the full path: the
statements' JSON text goes into the body unparsed (planner/plans.py `run_spliced`).

Whatever does not match exactly, an unknown document, anonymous, bad JSON or variables, a text
or cost the full path refuses, a plan not cached or pinned to other values, a database error,
returns None: the full path then answers, unchanged, and reports whatever is wrong. The
document's own checks (parse, validation, depth, aliases, tokens, literal text) were passed when
it was registered, and do not depend on the request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import VariableValues, get_variable_values
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLRequestData
from tortoise.connection import connections

from auth.policy import Policy
from auth.principal import Principal
from config import Settings
from events.brokers import BrokerNotRunning, current_broker
from planner.plans import PLANS, SERVED, Served, plan_key, run_spliced, served_key, shared_plan
from resolvers.live.policies import policy_cache
from schema.extensions.cost import MAX_COST, estimate
from schema.extensions.document_cache import STORE
from schema.extensions.persisted import PersistedQueryCache, owner_of, persisted_query
from schema.extensions.text_guard import variable_problems
from schema.extensions.throttle import charge, cost_extension
from web import graphql_request as rq
from web.authentication import principal_of
from web.errors import JSON, RequestRefused
from web.metrics import FAST_READS, OPERATIONS

log = logging.getLogger("peoplegraph.fast_reads")

Encoder = Callable[[object], str | bytes]


def _cost_shape(value: Any) -> Any:
    """What the cost estimate can read of the variables: numbers, booleans, nulls and list
    lengths (page sizes, `nodes(ids:)`), by name; every string is alike to it."""
    if isinstance(value, str):
        return str
    if isinstance(value, Mapping):
        return tuple((key, _cost_shape(item)) for key, item in value.items())
    if isinstance(value, list):
        return (list, tuple(_cost_shape(item) for item in value))
    return (type(value), value)


def _operation_name(document: DocumentNode, provided: str | None) -> str | None:
    """The name the full path plans under: Strawberry's `ExecutionContext.operation_name`, the
    name given or else the first operation's."""
    if provided is not None:
        return provided
    first = next((d for d in document.definitions if isinstance(d, OperationDefinitionNode)), None)
    return first.name.value if first is not None and first.name is not None else None


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and (name is None or (d.name and d.name.value == name))
    ]
    return operations[0] if len(operations) == 1 else None


class FastReads:
    def __init__(
        self, schema: GraphQLSchema, settings: Settings, persisted: PersistedQueryCache, encode: Encoder
    ) -> None:
        self.schema, self.settings, self.persisted, self.encode = schema, settings, persisted, encode

    async def respond(self, request: Request, media: str) -> Response | None:
        """The full path's answer to a registered compiled read, or None: the full path answers."""
        body = await self.body(request)
        if body is None:
            return None
        response = Response(body, media_type=JSON)
        response.headers["content-type"] = f"{media}; charset=utf-8"
        return response

    async def body(self, request: Request) -> bytes | None:
        """`respond`'s body (counted in the metrics as answered), or None."""
        principal = principal_of(request.scope)
        if self.settings.read_path == "resolvers" or principal is None:
            return None
        if principal.trusted_documents_only:
            return None  # the full path checks its registered documents
        try:
            data = await self._request_data(request)
        except RequestRefused:
            return None
        if data is None:
            return None
        try:
            query, register = self._query(data)
        except GraphQLError:
            return None
        if not query or query not in STORE:
            return None
        document = STORE.parsed(query, {}).document
        name = _operation_name(document, data.operation_name)
        served = SERVED.get(served_key(query, name))
        operation = _operation(document, name)
        if served is None or operation is None:
            return None
        answer = await self._answer(
            request, served, document, operation, name, query, data.variables or {}, principal
        )
        if answer is None:
            return None
        if register is not None:  # as PersistedQueries does once the document validated
            self.persisted.put(register, query, owner_of(principal, request))
        OPERATIONS("query").inc()
        FAST_READS.inc()
        return answer

    async def _request_data(self, request: Request) -> GraphQLRequestData | None:
        """The request as web/graphql_view.py `parse_http_body` reads it (RequestRefused when the
        full path would refuse it)."""
        if request.method == "GET":
            payload = rq.query_params_payload(request.query_params)
        elif request.method == "POST":
            rq.check_content_type(request.headers.get("content-type"))
            payload = rq.decode_json(await request.body(), "request body")
        else:
            return None
        return rq.request_data(payload)

    def _query(self, data: GraphQLRequestData) -> tuple[str | None, str | None]:
        """The query text (a persisted query's, by its hash), and the hash to register it under."""
        extensions = data.extensions or {}
        if set(extensions) - {"persistedQuery"}:
            return None, None  # the full path ignores other keys; they are not worth a fast path
        if "persistedQuery" not in extensions:
            return data.query, None
        return persisted_query(extensions["persistedQuery"], data.query, self.persisted)

    async def _answer(  # noqa: PLR0917
        self,
        request: Request,
        served: Served,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        name: str | None,
        query: str,
        variables: dict[str, Any],
        principal: Principal,
    ) -> bytes | None:
        """The response body: `data` as the statements wrote it (`run_spliced`), then
        `extensions`, in the full path's order."""
        if variable_problems(variables):
            return None
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), variables)
        if not isinstance(coerced, VariableValues):
            return None
        shape = _cost_shape(variables)
        cost = served.costs.get(shape)
        if cost is None:
            cost = estimate(self.schema, document, name, variables)
            served.remember_cost(shape, cost)
        if cost > MAX_COST:
            return None
        charged = await charge(request, principal, cost)  # the full path's bucket, charged once
        if charged is not None and charged.error is not None:
            return None  # the full path answers with the refusal, without charging again
        result = self._bytes(served.constant) if served.constant is not None else None
        if result is None:
            try:
                result = await self._run(query, name, coerced, principal)
            except Exception as error:  # the full path runs it again and reports the database's errors
                log.debug("fast path failed, the full path answers: %s", error)
                return None
        if result is None:
            return None
        extensions: dict[str, Any] = {"cost": cost_extension(cost, MAX_COST, charged)}
        if self.settings.show_read_path:
            extensions["readPath"] = "compiled"
        return b'{"data":' + result + b',"extensions":' + self._bytes(extensions) + b"}"

    def _bytes(self, value: object) -> bytes:
        encoded = self.encode(value)
        return encoded.encode() if isinstance(encoded, str) else encoded

    async def _run(
        self, query: str, operation_name: str | None, coerced: VariableValues, principal: Principal
    ) -> bytes | None:
        dialect = connections.get("default").capabilities.dialect
        policy: Policy | None = None  # a shared plan reads none of it and binds no fact
        plan = shared_plan(query, operation_name, coerced.coerced, principal.scopes, dialect)
        if plan is None:  # the plan depends on who asks: as the full path, load the policy
            policy = await _policy(principal)
            plan = PLANS.get(plan_key(query, operation_name, coerced.coerced, policy, dialect))
        if plan is None or plan.statements is None or not plan.fits(coerced.coerced):
            return None
        return await run_spliced(plan, coerced.coerced, policy)  # binds the asking viewer's facts


async def _policy(principal: Principal) -> Policy:
    """The viewer's policy from the process's policy cache (resolvers/live/stream.py
    `PolicyCache`, one per principal): dropped at once by a commit of this process or an event
    from another (through Redis) that can change the viewer's facts, and reloaded after 30 s in
    any case. Without a running broker (an app without its lifespan) it is loaded afresh."""
    try:
        hub = current_broker().hub
    except BrokerNotRunning:
        return await Policy.load(principal)
    return await policy_cache(hub).get(principal)
