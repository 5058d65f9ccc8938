"""Property: no input of any shape makes a mutation fail with a server error.

For every mutation, inputs are generated from its GraphQL input type (read from the schema, so
a new mutation is covered without editing this file): strings with unpaired surrogates,
control and bidi characters, IDs that are real, of the wrong type, non-canonical or huge,
integers at and beyond 32 bits, random enum values and dates. Each is sent with an HR token and
with an employee token; the answer must be a client error or data, never HTTP 500,
`INTERNAL_SERVER_ERROR` or a masked message. The database is reset per test function, so the
examples of one mutation share it (later examples see what earlier ones wrote).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schema import schema
from tests.support.graphql_client import ClientMaker, TokenMaker
from tests.support.input_strategies import PROPERTY_SETTINGS, assert_no_server_error, values, world_of

MUTATIONS = schema._schema.mutation_type.fields  # type: ignore[union-attr]  # the schema has a mutation root


def operation(name: str) -> str:
    input_type = MUTATIONS[name].args["input"].type
    return (
        f"mutation($input: {input_type}) {{ {name}(input: $input) {{ __typename errors {{ field code }} }} }}"
    )


@pytest.fixture
def world() -> dict[str, Any]:
    """Filled by a test's first example: the database lives as long as the test function."""
    return {}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
@pytest.mark.filterwarnings("ignore:Generating overly large repr")  # when reporting a failing input
@PROPERTY_SETTINGS
@given(data=st.data())
async def test_no_generated_input_makes_a_mutation_fail_with_a_server_error(
    name: str, graphql: ClientMaker, tokens: TokenMaker, world: dict[str, Any], data: st.DataObject
) -> None:
    # Given a small world, and an HR and an employee signed in
    known_ids, clients = await world_of(world, graphql, tokens)
    input = data.draw(values(MUTATIONS[name].args["input"].type, known_ids), label="input")

    # When the mutation is sent with the generated input, by each role
    for client in clients:
        response = await client.post(operation(name), {"input": input})
        # Then the answer is data or a clear refusal, never a server error
        assert_no_server_error(response, input)
