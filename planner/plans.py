"""Plans: compiled statements per root field, cached in a bounded LRU, and running them.

A plan is keyed by the database dialect, the document, the operation, the variables' *shape*
(planner/params.py: their values are the statements' parameters, so one plan serves every ID
and page size) and who asks: the scopes and the principal's class (the viewer's facts that
visibility depends on are parameters too, so every employee with the same scopes shares a plan). The same
key always compiles to the same statements, except for the values a plan pins (`Plan.pinned`,
checked on every hit). An operation the planner does not cover is cached too, as a plan without
statements, so it is not planned again.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import VariableValues
from tortoise.connection import connections

from auth.policy import Policy
from planner import sqlite_functions
from planner.compiler import Compiler
from planner.dialect import dialect_for
from planner.pages import splice
from planner.params import (
    Param,
    Path,
    bind,
    derivations_fit,
    facts_of,
    leaves,
    principal_class,
    shape,
    value_at,
    wrap,
)
from planner.selection import Uncovered, Walker

MAX_PLANS = 512


@dataclass(frozen=True)
class Statement:
    key: str  # the root field's response key
    sql: str  # returns its JSON
    params: tuple[Param, ...] = ()
    cursors: bool = False  # its JSON holds cursor arrays to splice (planner/pages.py)


@dataclass(frozen=True)
class Plan:
    statements: tuple[Statement, ...] | None  # None: not covered, the resolver path answers
    pinned: tuple[tuple[Path, Any], ...] = ()  # variables the statements depend on by value

    def fits(self, variables: Mapping[str, Any]) -> bool:
        if not all(value_at(variables, path) == value for path, value in self.pinned):
            return False
        return all(derivations_fit(statement.params, variables) for statement in self.statements or ())


NO_PLAN = Plan(None)


class PlanCache:
    def __init__(self, size: int = MAX_PLANS) -> None:
        self.size = size
        self._plans: OrderedDict[tuple[Any, ...], Plan] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...]) -> Plan | None:
        if key in self._plans:
            self._plans.move_to_end(key)
            self.hits += 1
            return self._plans[key]
        self.misses += 1
        return None

    def put(self, key: tuple[Any, ...], plan: Plan) -> None:
        self._plans[key] = plan
        self._plans.move_to_end(key)
        while len(self._plans) > self.size:
            self._plans.popitem(last=False)

    def __len__(self) -> int:
        return len(self._plans)


PLANS = PlanCache()


def plan_key(
    query: str, operation: str | None, variables: Mapping[str, Any], policy: Policy, dialect: str
) -> tuple[Any, ...]:
    """The cache key; `variables` are the coerced values, of which only the shape counts."""
    principal = policy.principal
    scopes = principal.scopes if principal is not None else frozenset()
    who = principal_class(policy)  # the viewer's facts are parameters (planner/params.py)
    document = hashlib.sha256(query.encode()).hexdigest()
    return (dialect, document, operation, shape(dict(variables)), scopes, who)


def compile_operation(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: VariableValues,
    policy: Policy,
    dialect_name: str,
) -> Plan:
    """The operation's plan (`NO_PLAN`-like, without statements, when any part is not covered)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation.value != "query" or policy.principal is None:
        return NO_PLAN
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walker = Walker(
        schema, fragments, variables._replace(coerced=wrap(variables.coerced)), policy.principal.scopes
    )
    compiler = Compiler(walker, dialect_for(dialect_name), policy)
    query = schema.query_type
    assert query is not None
    statements: tuple[Statement, ...] | None = None
    try:
        fields = walker.collect(operations[0].selection_set, query)
        statements = tuple(
            Statement(key, compiler.root(query, nodes), tuple(compiler.params), compiler.cursors)
            for key, nodes in fields.items()
        )
    except Uncovered:
        pass
    values = leaves(variables.coerced)
    pinned = tuple((path, value) for path, value in values.items() if path not in compiler.consumed)
    return Plan(statements, pinned)


async def run(plan: Plan, variables: Mapping[str, Any], policy: Policy) -> dict[str, Any] | None:
    """The `data` of the response: each root field's statement, bound to the variables and the
    asking viewer's facts, its JSON parsed once (None when a variable does not fit the plan:
    the resolver path answers)."""
    assert plan.statements is not None
    client = connections.get("default")
    facts = facts_of(policy)
    bound = [bind(statement.params, variables, facts) for statement in plan.statements]
    if any(values is None for values in bound):
        return None
    if client.capabilities.dialect == "sqlite":
        await sqlite_functions.register(client)
    data: dict[str, Any] = {}
    for statement, values in zip(plan.statements, bound, strict=True):
        _, rows = await client.execute_query(statement.sql, values)
        value = rows[0][0] if rows else None
        value = json.loads(value) if isinstance(value, str) else value
        data[statement.key] = splice(value) if statement.cursors else value
    return data
