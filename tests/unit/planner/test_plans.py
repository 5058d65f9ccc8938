"""Plans keyed by the variables' shape: one plan binds every ID and page size (planner/params.py)."""

from __future__ import annotations

from typing import Any

from graphql import parse
from graphql.execution.values import VariableValues, get_variable_values

from auth.policy import Policy
from auth.principal import Principal
from auth.scopes import Scope
from ids import to_global_id
from planner.plans import PlanCache, compile_operation, plan_key
from schema import schema

QUERY = """query($id: ID!, $n: Int) { node(id: $id) { ... on Employee { givenName
  tasks(first: $n) { totalCount pageInfo { hasNextPage } edges { node { title } } } } } }"""


def _service() -> Policy:
    return Policy(Principal(scopes=frozenset(s.value for s in Scope)), _everyone=True)


def _coerced(variables: dict[str, Any]) -> VariableValues:
    operation = parse(QUERY).definitions[0]
    coerced = get_variable_values(schema._schema, operation.variable_definitions, variables)  # type: ignore[attr-defined]
    assert isinstance(coerced, VariableValues)
    return coerced


def _key(variables: dict[str, Any], dialect: str = "sqlite") -> tuple[Any, ...]:
    return plan_key(QUERY, None, _coerced(variables).coerced, _service(), dialect)


def _dialect() -> str:
    from tortoise import connections

    return str(connections.get("default").capabilities.dialect)


def test_the_key_holds_the_shape_of_the_variables_not_their_values() -> None:
    one, two = to_global_id("Employee", 1), to_global_id("Employee", 2)
    assert _key({"id": one, "n": 5}) == _key({"id": two, "n": 50})
    assert _key({"id": one}) != _key({"id": to_global_id("Team", 1)})  # another type, another plan
    assert _key({"id": one, "n": 5}) != _key({"id": one, "n": 0})  # no page at all
    assert _key({"id": one, "n": 5}) != _key({"id": one, "n": 500})  # refused
    assert _key({"id": one, "n": 5}) != _key({"id": one})  # the default page size


async def test_ids_and_page_sizes_are_parameters_of_one_plan(database_url: str) -> None:
    from planner.params import bind

    cache, dialect, texts = PlanCache(), _dialect(), set()
    for pk, n in ((1, 5), (2, 7), (3, 5)):
        variables = {"id": to_global_id("Employee", pk), "n": n}
        coerced = _coerced(variables)
        fresh = compile_operation(schema._schema, parse(QUERY), None, coerced, _service(), dialect)
        assert fresh.statements is not None and fresh.pinned == ()
        texts.add(fresh.statements[0].sql)  # the values are not in the text
        key = _key(variables, dialect)
        if cache.get(key) is None:
            cache.put(key, fresh)
        plan = cache.get(key)
        assert plan is not None and plan.statements is not None
        statement = plan.statements[0]
        assert set(bind(statement.params, coerced.coerced) or ()) == {pk, n}
    assert len(texts) == 1
    assert len(cache) == 1
    # An ID of another type does not fit the plan: the resolver path answers.
    other = _coerced({"id": to_global_id("Team", 1), "n": 5}).coerced
    assert bind(statement.params, other) is None


async def test_enum_values_are_in_the_shape_not_pinned(database_url: str) -> None:
    query = "query($s: [TaskStatus!]) { tasks(filter: {status: $s}) { totalCount } }"
    operation = parse(query).definitions[0]
    coerced = get_variable_values(schema._schema, operation.variable_definitions, {"s": ["TODO"]})  # type: ignore[attr-defined]
    assert isinstance(coerced, VariableValues)
    plan = compile_operation(schema._schema, parse(query), None, coerced, _service(), _dialect())
    assert plan.statements is not None and plan.pinned == ()
    assert plan.fits(coerced.coerced)
    todo = plan_key(query, None, coerced.coerced, _service(), "sqlite")
    other = get_variable_values(schema._schema, operation.variable_definitions, {"s": ["DONE"]})  # type: ignore[attr-defined]
    assert isinstance(other, VariableValues)
    assert plan_key(query, None, other.coerced, _service(), "sqlite") != todo


def _plan(query: str, variables: dict[str, Any]) -> tuple[Any, VariableValues]:
    operation = parse(query).definitions[0]
    coerced = get_variable_values(schema._schema, operation.variable_definitions, variables)  # type: ignore[attr-defined]
    assert isinstance(coerced, VariableValues)
    return compile_operation(schema._schema, parse(query), None, coerced, _service(), _dialect()), coerced


async def test_a_search_text_is_bound_not_pinned(database_url: str) -> None:
    from planner.params import bind

    query = "query($s: String) { tasks(filter: {search: $s}) { totalCount } }"
    plan, coerced = _plan(query, {"s": "abc"})
    # The resolvers' search condition is rebuilt per request and its values bound: no pinning.
    assert plan.statements is not None and plan.pinned == ()
    statement = plan.statements[0]
    assert plan.fits({"s": "abc"}) and plan.fits({"s": "a%b"})
    assert bind(statement.params, {"s": "abc"}) != bind(statement.params, {"s": "abd"})
    # A search the resolver path refuses (too long) does not fit: that path reports it.
    assert not plan.fits({"s": "x" * 10_000})
    assert bind(statement.params, {"s": "x" * 10_000}) is None
    # An empty search is no condition at all: another shape, hence another plan.
    assert _key_of(query, {"s": ""}) != _key_of(query, {"s": "abc"})


async def test_an_after_cursor_is_bound_not_pinned(database_url: str) -> None:
    from planner.params import bind
    from resolvers.core.cursors import encode_cursor

    query = "query($a: String) { tasks(first: 2, after: $a, orderBy: {field: DUE_DATE, direction: ASC}) { totalCount } }"
    key = "tasks:due_date:asc"
    first, second = encode_cursor(key, "2026-01-01", 5), encode_cursor(key, "2026-02-01", 9)
    plan, coerced = _plan(query, {"a": first})
    assert plan.statements is not None and plan.pinned == ()
    statement = plan.statements[0]
    # Every page of the list is served by the one plan, each with its own seek values.
    assert plan.fits({"a": second})
    assert bind(statement.params, {"a": first}) != bind(statement.params, {"a": second})
    # A cursor at a null due date seeks with another condition: it does not fit this plan.
    assert not plan.fits({"a": encode_cursor(key, None, 3)})
    # Nor does a cursor of another list (the resolver path refuses it).
    assert not plan.fits({"a": encode_cursor("tasks:title:asc", "x", 3)})


def _key_of(query: str, variables: dict[str, Any]) -> tuple[Any, ...]:
    operation = parse(query).definitions[0]
    coerced = get_variable_values(schema._schema, operation.variable_definitions, variables)  # type: ignore[attr-defined]
    assert isinstance(coerced, VariableValues)
    return plan_key(query, None, coerced.coerced, _service(), "sqlite")
