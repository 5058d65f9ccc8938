"""Plans: compiled statements per root field, cached in a bounded LRU, and running them.

A plan is keyed by the database dialect, the document, the operation, the variables and who asks (scopes, and the
policy's facts that visibility depends on; HR and service tokens share theirs): the same key
always compiles to the same statements. An operation the planner does not cover is cached too,
as `None`, so it is not planned again.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from graphql import FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import VariableValues
from tortoise.connection import connections

from auth.policy import Policy
from planner import sqlite_functions
from planner.compiler import Compiler
from planner.dialect import dialect_for
from planner.selection import Uncovered, Walker

MAX_PLANS = 512


@dataclass(frozen=True)
class Plan:
    statements: tuple[tuple[str, str], ...]  # (response key, SQL returning its JSON)


class PlanCache:
    def __init__(self, size: int = MAX_PLANS) -> None:
        self.size = size
        self._plans: OrderedDict[tuple[Any, ...], Plan | None] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...]) -> tuple[bool, Plan | None]:
        if key in self._plans:
            self._plans.move_to_end(key)
            self.hits += 1
            return True, self._plans[key]
        self.misses += 1
        return False, None

    def put(self, key: tuple[Any, ...], plan: Plan | None) -> None:
        self._plans[key] = plan
        self._plans.move_to_end(key)
        while len(self._plans) > self.size:
            self._plans.popitem(last=False)

    def __len__(self) -> int:
        return len(self._plans)


PLANS = PlanCache()


def plan_key(
    query: str, operation: str | None, variables: dict[str, Any], policy: Policy, dialect: str
) -> tuple[Any, ...]:
    principal = policy.principal
    scopes = principal.scopes if principal is not None else frozenset()
    who: tuple[Any, ...] = (
        ("all", policy.viewer_id)
        if policy.sees_everything
        else (
            policy.viewer_id,
            policy.reports,
            policy.teams,
        )
    )
    document = hashlib.sha256(query.encode()).hexdigest()
    shape = json.dumps(variables, sort_keys=True, default=str)
    return (dialect, document, operation, shape, scopes, who)


def compile_operation(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: VariableValues,
    policy: Policy,
    dialect_name: str,
) -> Plan | None:
    """The operation's plan, or None when any part of it is not covered."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation.value != "query" or policy.principal is None:
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walker = Walker(schema, fragments, variables, policy.principal.scopes)
    compiler = Compiler(walker, dialect_for(dialect_name), policy)
    query = schema.query_type
    assert query is not None
    try:
        fields = walker.collect(operations[0].selection_set, query)
        return Plan(tuple((key, compiler.root(query, nodes)) for key, nodes in fields.items()))
    except Uncovered:
        return None


async def run(plan: Plan) -> dict[str, Any]:
    """The `data` of the response: each root field's statement, its JSON parsed once."""
    client = connections.get("default")
    if client.capabilities.dialect == "sqlite":
        await sqlite_functions.register(client)
    data: dict[str, Any] = {}
    for key, sql in plan.statements:
        _, rows = await client.execute_query(sql)
        value = rows[0][0] if rows else None
        data[key] = json.loads(value) if isinstance(value, str) else value
    return data
