"""Property: no argument of any shape makes a root query fail with a server error.

Arguments are generated from each root field's GraphQL argument types (filters, search
strings, IDs, list values, page sizes), as in the mutation property test. Orderings, `last`
and cursors are left to the paging tests (tests/api/graph/test_read_api.py and the ordering tests).
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLNonNull
from hypothesis import given
from hypothesis import strategies as st

from schema import schema
from tests.support.graphql_client import ClientMaker, TokenMaker
from tests.support.input_strategies import PROPERTY_SETTINGS, assert_no_server_error, mostly, values, world_of

ROOT_FIELDS = schema._schema.query_type.fields  # type: ignore[union-attr]  # the schema has a query root
LEFT_TO_PAGING = frozenset({"orderBy", "after", "before", "last"})
WITH_ARGUMENTS = sorted(name for name, field in ROOT_FIELDS.items() if set(field.args) - LEFT_TO_PAGING)


def arguments(name: str) -> dict[str, Any]:
    return {a: arg for a, arg in ROOT_FIELDS[name].args.items() if a not in LEFT_TO_PAGING}


def operation(name: str) -> str:
    args = arguments(name)
    declared = ", ".join(f"${a}: {arg.type}" for a, arg in args.items())
    passed = ", ".join(f"{a}: ${a}" for a in args)
    return f"query({declared}) {{ {name}({passed}) {{ __typename }} }}"


def generated(name: str, known_ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Every argument given (a filter left out tests nothing); page sizes mostly within limits,
    so that the cost and page-size refusals do not hide what the filter does."""
    given: dict[str, st.SearchStrategy[Any]] = {}
    for a, arg in arguments(name).items():
        always = arg.type if isinstance(arg.type, GraphQLNonNull) else GraphQLNonNull(arg.type)
        given[a] = values(always, known_ids)
        if a == "first":
            given[a] = mostly(st.integers(1, 100), given[a])
    return st.fixed_dictionaries(given)


@pytest.fixture
def world() -> dict[str, Any]:
    """Filled by a test's first example: the database lives as long as the test function."""
    return {}


@pytest.mark.parametrize("name", WITH_ARGUMENTS)
@pytest.mark.filterwarnings("ignore:Generating overly large repr")  # when reporting a failing input
@PROPERTY_SETTINGS
@given(data=st.data())
async def test_no_generated_argument_makes_a_query_fail_with_a_server_error(
    name: str, graphql: ClientMaker, tokens: TokenMaker, world: dict[str, Any], data: st.DataObject
) -> None:
    # Given a small world, and an HR and an employee signed in
    known_ids, clients = await world_of(world, graphql, tokens)
    variables = data.draw(generated(name, known_ids), label="variables")

    # When the query is sent with the generated arguments, by each role
    for client in clients:
        response = await client.post(operation(name), variables)
        # Then the answer is data or a clear refusal, never a server error
        assert_no_server_error(response, variables)
