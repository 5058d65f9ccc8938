"""The endpoint's fast path (web/fast_reads.py): a compiled read answered before is answered
again from its cached plan, with the very bytes, headers, statements and metrics of the full
path; anything that does not match exactly is left to the full path, which answers as ever.

Given the full path has answered a query once (it registers it), when the same query comes
again, then /metrics counts it in `peoplegraph_graphql_fast_reads_total`.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import httpx
import pytest

from models.employees import Employee
from tests.api.compiled.conftest import Org, Paths
from tests.api.compiled.queries import COVERED, PAGED
from tests.conftest import BACKEND
from tests.support.graphql_client import TokenMaker, count_statements, error_codes

pytestmark = pytest.mark.usefixtures("nothing_served")

FLOOR = "{ __typename }"
ALIASED_FLOOR = "query Floor { a: __typename b: __typename }"
TWO_ROOTS = """query Two($id: ID!, $n: Int!) { a: node(id: $id) { ... on Employee { givenName
  tasks(first: $n) { nodes { title } } } } b: tasks(first: $n) { totalCount nodes { title } } }"""
TRIVIAL = "query Trivial($id: ID!) { node(id: $id) { ... on Employee { givenName } } }"
VIEWER = "{ viewer { givenName tasks(first: 3) { nodes { title } } } }"
ROLES = ("hr", "employee", "manager", "service")
_FAST = re.compile(r"^peoplegraph_graphql_fast_reads_total (\S+)$", re.M)
_QUERIES = re.compile(r'^peoplegraph_graphql_operations_total\{type="query"\} (\S+)$', re.M)


def _costly(aliases: int) -> str:
    """A document whose cost grows with the square of `$n`: cheap at 1, refused at 100."""
    field = "tasks(first: $n) { nodes { assignee { tasks(first: $n) { nodes { title team { name } creator { email } assignee { email } } } } } }"
    return "query Costly($n: Int!) { " + " ".join(f"t{i}: {field}" for i in range(aliases)) + " }"


async def _metric(http: httpx.AsyncClient, pattern: re.Pattern[str]) -> float:
    found = pattern.search((await http.get("/metrics")).text)
    return float(found.group(1)) if found else 0.0


async def _fast_reads(http: httpx.AsyncClient) -> float:
    return await _metric(http, _FAST)


async def _post(
    http: httpx.AsyncClient, token: str | None, body: dict[str, Any] | str, **headers: str
) -> httpx.Response:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    headers.setdefault("Content-Type", "application/json")
    content = body if isinstance(body, str) else json.dumps(body)
    return await http.post("/graphql", content=content, headers=headers)


def _ordered(response: httpx.Response) -> Any:
    """The body's JSON value with every object's keys in the order written."""
    return json.loads(response.content, object_pairs_hook=lambda pairs: ("{}", pairs))


def _same(full: httpx.Response, fast: httpx.Response) -> None:
    """The same status, headers and JSON, keys in the same order. The fast path writes the
    statements' JSON as the database did (planner/plans.py `run_spliced`): SQLite's is compact
    like the full path's, so the bytes are the same; PostgreSQL's has its own spacing."""
    assert (fast.status_code, _ordered(fast)) == (full.status_code, _ordered(full))
    length = "content-length"
    assert [h for h in fast.headers.multi_items() if h[0] != length] == [
        h for h in full.headers.multi_items() if h[0] != length
    ]
    if BACKEND == "sqlite":
        assert (fast.content, fast.headers[length]) == (full.content, full.headers[length])


async def _twice(
    http: httpx.AsyncClient, token: str | None, body: dict[str, Any] | str, **headers: str
) -> tuple[httpx.Response, httpx.Response, float]:
    """(the first answer, the second, how many of the two the fast path served)."""
    before = await _fast_reads(http)
    first = await _post(http, token, body, **headers)
    second = await _post(http, token, body, **headers)
    return first, second, await _fast_reads(http) - before


def _probes(org: Org) -> dict[str, dict[str, object]]:
    """Covered operations of tests/api/compiled/queries.py and their variables."""
    worker: dict[str, object] = {"id": org.ids["worker"]}
    return {
        "Q1": worker,
        "Q2": {"id": org.ids["team"]},
        "Q3": {},
        "fragments": {"id": org.ids["manager"], "n": 4},
        "readme_first": worker,
        "capabilities": worker,
        "list_scalars": worker,
    }


@pytest.mark.parametrize("role", ROLES)
async def test_a_repeated_query_is_served_by_the_fast_path_with_the_same_bytes(
    paths: Paths, org: Org, role: str
) -> None:
    for name, variables in _probes(org).items():
        body = {"query": COVERED[name], "variables": variables}
        full, fast, served = await _twice(paths.compiled, org.tokens[role], body)
        assert full.json()["extensions"]["readPath"] == "compiled", (name, full.text)
        assert served == 1, name
        _same(full, fast)
        resolvers = (await _post(paths.resolvers, org.tokens[role], body)).json()
        answer = fast.json()
        assert answer["extensions"].pop("readPath") == "compiled"
        assert answer == resolvers, name
        assert json.dumps(answer["data"]) == json.dumps(resolvers["data"]), name  # keys in order


async def test_one_plan_serves_other_ids_on_the_fast_path(paths: Paths, org: Org) -> None:
    token = org.tokens["hr"]
    await _post(paths.compiled, token, {"query": COVERED["Q1"], "variables": {"id": org.ids["worker"]}})
    for key in ("hr", "manager", "other"):
        body = {"query": COVERED["Q1"], "variables": {"id": org.ids[key]}}
        before = await _fast_reads(paths.compiled)
        fast = (await _post(paths.compiled, token, body)).json()
        assert await _fast_reads(paths.compiled) == before + 1
        assert fast["extensions"].pop("readPath") == "compiled"
        assert fast == (await _post(paths.resolvers, token, body)).json(), key


async def test_the_floor_is_a_plan_without_statements(paths: Paths, org: Org) -> None:
    for query in (FLOOR, ALIASED_FLOOR):
        full, fast, served = await _twice(paths.compiled, org.tokens["employee"], {"query": query})
        assert served == 1
        _same(full, fast)
        assert fast.json() == {
            "data": {"__typename": "Query"} if query == FLOOR else {"a": "Query", "b": "Query"},
            "extensions": {"cost": {"estimated": 0, "maximum": 1_000_000}, "readPath": "compiled"},
        }
    with count_statements() as statements:
        await _post(paths.compiled, org.tokens["employee"], {"query": FLOOR})
    assert len(statements) == 1, statements  # the token check, and no policy


@pytest.mark.parametrize("role", ROLES)
async def test_a_plan_that_reads_no_policy_fact_loads_no_policy(paths: Paths, org: Org, role: str) -> None:
    body = {"query": TRIVIAL, "variables": {"id": org.ids["manager"]}}
    full, fast, served = await _twice(paths.compiled, org.tokens[role], body)
    assert served == 1
    _same(full, fast)
    with count_statements() as statements:
        again = await _post(paths.compiled, org.tokens[role], body)
    assert len(statements) == 2, statements  # the token check and the plan's one statement
    answer = again.json()
    assert answer["extensions"].pop("readPath") == "compiled"
    assert answer == (await _post(paths.resolvers, org.tokens[role], body)).json()


async def test_a_plan_that_reads_the_viewer_is_never_shared_between_viewers(paths: Paths, org: Org) -> None:
    for role in ("employee", "manager", "hr", "employee", "manager"):
        fast = (await _post(paths.compiled, org.tokens[role], {"query": VIEWER})).json()
        assert fast["extensions"].pop("readPath") == "compiled"
        assert fast == (await _post(paths.resolvers, org.tokens[role], {"query": VIEWER})).json(), role
    assert fast["data"]["viewer"]["givenName"]


@pytest.mark.parametrize(("role", "policy"), [("service", 0), ("hr", 3), ("employee", 3)])
async def test_one_statement_per_root_field_beyond_the_token_check_and_the_policy(
    paths: Paths, org: Org, role: str, policy: int
) -> None:
    body = {"query": TWO_ROOTS, "variables": {"id": org.ids["worker"], "n": 3}}
    await _post(paths.compiled, org.tokens[role], body)
    before = await _fast_reads(paths.compiled)
    with count_statements() as statements:
        fast = await _post(paths.compiled, org.tokens[role], body)
    assert await _fast_reads(paths.compiled) == before + 1
    assert "errors" not in fast.json()
    assert len(statements) == 1 + policy + 2, statements


async def test_the_fast_path_counts_the_operation_as_the_full_path_does(paths: Paths, org: Org) -> None:
    body = {"query": COVERED["Q3"]}
    await _post(paths.compiled, org.tokens["service"], body)
    before = await _metric(paths.compiled, _QUERIES)
    await _post(paths.compiled, org.tokens["service"], body)
    assert await _metric(paths.compiled, _QUERIES) == before + 1


async def test_a_get_request_is_served_too(paths: Paths, org: Org) -> None:
    params = {"query": COVERED["Q1"], "variables": json.dumps({"id": org.ids["worker"]})}
    headers = {"Authorization": f"Bearer {org.tokens['hr']}"}
    before = await _fast_reads(paths.compiled)
    full = await paths.compiled.get("/graphql", params=params, headers=headers)
    fast = await paths.compiled.get("/graphql", params=params, headers=headers)
    assert await _fast_reads(paths.compiled) == before + 1
    _same(full, fast)


async def test_a_persisted_query_hash_is_served_by_the_fast_path(paths: Paths, org: Org) -> None:
    query = COVERED["Q3"]
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}
    token = org.tokens["manager"]
    full = await _post(paths.compiled, token, {"query": query, "extensions": extensions})
    before = await _fast_reads(paths.compiled)
    fast = await _post(paths.compiled, token, {"extensions": extensions})
    again = await _post(paths.compiled, token, {"query": query, "extensions": extensions})
    assert await _fast_reads(paths.compiled) == before + 2
    _same(full, fast)
    _same(full, again)
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    mismatch = await _post(paths.compiled, token, {"query": query, "extensions": wrong})
    assert error_codes(mismatch.json()) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert await _fast_reads(paths.compiled) == before + 2


async def test_the_graphql_response_media_type_is_kept(paths: Paths, org: Org) -> None:
    body = {"query": COVERED["Q3"]}
    accept = "application/graphql-response+json"
    full, fast, served = await _twice(paths.compiled, org.tokens["service"], body, Accept=accept)
    assert served == 1
    _same(full, fast)
    assert fast.headers["content-type"] == f"{accept}; charset=utf-8"


async def _same_as_resolvers(
    paths: Paths, token: str | None, body: dict[str, Any] | str, **headers: str
) -> httpx.Response:
    """Given the query was served once by the fast path, the request gets the resolver path's
    answer and the fast path does not serve it."""
    before = await _fast_reads(paths.compiled)
    compiled = await _post(paths.compiled, token, body, **headers)
    resolvers = await _post(paths.resolvers, token, body, **headers)
    assert await _fast_reads(paths.compiled) == before
    assert compiled.status_code == resolvers.status_code, compiled.text
    answer = compiled.json()
    answer.get("extensions", {}).pop("readPath", None)
    assert answer == resolvers.json()
    return compiled


async def _warm(paths: Paths, org: Org, query: str = COVERED["Q1"]) -> dict[str, Any]:
    body = {"query": query, "variables": {"id": org.ids["worker"]}}
    _, _, served = await _twice(paths.compiled, org.tokens["hr"], body)
    assert served == 1
    return body


async def test_a_revoked_token_is_refused_at_once(paths: Paths, org: Org) -> None:
    body = {"query": COVERED["Q1"], "variables": {"id": org.ids["worker"]}}
    _, _, served = await _twice(paths.compiled, org.tokens["employee"], body)
    assert served == 1
    await Employee.filter(email="worker@example.com").update(status="terminated")
    refused = await _same_as_resolvers(paths, org.tokens["employee"], body)
    assert refused.status_code == 401
    assert error_codes(refused.json()) == ["UNAUTHENTICATED"]


async def test_a_narrow_token_anonymous_and_a_bad_token_get_the_full_path(
    paths: Paths, org: Org, tokens: TokenMaker
) -> None:
    body = await _warm(paths, org)
    narrow = await tokens("hr@example.com", "employees:read")
    denied = await _same_as_resolvers(paths, narrow, body)
    assert error_codes(denied.json()) == ["FORBIDDEN"] * len(denied.json()["errors"])
    anonymous = await _same_as_resolvers(paths, None, body)
    assert anonymous.status_code == 401
    bad = await _same_as_resolvers(paths, org.tokens["hr"][:-4] + "AAAA", body)
    assert bad.status_code == 401


async def test_another_variable_shape_is_planned_by_the_full_path_first(paths: Paths, org: Org) -> None:
    token = org.tokens["service"]
    await _twice(paths.compiled, token, {"query": TWO_ROOTS, "variables": {"id": org.ids["worker"], "n": 3}})
    for variables in ({"id": org.ids["team"], "n": 3}, {"id": org.ids["worker"], "n": 0}):
        body = {"query": TWO_ROOTS, "variables": variables}
        await _same_as_resolvers(paths, token, body)  # a new shape: planned on the full path
        full, fast, served = await _twice(paths.compiled, token, body)
        assert served == 2
        _same(full, fast)


async def test_bad_variables_get_the_full_paths_errors(paths: Paths, org: Org) -> None:
    body = await _warm(paths, org)
    token = org.tokens["hr"]
    missing = await _same_as_resolvers(paths, token, {"query": body["query"]})
    assert "$id" in missing.json()["errors"][0]["message"]
    wrong_type = await _same_as_resolvers(paths, token, {"query": body["query"], "variables": {"id": [1]}})
    assert wrong_type.json()["errors"]
    text = await _same_as_resolvers(paths, token, {"query": body["query"], "variables": {"id": "a\u0000b"}})
    assert error_codes(text.json()) == ["INVALID_CHARACTERS"]
    not_a_node = await _same_as_resolvers(paths, token, {"query": body["query"], "variables": {"id": "nope"}})
    assert not_a_node.json()["errors"]


async def test_a_cost_over_the_limit_is_refused_as_on_the_full_path(paths: Paths, org: Org) -> None:
    query = _costly(28)  # 28 x 100 x (2 + 4 x 100) objects at n = 100
    _, _, served = await _twice(
        paths.compiled, org.tokens["service"], {"query": query, "variables": {"n": 1}}
    )
    assert served == 1
    refused = await _same_as_resolvers(
        paths, org.tokens["service"], {"query": query, "variables": {"n": 100}}
    )
    assert error_codes(refused.json()) == ["QUERY_TOO_COSTLY"]


async def test_bad_requests_get_the_full_paths_refusals(paths: Paths, org: Org) -> None:
    body = await _warm(paths, org)
    token = org.tokens["hr"]
    text = json.dumps(body)
    unsupported = await _same_as_resolvers(paths, token, text, **{"Content-Type": "text/plain"})
    assert unsupported.status_code == 415
    unacceptable = await _same_as_resolvers(paths, token, text, Accept="text/csv")
    assert unacceptable.status_code == 406
    broken = await _same_as_resolvers(paths, token, text[:-1])
    assert error_codes(broken.json()) == ["INVALID_JSON"]
    batched = await _same_as_resolvers(paths, token, f"[{text}]")
    assert error_codes(batched.json()) == ["BATCHING_NOT_SUPPORTED"]
    other_operation = await _same_as_resolvers(paths, token, {**body, "operationName": "Nope"})
    assert other_operation.status_code == 400
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    put = await paths.compiled.put("/graphql", content=text, headers=headers)
    assert put.status_code == 405


async def test_the_resolver_path_setting_never_takes_the_fast_path(paths: Paths, org: Org) -> None:
    body = await _warm(paths, org)
    before = await _fast_reads(paths.resolvers)
    answer = await _post(paths.resolvers, org.tokens["hr"], body)
    assert answer.status_code == 200 and "readPath" not in answer.json().get("extensions", {})
    assert await _fast_reads(paths.resolvers) == before


MY_TASKS = "query MyTasks { tasks(first: 50) { totalCount nodes { title status assignee { email } } } }"


async def test_two_employees_on_one_cached_plan_each_get_their_own_rows(
    paths: Paths, org: Org, tokens: TokenMaker
) -> None:
    from planner.plans import PLANS, SHARED_PLANS

    worker, other = org.tokens["employee"], await tokens("other@example.com")
    body = {"query": MY_TASKS}
    first, _, served = await _twice(paths.compiled, worker, body)
    assert served == 1
    assert first.json()["extensions"]["readPath"] == "compiled"
    plans, shared = len(PLANS), len(SHARED_PLANS)
    before = await _fast_reads(paths.compiled)
    theirs = await _post(paths.compiled, other, body)  # the worker's plan, the other's facts
    assert await _fast_reads(paths.compiled) == before + 1
    assert (len(PLANS), len(SHARED_PLANS)) == (plans, shared)  # no plan of their own
    answers = {}
    for name, token, compiled in (("worker", worker, first), ("other", other, theirs)):
        answer = compiled.json()
        assert answer["extensions"].pop("readPath") == "compiled"
        assert answer == (await _post(paths.resolvers, token, body)).json(), name
        answers[name] = answer["data"]["tasks"]
    assert answers["worker"] != answers["other"]
    assert answers["worker"]["totalCount"] != answers["other"]["totalCount"]


async def test_the_default_read_path_takes_the_fast_path(settings: Any, org: Org) -> None:
    from dataclasses import replace

    from server import create_app

    app = create_app(replace(settings, read_path="auto"), manage_db=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        body = {"query": COVERED["Q1"], "variables": {"id": org.ids["worker"]}}
        full, fast, served = await _twice(http, org.tokens["employee"], body)
    assert served == 1
    _same(full, fast)
    assert "errors" not in fast.json(), fast.text


async def test_a_plan_that_binds_the_viewers_facts_is_never_run_without_their_policy(
    paths: Paths, org: Org
) -> None:
    from planner.plans import PLANS, SHARED_PLANS, run

    PLANS.clear()
    SHARED_PLANS.clear()
    answer = (await _post(paths.compiled, org.tokens["employee"], {"query": MY_TASKS})).json()
    assert answer["extensions"]["readPath"] == "compiled"
    assert len(SHARED_PLANS) == 0  # the tasks it shows depend on who asks
    (plan,) = PLANS._plans.values()
    assert plan.reads_policy
    with pytest.raises(ValueError, match="asking viewer's policy"):
        await run(plan, {}, None)


@pytest.mark.parametrize("name", sorted(PAGED))
async def test_a_page_with_cursors_is_served_by_the_fast_path_as_the_full_path_answers(
    paths: Paths, org: Org, name: str
) -> None:
    query, _ = PAGED[name]
    variables: dict[str, object] = {"after": None, **({"id": org.ids["worker"]} if "$id" in query else {})}
    body = {"query": query, "variables": variables}
    full, fast, served = await _twice(paths.compiled, org.tokens["hr"], body)

    assert served == 1, name
    _same(full, fast)
    resolvers = (await _post(paths.resolvers, org.tokens["hr"], body)).json()
    answer = fast.json()
    assert answer["extensions"].pop("readPath") == "compiled"
    assert json.dumps(answer) == json.dumps(resolvers), name
