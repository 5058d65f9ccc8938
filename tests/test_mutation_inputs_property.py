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

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ids import to_global_id
from schema import schema
from tests import factories as f

MUTATIONS = schema._schema.mutation_type.fields  # type: ignore[union-attr]
NODE_TYPES = ["Employee", "Team", "Task", "Mentorship", "MentorshipCheckIn", "TrainingCourse",
              "TrainingSession", "Enrollment", "Webhook"]  # fmt: skip

NASTY_TEXT = st.sampled_from(
    ["", " ", "\ud800", "a\udfffb", "\x00", "nul\x00l", "\u202eevil", "\u2066x\u2069", "\x1b[2J",
     "line\nbreak", "tab\t", "\u2028", "x" * 10_001, "é" * 300, "١٢", "' OR 1=1 --", "%_%", "\\"]
)  # fmt: skip
TEXT = st.one_of(NASTY_TEXT, st.text(max_size=40), st.text(st.characters(codec="utf-16"), max_size=20))


def b64(text: str) -> str:
    # surrogatepass: a forged ID may hide bytes that are not UTF-8 at all
    return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode().rstrip("=")


def ids(known: list[str]) -> st.SearchStrategy[str]:
    forged = st.builds(lambda t, n: b64(f"{t}:{n}"), st.sampled_from(NODE_TYPES),
                       st.sampled_from([0, -1, 2**31, 2**63, 2**64 + 7, 10**40]))  # fmt: skip
    spelled = st.builds(lambda t, n: b64(f"{t}:{n}"), st.sampled_from(NODE_TYPES), TEXT)
    padded = st.sampled_from(known).map(lambda i: i + "=" * (-len(i) % 4 or 2))
    real = st.sampled_from(known)
    return st.one_of(real, real, real, forged, spelled, padded, TEXT)


def scalar(name: str, known_ids: list[str]) -> st.SearchStrategy[Any]:
    now = datetime.now(UTC)
    if name == "String":
        return TEXT
    if name == "ID":
        return ids(known_ids)
    if name == "Int":
        return st.one_of(
            st.integers(-(2**31), 2**31 - 1), st.sampled_from([0, -1, 2**31, -(2**31) - 1, 2**64])
        )
    if name == "Float":
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e308, -0.0]))
    if name == "Boolean":
        return st.booleans()
    if name == "Date":
        return st.one_of(st.dates().map(lambda d: d.isoformat()), TEXT)
    if name == "DateTime":
        moments = st.integers(-400, 400).map(lambda days: (now + timedelta(days=days)).isoformat())
        return st.one_of(moments, st.datetimes().map(lambda d: d.isoformat()), TEXT)
    return st.one_of(TEXT, st.integers(), st.none())


def values(type_: GraphQLInputType, known_ids: list[str], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of a GraphQL input type: the shape is mostly right (so resolvers run), the
    contents often hostile."""
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        made = st.lists(values(inner.of_type, known_ids, depth + 1), max_size=4 if depth else 6)
    elif isinstance(inner, GraphQLEnumType):
        valid = st.sampled_from(list(inner.values))
        made = st.one_of(valid, valid, valid, TEXT)
    elif isinstance(inner, GraphQLInputObjectType):
        required, optional = {}, {}
        for field_name, field in inner.fields.items():
            always = isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
            (required if always else optional)[field_name] = values(field.type, known_ids, depth + 1)
        made = st.fixed_dictionaries(required, optional=optional)
    else:
        assert isinstance(inner, GraphQLScalarType)
        made = scalar(inner.name, known_ids)
    return st.one_of(st.none(), made) if nullable else made


async def seed_world() -> list[str]:
    """A few rows of every kind, so that generated inputs can name real objects."""
    boss = await f.employee(email="boss@example.com")
    hr = await f.employee(email="hr@example.com", role="hr")
    ada = await f.employee(email="ada@example.com", manager=boss)
    team = await f.team()
    await f.member(team, ada, "lead")
    task = await f.task(ada, team=team)
    mentorship = await f.mentorship(boss, ada, status="active")
    course = await f.course()
    session = await f.session(course, instructor=hr)
    past = await f.session(course, starts_at=datetime.now(UTC) - timedelta(days=3),
                           ends_at=datetime.now(UTC) - timedelta(days=2))  # fmt: skip
    enrollment = await f.enrollment(session, ada)
    attended = await f.enrollment(past, ada)
    rows = [("Employee", boss), ("Employee", hr), ("Employee", ada), ("Team", team), ("Task", task),
            ("Mentorship", mentorship), ("TrainingCourse", course), ("TrainingSession", session),
            ("TrainingSession", past), ("Enrollment", enrollment), ("Enrollment", attended)]  # fmt: skip
    return [to_global_id(type_name, row.id) for type_name, row in rows]


def operation(name: str) -> str:
    input_type = MUTATIONS[name].args["input"].type
    return (
        f"mutation($input: {input_type}) {{ {name}(input: $input) {{ __typename errors {{ field code }} }} }}"
    )


def assert_no_server_error(response: Any, sent: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text, sent)
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code != "INTERNAL_SERVER_ERROR" and error["message"] != "Internal server error.", (error, sent)


@pytest.fixture
def world() -> dict[str, Any]:
    """Filled by a test's first example: the database lives as long as the test function."""
    return {}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
@pytest.mark.filterwarnings("ignore:Generating overly large repr")  # when reporting a failing input
@settings(max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(data=st.data())
async def test_no_generated_input_makes_a_mutation_fail_with_a_server_error(
    name, graphql, tokens, world, data
):
    # Given a small world, and an HR and an employee signed in
    if not world:
        world["ids"] = await seed_world()
        world["clients"] = [graphql(await tokens("hr@example.com")), graphql(await tokens("ada@example.com"))]
    input = data.draw(values(MUTATIONS[name].args["input"].type, world["ids"]), label="input")

    # When the mutation is sent with the generated input, by each role
    for client in world["clients"]:
        response = await client.post(operation(name), {"input": input})
        # Then the answer is data or a clear refusal, never a server error
        assert_no_server_error(response, input)
