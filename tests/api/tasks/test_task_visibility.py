"""Who sees a task, told with the role fixtures: the assignee, their manager, their team, HR and
services see it; another employee gets null, as if it did not exist; no token is refused."""

from __future__ import annotations

from ids import to_global_id
from models.tasks import Task
from models.teams import Team
from tests.support import factories as f
from tests.support.graphql_client import Caller, TokenMaker, error_codes

TASK = "query($id: ID!) { node(id: $id) { ... on Task { title assignee { email } } } }"
TASKS = "{ tasks(first: 10) { totalCount edges { node { title } } } }"


async def _ada_task_on_team_web(employee: Caller) -> Task:
    web = await Team.get(slug="web")  # made by the `teammate` fixture, with Ada in it
    return await f.task(employee.row, title="Ship the release", team=web)


async def test_the_assignee_their_manager_their_team_hr_and_services_see_the_task(
    employee: Caller, manager: Caller, teammate: Caller, hr: Caller, service: Caller
) -> None:
    # Given Ada's task on team Web
    task = await _ada_task_on_team_web(employee)
    variables = {"id": to_global_id("Task", task.id)}

    # When each of them reads it, then each sees it whole
    for caller in (employee, manager, teammate, hr, service):
        body = await caller.execute(TASK, variables)
        assert body.get("errors") is None, body
        assert body["data"]["node"] == {"title": "Ship the release", "assignee": {"email": "ada@example.com"}}
        listed = await caller.execute(TASKS)
        assert [e["node"]["title"] for e in listed["data"]["tasks"]["edges"]] == ["Ship the release"]


async def test_another_employee_gets_null_and_an_empty_list(
    employee: Caller, teammate: Caller, tokens: TokenMaker
) -> None:
    # Given Ada's task on team Web, and Grace, who is on no team and manages nobody
    task = await _ada_task_on_team_web(employee)
    grace = await f.employee(email="grace@example.com")
    outsider = Caller(employee.http, await tokens(grace.email), grace)

    # When Grace reads it, then it does not exist for her
    body = await outsider.execute(TASK, {"id": to_global_id("Task", task.id)})
    assert body["data"] == {"node": None} and "errors" not in body
    listed = await outsider.execute(TASKS)
    assert listed["data"]["tasks"] == {"totalCount": 0, "edges": []}


async def test_no_token_is_refused_before_anything_is_read(employee: Caller, anonymous: Caller) -> None:
    task = await f.task(employee.row, title="Ship the release")
    response = await anonymous.post(TASK, {"id": to_global_id("Task", task.id)})
    assert response.status_code == 401
    body = response.json()
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] == {"node": None}
