"""The schema extension that answers covered queries from compiled SQL (planner/README.md).

`PEOPLEGRAPH_READ_PATH` chooses: `resolvers` never compiles; `auto` (the default) and `compiled`
compile every query operation whose root fields are all covered and let the resolver path run
the rest. It runs after the other extensions' pre-execution checks (limits, cost): when one of
them has already set a result, nothing is compiled. `PEOPLEGRAPH_SHOW_READ_PATH=1` adds
`extensions.readPath` (`compiled` or `resolvers`) to each response, for debugging and tests;
without it responses are unchanged.

Every operation it answers is registered in `SERVED` (planner/plans.py), so that the endpoint's
fast path (web/fast_reads.py) may answer it the next time without Strawberry. A root selection
of `__typename` fields only is answered without loading the policy: it reads nothing; nor is
the policy loaded for a plan that reads none of it (planner/plans.py `shared_plan`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult, FieldNode
from graphql.execution.values import VariableValues, get_variable_values
from strawberry.extensions import SchemaExtension
from tortoise.connection import connections

from auth.policy import Policy
from planner.mapping import ROOT_FIELDS
from planner.plans import (
    NO_PLAN,
    PLANS,
    SERVED,
    SHARED_PLANS,
    Served,
    compile_operation,
    plan_key,
    run,
    served_key,
    shared_plan,
    shared_plan_key,
    typename_only,
)

log = logging.getLogger("peoplegraph.planner")


def _settings_of(context: Any) -> tuple[str, bool]:
    settings = getattr(context, "settings", None)
    return getattr(settings, "read_path", "resolvers"), bool(getattr(settings, "show_read_path", False))


def _may_compile(operation: Any) -> bool:
    """A cheap first look, before the policy is loaded: every root selection is a compiled field
    or `__typename` (a root of `__typename` only is answered as a constant, `typename_only`)."""
    return all(
        isinstance(selection, FieldNode)
        and (selection.name.value in ROOT_FIELDS or selection.name.value == "__typename")
        for selection in operation.selection_set.selections
    )


def _register(query: str, operation_name: str | None, constant: dict[str, Any] | None = None) -> None:
    key = served_key(query, operation_name)
    if SERVED.get(key) is None:
        SERVED.put(key, Served(constant))


class CompiledReads(SchemaExtension):
    def __init__(self, *, execution_context: Any = None) -> None:
        self.path: str | None = None
        self.show = False

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        mode, self.show = _settings_of(context.context)
        self.path = "resolvers"
        if mode != "resolvers" and context.result is None and context.graphql_document is not None:
            data = await self._compiled(context)
            if data is not None:
                context.result = ExecutionResult(data=data)
                self.path = "compiled"
        yield

    async def _compiled(self, context: Any) -> dict[str, Any] | None:
        request = context.context
        if getattr(request, "principal", None) is None or context.query is None:
            return None
        schema = context.schema._schema
        document = context.graphql_document
        operations = [d for d in document.definitions if getattr(d, "operation", None) is not None]
        chosen = [
            o
            for o in operations
            if context.operation_name is None or (o.name and o.name.value == context.operation_name)
        ]
        if len(chosen) != 1 or chosen[0].operation.value != "query" or not _may_compile(chosen[0]):
            return None
        coerced = get_variable_values(schema, chosen[0].variable_definitions or (), context.variables or {})
        if not isinstance(coerced, VariableValues):
            return None  # bad variables: the resolver path reports them
        constant = typename_only(chosen[0].selection_set.selections)
        if constant is not None:
            _register(context.query, context.operation_name, constant)
            return dict(constant)
        dialect = connections.get("default").capabilities.dialect
        query, name, scopes = context.query, context.operation_name, request.principal.scopes
        shared = shared_plan_key(query, name, coerced.coerced, scopes, dialect)
        key: tuple[Any, ...] | None = None
        policy: Policy | None = None  # not loaded for a plan that reads none of it
        plan = shared_plan(query, name, coerced.coerced, scopes, dialect)
        if plan is None:
            policy = await request.policy()
            key = plan_key(query, name, coerced.coerced, policy, dialect)
            plan = PLANS.get(key)
            if plan is None or not plan.fits(coerced.coerced):
                plan = compile_operation(schema, document, name, coerced, policy, dialect)
                PLANS.put(key, plan)
                if plan.statements is not None and not plan.reads_policy:
                    SHARED_PLANS.put(shared, plan)
        if plan.statements is None:
            return None
        try:
            data = await run(plan, coerced.coerced, policy)
        except Exception as error:  # the resolver path answers, and reports the database's own errors
            if "parser stack overflow" in str(error):  # too deep for SQLite: never compile it again
                SHARED_PLANS.put(shared, NO_PLAN)
                if key is not None:
                    PLANS.put(key, NO_PLAN)
            log.warning("compiled read failed, falling back to resolvers: %s", error)
            return None
        if data is not None:
            _register(context.query, context.operation_name)
        return data

    def get_results(self) -> dict[str, Any]:
        return {"readPath": self.path} if self.show and self.path else {}
