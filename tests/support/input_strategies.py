"""Hypothesis strategies for GraphQL inputs read from the schema, mostly well-formed in shape
and often hostile in content, and the world of rows they can name (property tests)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ids import to_global_id
from tests.support import factories as f

NODE_TYPES = ["Employee", "Team", "Task", "Mentorship", "MentorshipCheckIn", "TrainingCourse",
              "TrainingSession", "Enrollment", "Webhook", "WebhookDelivery"]  # fmt: skip

NASTY_TEXT = st.sampled_from(
    ["", " ", "\ud800", "a\udfffb", "\x00", "nul\x00l", "\u202eevil", "\u2066x\u2069", "\x1b[2J",
     "line\nbreak", "tab\t", "\u2028", "x" * 10_001, "é" * 300, "١٢", "' OR 1=1 --", "%_%", "\\"]
)  # fmt: skip
# Surrogates, controls, format characters (bidi included) and line separators, alone or after text.
HOSTILE = st.text(st.characters(categories=["Cs", "Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=8)
TEXT = st.one_of(
    NASTY_TEXT,
    NASTY_TEXT,
    HOSTILE,
    st.builds(str.__add__, st.text(max_size=20), HOSTILE),
    st.text(max_size=40),
)


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`good` nine times in ten: one value of the wrong shape spoils a whole request at validation,
    before any resolver runs, so shape errors must stay rare for the contents to be tested."""
    return st.one_of(*[good] * 9, bad)


def b64(text: str) -> str:
    # surrogatepass: a forged ID may hide bytes that are not UTF-8 at all
    return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode().rstrip("=")


def ids(known: list[str]) -> st.SearchStrategy[str]:
    forged = st.builds(lambda t, n: b64(f"{t}:{n}"), st.sampled_from(NODE_TYPES),
                       st.sampled_from([0, -1, 2**31, 2**63, 2**64 + 7, 10**40]))  # fmt: skip
    spelled = st.builds(lambda t, n: b64(f"{t}:{n}"), st.sampled_from(NODE_TYPES), TEXT)
    padded = st.sampled_from(known).map(lambda i: i + "=" * (-len(i) % 4 or 2))
    return mostly(st.sampled_from(known), st.one_of(forged, spelled, padded, TEXT))


def scalar(name: str, known_ids: list[str]) -> st.SearchStrategy[Any]:
    now = datetime.now(UTC)
    if name == "String":
        return TEXT
    if name == "ID":
        return ids(known_ids)
    if name == "Int":
        edges = st.sampled_from([0, -1, 2**31 - 1, -(2**31)])
        return mostly(st.one_of(st.integers(-(2**31), 2**31 - 1), edges), st.sampled_from([2**31, 2**64]))
    if name == "Float":
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e308, -0.0]))
    if name == "Boolean":
        return st.booleans()
    if name == "Date":
        return mostly(st.dates().map(lambda d: d.isoformat()), TEXT)
    if name == "DateTime":
        moments = st.integers(-400, 400).map(lambda days: (now + timedelta(days=days)).isoformat())
        return mostly(st.one_of(moments, st.datetimes().map(lambda d: d.isoformat())), TEXT)
    return st.one_of(TEXT, st.integers(), st.none())


def values(type_: GraphQLInputType, known_ids: list[str], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of a GraphQL input type: the shape is mostly right (so resolvers run), the
    contents often hostile."""
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        made: st.SearchStrategy[Any] = st.lists(
            values(inner.of_type, known_ids, depth + 1), max_size=4 if depth else 6
        )
    elif isinstance(inner, GraphQLEnumType):
        made = mostly(st.sampled_from(list(inner.values)), TEXT)
    elif isinstance(inner, GraphQLInputObjectType):
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
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
    rows: list[tuple[str, Any]] = [("Employee", boss), ("Employee", hr), ("Employee", ada), ("Team", team), ("Task", task),
            ("Mentorship", mentorship), ("TrainingCourse", course), ("TrainingSession", session),
            ("TrainingSession", past), ("Enrollment", enrollment), ("Enrollment", attended)]  # fmt: skip
    return [to_global_id(type_name, row.id) for type_name, row in rows]


# The database is reset per test function, not per example: examples share it.
PROPERTY_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


async def world_of(cache: dict[str, Any], graphql: Any, tokens: Any) -> tuple[list[str], list[Any]]:
    """The IDs of the test function's rows and its HR and employee clients, made by its first
    example (`cache` is a fixture that lives as long as the test function)."""
    if not cache:
        cache["ids"] = await seed_world()
        cache["clients"] = [graphql(await tokens("hr@example.com")), graphql(await tokens("ada@example.com"))]
    return cache["ids"], cache["clients"]


def assert_no_server_error(response: Any, sent: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text, sent)
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code != "INTERNAL_SERVER_ERROR" and error["message"] != "Internal server error.", (error, sent)
