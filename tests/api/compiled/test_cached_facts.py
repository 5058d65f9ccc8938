"""The viewer's facts on the fast path come from the process's policy cache (web/fast_reads.py
`_policy`, resolvers/live/stream.py `PolicyCache`): a repeated read by one viewer runs only the
token check and the plan's statements, and a committed change of someone's manager, team
membership or team lead is seen by the very next read.

These tests start the process's broker as the app's lifespan does (the `paths` fixture does not
run it); the change across processes (Redis) is in tests/api/live/test_subscriptions_scaleout.py.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from ids import from_global_id, to_global_id
from models.teams import Team
from tests.api.compiled.conftest import Org, Paths
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker, count_statements

pytestmark = pytest.mark.usefixtures("nothing_served")

TEAM_TASKS = """query TeamTasks { tasks(first: 50) {
  totalCount nodes { title viewerCanUpdate viewerCanDelete assignee { email } team { name } } } }"""
SET_MANAGER = """mutation SetManager($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { id } errors { code } } }"""
ADD_MEMBER = """mutation AddMember($input: AddTeamMemberInput!) {
  addTeamMember(input: $input) { team { id } errors { code } } }"""
SET_LEAD = """mutation SetLead($input: UpdateTeamInput!) {
  updateTeam(input: $input) { team { id } errors { code } } }"""
REMOVE_MEMBER = """mutation RemoveMember($input: RemoveTeamMemberInput!) {
  removeTeamMember(input: $input) { team { id } errors { code } } }"""
_FAST = re.compile(r"^peoplegraph_graphql_fast_reads_total (\S+)$", re.M)


@pytest.fixture(autouse=True)
def _started(broker: str) -> str:
    """The process's broker (tests/api/compiled/conftest.py `broker`), local and through Redis."""
    return broker


async def _fast_reads(http: httpx.AsyncClient) -> float:
    found = _FAST.search((await http.get("/metrics")).text)
    return float(found.group(1)) if found else 0.0


async def _post(
    http: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any] | None = None
) -> Any:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.json()


async def _fast(paths: Paths, token: str) -> dict[str, Any]:
    """TEAM_TASKS through the fast path (checked), with the resolver path's answer (checked)."""
    before = await _fast_reads(paths.compiled)
    answer = await _post(paths.compiled, token, TEAM_TASKS)
    assert await _fast_reads(paths.compiled) == before + 1, answer
    assert answer["extensions"].pop("readPath") == "compiled"
    assert answer == await _post(paths.resolvers, token, TEAM_TASKS)
    return answer["data"]["tasks"]  # type: ignore[no-any-return]  # JSON


async def _change(paths: Paths, token: str, mutation: str, variables: dict[str, Any]) -> None:
    data = (await _post(paths.compiled, token, mutation, {"input": variables}))["data"]
    assert next(iter(data.values()))["errors"] == [], data


def _assignees(tasks: dict[str, Any]) -> set[str]:
    return {node["assignee"]["email"] for node in tasks["nodes"] if node["assignee"]}


def _teams(tasks: dict[str, Any]) -> set[str]:
    return {node["team"]["name"] for node in tasks["nodes"] if node["team"]}


async def _warm(paths: Paths, token: str) -> dict[str, Any]:
    """The first answer registers TEAM_TASKS; the second loads the viewer's policy into the cache."""
    await _post(paths.compiled, token, TEAM_TASKS)
    return await _fast(paths, token)


@pytest.mark.parametrize("role", ["employee", "manager", "hr"])
async def test_a_repeated_read_by_one_viewer_runs_only_the_plans_statement(
    paths: Paths, org: Org, role: str, broker: str, database_url: str
) -> None:
    # given a viewer whose policy the fast path has loaded once
    token = org.tokens[role]
    first = await _warm(paths, token)

    # when they read again
    with count_statements() as statements:
        again = await _post(paths.compiled, token, TEAM_TASKS)

    # then only the plan's one statement ran, and the token's revocation check unless this
    # process cannot hear other processes' revocations (SQLite without Redis: web/token_checks.py)
    signalled = broker == "redis" or database_url.startswith("postgres")  # or LISTEN/NOTIFY
    assert len(statements) == (1 if signalled else 2), statements
    assert again["extensions"].pop("readPath") == "compiled"
    assert again["data"]["tasks"] == first


async def test_a_new_report_is_seen_by_the_managers_next_read(
    paths: Paths, org: Org, tokens: TokenMaker
) -> None:
    # given Nina, who manages nobody and is on no team, has read the tasks she sees: none
    nina = await f.employee(email="nina@example.com")
    token = await tokens(nina.email)
    before = await _warm(paths, token)
    assert before["totalCount"] == 0

    # when HR makes her the manager's manager (the worker reports to her through the manager)
    nina_id = to_global_id("Employee", nina.id)
    await _change(paths, org.tokens["hr"], SET_MANAGER, {"id": org.ids["manager"], "managerId": nina_id})

    # then her next read loads her facts again (more than the token check and the plan) and
    # shows the manager's and the worker's tasks, as the resolver path does
    with count_statements() as statements:
        await _post(paths.compiled, token, TEAM_TASKS)
    assert len(statements) > 2, statements
    after = await _fast(paths, token)
    assert _assignees(after) == {"worker@example.com", "manager@example.com"}


async def test_joining_and_leaving_a_team_is_seen_by_the_next_read(
    paths: Paths, org: Org, tokens: TokenMaker
) -> None:
    # given Nina, on no team and with no reports, has read the tasks she sees: none of team 2's
    nina = await f.employee(email="nina@example.com")
    token = await tokens(nina.email)
    team2 = await Team.get(id=from_global_id(org.ids["team2"])[1])
    before = await _warm(paths, token)
    assert team2.name not in _teams(before)
    membership = {"teamId": org.ids["team2"], "employeeId": to_global_id("Employee", nina.id)}

    # when HR adds her to team 2
    await _change(paths, org.tokens["hr"], ADD_MEMBER, membership)

    # then her next read shows team 2's tasks
    joined = await _fast(paths, token)
    assert team2.name in _teams(joined)
    assert joined["totalCount"] > before["totalCount"]

    # and when HR removes her again, the next read no longer does
    await _change(paths, org.tokens["hr"], REMOVE_MEMBER, membership)
    assert await _fast(paths, token) == before


async def test_becoming_a_teams_lead_is_seen_by_the_next_read(paths: Paths, org: Org) -> None:
    # given the worker, a member of the first team, may not delete its tasks given to others
    worker = org.tokens["employee"]
    team = await Team.get(id=from_global_id(org.ids["team"])[1])

    def deletable(tasks: dict[str, Any]) -> list[bool]:
        return [
            n["viewerCanDelete"]
            for n in tasks["nodes"]
            if n["team"] == {"name": team.name} and n["assignee"]["email"] != "worker@example.com"
        ]

    before = await _warm(paths, worker)
    assert deletable(before) and not any(deletable(before))

    # when HR makes them the team's lead
    await _change(paths, org.tokens["hr"], SET_LEAD, {"id": org.ids["team"], "leadId": org.ids["worker"]})

    # then their next read lets them delete every one of them
    after = await _fast(paths, worker)
    assert all(deletable(after)) and len(deletable(after)) == len(deletable(before))
