"""One answer, two paths: compiled reads answer exactly as the resolver path does.

Every covered operation, for every role (hr, employee, manager, service), gives the same body
(`data`, `errors`, `extensions`) on both paths, and is served by the compiled one; uncovered
operations fall back and answer the same too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.api.compiled.conftest import Org, Paths
from tests.api.compiled.queries import COVERED, UNCOVERED
from tests.support.graphql_client import TokenMaker

ROLES = ("hr", "employee", "manager", "service")
_US = timedelta(microseconds=1)


def _variables(org: Org, name: str) -> dict[str, object]:
    if name in ("Q2", "team_page"):
        return {"id": org.ids["team"]}
    if name == "training":
        return {"course": org.ids["course"], "after": "2020-01-01T00:00:00Z"}
    if name == "fragments":
        return {"id": org.ids["manager"], "n": 4}
    return {"id": org.ids["worker"]}


@pytest.mark.parametrize("role", ROLES)
async def test_covered_operations_answer_the_same(paths: Paths, org: Org, role: str) -> None:
    for name, query in COVERED.items():
        slow, fast, path = await paths.both(org.tokens[role], query, _variables(org, name))
        assert "errors" not in slow, (name, slow)
        assert fast == slow, name
        assert path == "compiled", name


async def test_every_node_and_team(paths: Paths, org: Org) -> None:
    for role in ROLES:
        for key, value in org.ids.items():
            name = "Q2" if key.startswith("team") else "Q1"
            slow, fast, path = await paths.both(org.tokens[role], COVERED[name], {"id": value})
            assert (fast, path) == (slow, "compiled"), (role, key)
            # A fragment that does not apply selects nothing: `{}` on both paths.
            other = COVERED["Q1" if name == "Q2" else "Q2"]
            slow, fast, path = await paths.both(org.tokens[role], other, {"id": value})
            assert (fast, path) == (slow, "compiled"), (role, key)


async def test_missing_node_is_null(paths: Paths, org: Org) -> None:
    from ids import to_global_id

    slow, fast, path = await paths.both(
        org.tokens["hr"], COVERED["Q1"], {"id": to_global_id("Employee", 99999)}
    )
    assert slow["data"] == {"node": None}
    assert (fast, path) == (slow, "compiled")


@pytest.mark.parametrize("name", sorted(UNCOVERED))
async def test_uncovered_operations_fall_back(paths: Paths, org: Org, name: str) -> None:
    # HR reads every employee's sensitive fields: compiled (tests/api/compiled/test_coverage.py).
    for role in ("employee",) if name == "sensitive" else ("hr", "employee"):
        query = UNCOVERED[name]
        variables = {"id": org.ids["team" if "on Team" in query else "worker"]} if "$id" in query else None
        slow, fast, path = await paths.both(org.tokens[role], query, variables)
        assert fast == slow, (name, role)
        assert path == "resolvers", (name, role)


async def test_a_token_without_the_scope_falls_back(paths: Paths, org: Org, tokens: TokenMaker) -> None:
    narrow = await tokens("worker@example.com", scopes="employees:read")
    for name in ("Q1", "Q2", "Q3"):
        slow, fast, path = await paths.both(narrow, COVERED[name], _variables(org, name))
        assert (fast, path) == (slow, "resolvers"), name
        assert slow.get("errors"), name


async def test_anonymous_requests_fall_back(paths: Paths, org: Org) -> None:
    slow, fast, path = await paths.both("", COVERED["Q3"])
    assert (fast, path) == (slow, "resolvers")


GENERATED = 40


async def test_generated_selection_sets_answer_the_same(paths: Paths, org: Org) -> None:
    from tortoise import connections

    from ids import to_global_id
    from planner.mapping import TYPES
    from tests.api.compiled.generated import Generator

    pks: dict[str, list[int]] = {
        name: [row.pk for row in await t.model.all().only("id")] for name, t in TYPES.items()
    }
    generator = Generator(seed=12)
    compiled = 0
    for i in range(GENERATED):
        query, node_type = generator.operation()
        for role in ROLES:
            variables = None
            if node_type is not None:
                pk = pks[node_type][(i * 7 + len(role)) % len(pks[node_type])]
                variables = {"id": to_global_id(node_type, pk)}
            slow, fast, path = await paths.both(org.tokens[role], query, variables)
            assert fast == slow, (query, role)
            assert "errors" not in slow, (query, slow)
            compiled += path == "compiled"
    # SQLite's parser takes only so many nested subqueries: the deepest few fall back there
    # (answering the same, as checked above); PostgreSQL compiles every one.
    sqlite = connections.get("default").capabilities.dialect == "sqlite"
    assert compiled >= GENERATED * len(ROLES) * (0.95 if sqlite else 1)


async def test_one_cached_plan_answers_every_id(paths: Paths, org: Org) -> None:
    from planner.plans import PLANS

    query = COVERED["Q1"] + "\n# one plan, many ids"
    before = len(PLANS)
    for key in ("worker", "manager", "hr", "other", "worker"):
        slow, fast, path = await paths.both(org.tokens["hr"], query, {"id": org.ids[key]})
        assert (fast, path) == (slow, "compiled"), key
        assert slow["data"]["node"]["id"] == org.ids[key]
    assert len(PLANS) == before + 1
    for n in (1, 2, 100):  # page sizes are parameters too
        variables = {"id": org.ids["manager"], "n": n}
        slow, fast, path = await paths.both(org.tokens["employee"], COVERED["fragments"], variables)
        assert (fast, path) == (slow, "compiled"), n


async def test_search_texts_answer_the_same(paths: Paths, org: Org, compiled: list[object]) -> None:
    from tests.api.compiled.queries import SEARCH_TEXT

    for text in ("work", "WORK", "%", "_", "'", "\\", "a%b", "ä", "", "1", "task 1", "example.com"):
        for role in ("hr", "employee"):
            slow, fast, path = await paths.both(org.tokens[role], SEARCH_TEXT, {"s": text})
            assert "errors" not in slow, (text, slow)
            assert (fast, path) == (slow, "compiled"), (text, role)
    # The texts are parameters: one plan per role for them all, and one for the empty search.
    assert len(compiled) <= 4


async def test_list_scalars_keep_their_order_and_empty_lists(paths: Paths, org: Org) -> None:
    from tests.api.compiled.queries import LIST_SCALARS

    for role in ROLES:
        slow, fast, path = await paths.both(org.tokens[role], LIST_SCALARS, {"id": org.ids["worker"]})
        assert (fast, path) == (slow, "compiled"), role
    node = slow["data"]["node"]
    assert node["skills"] == ["python", "Go", "écrire", 'a"quote'] and node["manager"]["skills"] == []
    assert ["zeta", "alpha"] in [m["focusSkills"] for m in slow["data"]["mentorships"]["nodes"]]


async def test_training_lists_and_subteams_select_rows(paths: Paths, org: Org) -> None:
    from tests.api.compiled.queries import SUBTEAMS, TRAINING

    slow, fast, path = await paths.both(org.tokens["hr"], TRAINING, _variables(org, "training"))
    assert (fast, path) == (slow, "compiled")
    data = slow["data"]
    assert data["trainingSessions"]["totalCount"] == 2 and data["mandatory"]["nodes"]
    assert [e["node"]["sessions"]["totalCount"] for e in data["trainingCourses"]["edges"]] == [0, 2]
    # Another type's ID in a filter: the resolver path reports it.
    variables = {"course": org.ids["team"], "after": None}
    slow, fast, path = await paths.both(org.tokens["hr"], TRAINING, variables)
    assert slow["errors"] and (fast, path) == (slow, "resolvers")
    # Times compare as stored: at each session's own start, and a microsecond either side.
    times = "{ trainingSessions { nodes { startsAt } } }"
    slow, _, _ = await paths.both(org.tokens["hr"], times)
    window = """query($a: DateTime, $b: DateTime) { trainingSessions(filter: {startsAfter: $a, startsBefore: $b})
      { totalCount nodes { startsAt } } }"""
    for node in slow["data"]["trainingSessions"]["nodes"]:
        at = datetime.fromisoformat(node["startsAt"])
        for a, b in ((at, None), (None, at), (at - _US, at + _US), (at + _US, None), (None, at - _US)):
            variables = {"a": a.isoformat() if a else None, "b": b.isoformat() if b else None}
            slow, fast, path = await paths.both(org.tokens["hr"], window, variables)
            assert (fast, path) == (slow, "compiled"), variables
    category = '{ trainingCourses(filter: {category: "sECURITY"}) { nodes { title category } } }'
    slow, fast, path = await paths.both(org.tokens["employee"], category)
    assert slow["data"]["trainingCourses"]["nodes"] == [{"title": "Empty", "category": "Security"}]
    assert (fast, path) == (slow, "compiled")
    slow, fast, path = await paths.both(org.tokens["employee"], SUBTEAMS, {"id": org.ids["team"]})
    assert (fast, path) == (slow, "compiled")
    assert [e["node"]["name"] for e in slow["data"]["node"]["subteams"]["edges"]] == ["Sub 1", "Sub 2"]
