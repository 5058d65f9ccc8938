"""Plans: compiled statements per root field, cached in a bounded LRU, and running them.

A plan is keyed by the database dialect, the document, the operation, the variables' *shape*
(planner/params.py: their values are the statements' parameters, so one plan serves every ID
and page size) and who asks: the scopes and the principal's class (the viewer's facts that
visibility depends on are parameters too, so every employee with the same scopes shares a plan). The same
key always compiles to the same statements, except for the values a plan pins (`Plan.pinned`,
checked on every hit). An operation the planner does not cover is cached too, as a plan without
statements, so it is not planned again. A root `__typename` beside other fields is a statement
like every root field (its constant); a root of `__typename` fields only is no plan at all: its
data is a constant (`typename_only`), answered without SQL or policy.

`SERVED` remembers the operations the full path has answered from a plan (planner/extension.py
registers them), by document digest and operation name: the endpoint's fast path
(web/fast_reads.py) answers only those, and falls back to the full path for anything else.

A plan whose compilation read nothing of the policy (`Plan.reads_policy` False: the compiler's
symbolic policy is watched, and every rule, fact or flag it asks for counts as a read) binds no
viewer fact either: it is also cached in `SHARED_PLANS`, under a key without the principal's
class (`shared_plan_key`: the scopes stay in it), so a request for it loads no policy at all.
Every other plan is run with the asking viewer's policy, whose facts it binds (`run`).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

import orjson
from graphql import FieldNode, FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import VariableValues
from tortoise.connection import connections

import db_reads
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
# Cost estimates kept per served operation, one per shape of the values the estimate reads.
MAX_COSTS = 64

V = TypeVar("V")


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
    reads_policy: bool = True  # False: no policy fact went into it, one plan serves every viewer

    def fits(self, variables: Mapping[str, Any]) -> bool:
        if not all(value_at(variables, path) == value for path, value in self.pinned):
            return False
        return all(derivations_fit(statement.params, variables) for statement in self.statements or ())


NO_PLAN = Plan(None)


class LruCache(Generic[V]):
    """A bounded LRU: of plans (`PLANS`), and of the operations served from them (`SERVED`)."""

    def __init__(self, size: int = MAX_PLANS) -> None:
        self.size = size
        self._plans: OrderedDict[tuple[Any, ...], V] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...]) -> V | None:
        if key in self._plans:
            self._plans.move_to_end(key)
            self.hits += 1
            return self._plans[key]
        self.misses += 1
        return None

    def put(self, key: tuple[Any, ...], plan: V) -> None:
        self._plans[key] = plan
        self._plans.move_to_end(key)
        while len(self._plans) > self.size:
            self._plans.popitem(last=False)

    def __len__(self) -> int:
        return len(self._plans)

    def clear(self) -> None:
        self._plans.clear()


class PlanCache(LruCache[Plan]):
    pass


@dataclass
class Served:
    """An operation the full path answered from a plan: the fast path may answer it again."""

    constant: dict[str, Any] | None = None  # its data, when no root field reads the database
    # `extensions.cost` by the shape of the variables the estimate reads (web/fast_reads.py).
    costs: dict[Any, int] = field(default_factory=dict)

    def remember_cost(self, shape: Any, cost: int) -> None:
        if len(self.costs) < MAX_COSTS:
            self.costs[shape] = cost


PLANS = PlanCache()
SHARED_PLANS = PlanCache()  # the plans that read no policy fact, by `shared_plan_key`
SERVED: LruCache[Served] = LruCache()


def document_digest(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def served_key(query: str, operation: str | None) -> tuple[str, str | None]:
    return (document_digest(query), operation)


def typename_only(selections: Any) -> dict[str, str] | None:
    """The data of a root selection that is only `__typename` fields (aliased or not, without
    directives), which reads nothing and needs no policy; None for anything else."""
    data: dict[str, str] = {}
    for selection in selections:
        if (
            not isinstance(selection, FieldNode)
            or selection.directives
            or selection.name.value != "__typename"
        ):
            return None
        data[selection.alias.value if selection.alias else "__typename"] = "Query"
    return data


class _Watched:
    """The policy as the compiler sees it, noting whether the compiler read any of it."""

    def __init__(self, policy: Policy) -> None:
        self._policy, self.read = policy, False

    def __getattr__(self, name: str) -> Any:  # only for what the instance itself does not hold
        self.read = True
        return getattr(self._policy, name)


def shared_plan_key(
    query: str, operation: str | None, variables: Mapping[str, Any], scopes: frozenset[str], dialect: str
) -> tuple[Any, ...]:
    """The key of a plan that reads no policy fact: one for every viewer with these scopes."""
    return (dialect, document_digest(query), operation, shape(dict(variables)), scopes, None)


def shared_plan(
    query: str, operation: str | None, variables: Mapping[str, Any], scopes: frozenset[str], dialect: str
) -> Plan | None:
    """A cached plan that needs no policy and fits these variables, or None (load the policy)."""
    plan = SHARED_PLANS.get(shared_plan_key(query, operation, variables, scopes, dialect))
    if plan is None or plan.statements is None or plan.reads_policy or not plan.fits(variables):
        return None
    return plan


def plan_key(
    query: str, operation: str | None, variables: Mapping[str, Any], policy: Policy, dialect: str
) -> tuple[Any, ...]:
    """The cache key; `variables` are the coerced values, of which only the shape counts."""
    principal = policy.principal
    scopes = principal.scopes if principal is not None else frozenset()
    who = principal_class(policy)  # the viewer's facts are parameters (planner/params.py)
    return (dialect, document_digest(query), operation, shape(dict(variables)), scopes, who)


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
    # What the compiler reads is its symbolic policy (facts as stand-ins): watch that one, so
    # that making the stand-ins is not taken for a read, and every rule asked is.
    watched = _Watched(compiler.policy)
    compiler.policy = cast(Policy, watched)
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
    binds_facts = any(param.convert.startswith("fact") for s in statements or () for param in s.params)
    return Plan(statements, pinned, watched.read or binds_facts)


async def _first_columns(plan: Plan, variables: Mapping[str, Any], policy: Policy | None) -> list[Any] | None:
    """Each statement's answer as the database returned it (its JSON text, or None without a
    row), or None when a variable does not fit the plan."""
    assert plan.statements is not None
    if policy is None and plan.reads_policy:
        raise ValueError("a plan that reads the viewer's policy is run with the asking viewer's policy")
    client = connections.get("default")
    facts = facts_of(policy) if policy is not None else None
    bound = [bind(statement.params, variables, facts) for statement in plan.statements]
    if any(values is None for values in bound):
        return None
    if client.capabilities.dialect == "sqlite":
        await sqlite_functions.register(client)
    answers = []
    for statement, values in zip(plan.statements, bound, strict=True):
        rows = await db_reads.rows(statement.sql, values or (), client)
        answers.append(rows[0][0] if rows else None)
    return answers


def _value(statement: Statement, answer: Any) -> Any:
    value = orjson.loads(answer) if isinstance(answer, str) else answer
    return splice(value) if statement.cursors else value


async def run(plan: Plan, variables: Mapping[str, Any], policy: Policy | None) -> dict[str, Any] | None:
    """The `data` of the response: each root field's statement, bound to the variables and the
    asking viewer's facts, its JSON parsed once (None when a variable does not fit the plan:
    the resolver path answers). `policy` may be None only for a plan that reads none of it
    (`SHARED_PLANS`): a plan that binds the viewer's facts is never run without them."""
    answers = await _first_columns(plan, variables, policy)
    if answers is None:
        return None
    return {s.key: _value(s, answer) for s, answer in zip(plan.statements or (), answers, strict=True)}


async def run_spliced(plan: Plan, variables: Mapping[str, Any], policy: Policy | None) -> bytes | None:
    """`run`'s `data` as JSON text, for the endpoint's fast path: each statement's text as the
    database wrote it, between the response keys, never parsed; only a statement whose JSON
    holds cursors to splice (planner/pages.py) is parsed and written again. The same JSON
    value as `run` encoded, in the same key order; PostgreSQL writes its own spacing."""
    answers = await _first_columns(plan, variables, policy)
    if answers is None:
        return None
    parts = []
    for statement, answer in zip(plan.statements or (), answers, strict=True):
        text = answer.encode() if isinstance(answer, str) and not statement.cursors else None
        parts.append(orjson.dumps(statement.key) + b":" + (text or orjson.dumps(_value(statement, answer))))
    return b"{" + b",".join(parts) + b"}"
