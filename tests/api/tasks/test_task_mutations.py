"""Task mutations: create and move through the workflow, with user errors and concurrency."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from ids import to_global_id
from models.events import Event
from models.tasks import Task
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker

CREATE_TASK = """
mutation Create($input: CreateTaskInput!) {
  createTask(input: $input) {
    task { id title status priority dueDate version assignee { email } team { name } }
    errors { field code message }
  }
}
"""

SET_STATUS = """
mutation Set($input: SetTaskStatusInput!) {
  setTaskStatus(input: $input) { task { status version completedAt } errors { field code message } }
}
"""


async def test_an_employee_creates_a_task_for_themselves(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))

    data = await client.data(CREATE_TASK, {"input": {"title": "  Write the report ", "priority": "HIGH"}})

    payload = data["createTask"]
    assert payload["errors"] == []
    assert payload["task"]["title"] == "Write the report"
    assert payload["task"]["status"] == "TODO"
    assert payload["task"]["assignee"] == {"email": "ada@example.com"}
    assert await Event.filter(type="task.created").count() == 1


async def test_create_task_reports_every_input_error_and_writes_nothing(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))
    yesterday = (date.today() - timedelta(days=1)).isoformat()

    data = await client.data(CREATE_TASK, {"input": {"title": " ", "dueDate": yesterday}})

    errors = {(tuple(e["field"]), e["code"]) for e in data["createTask"]["errors"]}
    assert errors == {(("input", "title"), "REQUIRED"), (("input", "dueDate"), "IN_THE_PAST")}
    assert data["createTask"]["task"] is None
    assert await Task.all().count() == 0 and await Event.all().count() == 0


async def test_a_task_for_someone_outside_your_reports_is_not_allowed(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    other = await f.employee(email="bob@example.com")
    client = graphql(await tokens("ada@example.com"))

    data = await client.data(
        CREATE_TASK, {"input": {"title": "Do my work", "assigneeId": to_global_id("Employee", other.id)}}
    )

    assert [e["code"] for e in data["createTask"]["errors"]] == ["NOT_ALLOWED"]


async def test_a_manager_assigns_a_task_to_a_report(graphql: ClientMaker, tokens: TokenMaker) -> None:
    boss = await f.employee(email="boss@example.com")
    report = await f.employee(email="ada@example.com", manager=boss)
    client = graphql(await tokens("boss@example.com"))

    data = await client.data(
        CREATE_TASK, {"input": {"title": "Plan Q3", "assigneeId": to_global_id("Employee", report.id)}}
    )

    assert data["createTask"]["errors"] == []
    assert data["createTask"]["task"]["assignee"]["email"] == "ada@example.com"


async def test_unknown_assignee_and_malformed_ids_are_user_errors(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))

    missing = await client.data(
        CREATE_TASK, {"input": {"title": "x", "assigneeId": to_global_id("Employee", 999)}}
    )
    malformed = await client.data(CREATE_TASK, {"input": {"title": "x", "teamId": "nonsense"}})

    assert [e["code"] for e in missing["createTask"]["errors"]] == ["NOT_FOUND"]
    assert [(e["field"], e["code"]) for e in malformed["createTask"]["errors"]] == [
        (["input", "teamId"], "INVALID_ID")
    ]


async def test_status_moves_follow_the_workflow(graphql: ClientMaker, tokens: TokenMaker) -> None:
    ada = await f.employee(email="ada@example.com")
    task = await f.task(ada)
    client = graphql(await tokens("ada@example.com"))
    task_id = to_global_id("Task", task.id)

    done = await client.data(SET_STATUS, {"input": {"id": task_id, "status": "DONE", "expectedVersion": 1}})
    assert done["setTaskStatus"]["task"]["status"] == "DONE"
    assert done["setTaskStatus"]["task"]["completedAt"] is not None
    assert done["setTaskStatus"]["task"]["version"] == 2

    reopened = await client.data(SET_STATUS, {"input": {"id": task_id, "status": "IN_PROGRESS"}})
    assert reopened["setTaskStatus"]["task"]["completedAt"] is None

    await client.data(SET_STATUS, {"input": {"id": task_id, "status": "CANCELLED"}})
    refused = await client.data(SET_STATUS, {"input": {"id": task_id, "status": "DONE"}})
    assert [e["code"] for e in refused["setTaskStatus"]["errors"]] == ["INVALID_TRANSITION"]
    assert await Event.filter(type="task.status_changed").count() == 3


async def test_a_hidden_task_is_not_found(graphql: ClientMaker, tokens: TokenMaker) -> None:
    ada = await f.employee(email="ada@example.com")
    await f.employee(email="bob@example.com")
    task = await f.task(ada)
    client = graphql(await tokens("bob@example.com"))

    data = await client.data(SET_STATUS, {"input": {"id": to_global_id("Task", task.id), "status": "DONE"}})

    assert [e["code"] for e in data["setTaskStatus"]["errors"]] == ["NOT_FOUND"]
    assert (await Task.get(id=task.id)).status == "todo"


async def test_two_concurrent_updates_with_the_same_version_leave_one_winner(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    ada = await f.employee(email="ada@example.com")
    task = await f.task(ada)
    client = graphql(await tokens("ada@example.com"))
    task_id = to_global_id("Task", task.id)

    results = await asyncio.gather(
        client.data(SET_STATUS, {"input": {"id": task_id, "status": "IN_PROGRESS", "expectedVersion": 1}}),
        client.data(SET_STATUS, {"input": {"id": task_id, "status": "BLOCKED", "expectedVersion": 1}}),
    )

    codes = sorted(tuple(e["code"] for e in r["setTaskStatus"]["errors"]) for r in results)
    assert codes == [(), ("CONFLICT",)]
    assert (await Task.get(id=task.id)).version == 2
    assert await Event.filter(type="task.status_changed").count() == 1


async def test_the_same_idempotency_key_twice_creates_one_task(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))
    variables = {"input": {"title": "Book the venue"}}

    first = await client.post(CREATE_TASK, variables, **{"Idempotency-Key": "retry-42"})
    second = await client.post(CREATE_TASK, variables, **{"Idempotency-Key": "retry-42"})

    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert await Task.all().count() == 1
    assert await Event.filter(type="task.created").count() == 1


async def test_an_idempotency_key_reused_for_another_request_is_refused(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))

    await client.post(CREATE_TASK, {"input": {"title": "One"}}, **{"Idempotency-Key": "k1"})
    reused = await client.post(CREATE_TASK, {"input": {"title": "Two"}}, **{"Idempotency-Key": "k1"})

    assert reused.status_code == 422
    assert reused.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await Task.all().count() == 1


async def test_concurrent_retries_with_one_key_create_one_task(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))
    variables = {"input": {"title": "Flaky network"}}

    responses = await asyncio.gather(
        *[client.post(CREATE_TASK, variables, **{"Idempotency-Key": "same"}) for _ in range(5)]
    )

    assert {r.status_code for r in responses} <= {200, 409}
    assert await Task.all().count() == 1


UPDATE_TASK = """
mutation Update($input: UpdateTaskInput!) {
  updateTask(input: $input) {
    task { title description priority dueDate version assignee { email } team { name } }
    errors { field code message }
  }
}
"""

DELETE_TASK = """
mutation Delete($input: DeleteTaskInput!) { deleteTask(input: $input) { deletedId errors { field code message } } }
"""


def codes(payload: dict[str, Any]) -> set[tuple[tuple[str, ...], str]]:
    return {(tuple(e["field"] or ()), e["code"]) for e in payload["errors"]}


async def snapshot() -> tuple[list[dict[str, Any]], int]:
    """Every task row and the number of events: what a refused mutation must leave alone."""
    return await Task.all().order_by("id").values(), await Event.all().count()


async def test_the_assignee_updates_a_task(graphql: ClientMaker, tokens: TokenMaker) -> None:
    ada = await f.employee(email="ada@example.com")
    task = await f.task(ada, title="Draft")
    client = graphql(await tokens("ada@example.com"))
    due = (date.today() + timedelta(days=3)).isoformat()

    data = await client.data(
        UPDATE_TASK,
        {
            "input": {
                "id": to_global_id("Task", task.id),
                "title": "Final",
                "priority": "URGENT",
                "dueDate": due,
                "description": "",
                "expectedVersion": 1,
            }
        },
    )

    payload = data["updateTask"]
    assert payload["errors"] == []
    assert (payload["task"]["title"], payload["task"]["priority"], payload["task"]["dueDate"]) == (
        "Final",
        "URGENT",
        due,
    )
    assert payload["task"]["version"] == 2
    event = await Event.get(type="task.updated")
    assert sorted(event.data["changed"]) == [
        "dueDate",
        "priority",
        "title",
    ]  # the description was already empty


async def test_update_task_errors_write_nothing(graphql: ClientMaker, tokens: TokenMaker) -> None:
    ada = await f.employee(email="ada@example.com")
    task = await f.task(ada)
    client = graphql(await tokens("ada@example.com"))
    task_id = to_global_id("Task", task.id)
    before = await snapshot()

    bad = await client.data(UPDATE_TASK, {"input": {"id": task_id, "title": " ", "dueDate": "2001-01-01"}})
    stale = await client.data(UPDATE_TASK, {"input": {"id": task_id, "title": "New", "expectedVersion": 7}})
    no_assignee = await client.data(UPDATE_TASK, {"input": {"id": task_id, "assigneeId": None}})

    assert codes(bad["updateTask"]) == {(("input", "title"), "REQUIRED")}
    assert codes(stale["updateTask"]) == {(("input", "expectedVersion"), "CONFLICT")}
    assert codes(no_assignee["updateTask"]) == {(("input", "assigneeId"), "REQUIRED")}
    past = await client.data(UPDATE_TASK, {"input": {"id": task_id, "dueDate": "2001-01-01"}})
    assert codes(past["updateTask"]) == {(("input", "dueDate"), "IN_THE_PAST")}
    assert await snapshot() == before


async def test_reassignment_follows_the_assignment_rules(graphql: ClientMaker, tokens: TokenMaker) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    bob = await f.employee(email="bob@example.com", manager=boss)
    outsider = await f.employee(email="out@example.com")
    team = await f.team(name="Core")
    await f.member(team, ada)
    task = await f.task(ada)
    task_id = to_global_id("Task", task.id)

    by_ada = await graphql(await tokens("ada@example.com")).data(
        UPDATE_TASK, {"input": {"id": task_id, "assigneeId": to_global_id("Employee", outsider.id)}}
    )
    to_foreign_team = await graphql(await tokens("boss@example.com")).data(
        UPDATE_TASK,
        {
            "input": {
                "id": task_id,
                "assigneeId": to_global_id("Employee", bob.id),
                "teamId": to_global_id("Team", team.id),
            }
        },
    )
    by_boss = await graphql(await tokens("boss@example.com")).data(
        UPDATE_TASK, {"input": {"id": task_id, "assigneeId": to_global_id("Employee", bob.id)}}
    )

    assert codes(by_ada["updateTask"]) == {(("input", "assigneeId"), "NOT_ALLOWED")}
    assert codes(to_foreign_team["updateTask"]) == {(("input", "assigneeId"), "INVALID")}
    assert by_boss["updateTask"]["task"]["assignee"] == {"email": "bob@example.com"}
    assert await Event.filter(type="task.updated").count() == 1


async def test_update_task_refuses_the_unrelated_and_the_unscoped(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    ada = await f.employee(email="ada@example.com")
    teammate = await f.employee(email="mate@example.com")
    await f.employee(email="bob@example.com")
    team = await f.team()
    await f.member(team, ada)
    await f.member(team, teammate)
    task = await f.task(ada, team=team)
    variables = {"input": {"id": to_global_id("Task", task.id), "title": "Mine now"}}
    before = await snapshot()

    hidden = await graphql(await tokens("bob@example.com")).data(UPDATE_TASK, variables)
    seen_only = await graphql(await tokens("mate@example.com")).data(UPDATE_TASK, variables)
    unscoped = await graphql(await tokens("ada@example.com", scopes="tasks:read")).execute(
        UPDATE_TASK, variables
    )

    assert codes(hidden["updateTask"]) == {(("input", "id"), "NOT_FOUND")}
    assert codes(seen_only["updateTask"]) == {(("input", "id"), "NOT_ALLOWED")}
    assert unscoped["errors"][0]["extensions"] == {"code": "FORBIDDEN", "requiredScope": "tasks:write"}
    assert await snapshot() == before


async def test_the_creator_and_the_managers_delete_a_task(graphql: ClientMaker, tokens: TokenMaker) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    mine = await f.task(ada, title="Scratch")
    given = await f.task(ada, title="From the boss", creator=boss)

    own = await graphql(await tokens("ada@example.com")).data(
        DELETE_TASK, {"input": {"id": to_global_id("Task", mine.id)}}
    )
    managed = await graphql(await tokens("boss@example.com")).data(
        DELETE_TASK, {"input": {"id": to_global_id("Task", given.id)}}
    )

    assert own["deleteTask"] == {"deletedId": to_global_id("Task", mine.id), "errors": []}
    assert managed["deleteTask"]["errors"] == []
    assert await Task.all().count() == 0
    event = await Event.filter(type="task.deleted").order_by("id").first()
    assert event is not None and event.data is not None
    assert event.data["title"] == "Scratch" and event.data["assigneeId"] == ada.id


async def test_delete_task_refusals_write_nothing(graphql: ClientMaker, tokens: TokenMaker) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    await f.employee(email="bob@example.com")
    task = await f.task(ada, creator=boss)
    variables = {"input": {"id": to_global_id("Task", task.id)}}
    before = await snapshot()

    by_assignee = await graphql(await tokens("ada@example.com")).data(DELETE_TASK, variables)
    by_stranger = await graphql(await tokens("bob@example.com")).data(DELETE_TASK, variables)
    unscoped = await graphql(await tokens("boss@example.com", scopes="tasks:read")).execute(
        DELETE_TASK, variables
    )

    assert codes(by_assignee["deleteTask"]) == {(("input", "id"), "NOT_ALLOWED")}
    assert by_assignee["deleteTask"]["deletedId"] is None
    assert codes(by_stranger["deleteTask"]) == {(("input", "id"), "NOT_FOUND")}
    assert unscoped["errors"][0]["extensions"] == {"code": "FORBIDDEN", "requiredScope": "tasks:write"}
    assert await snapshot() == before


async def test_capability_fields_tell_the_assignee_apart_from_the_creator(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    await f.task(ada, creator=boss, title="Given by the boss")
    query = "{ tasks { nodes { title viewerCanUpdate viewerCanDelete } } }"

    as_ada = await graphql(await tokens("ada@example.com")).data(query)
    as_boss = await graphql(await tokens("boss@example.com")).data(query)

    assert as_ada["tasks"]["nodes"] == [
        {"title": "Given by the boss", "viewerCanUpdate": True, "viewerCanDelete": False}
    ]
    assert as_boss["tasks"]["nodes"] == [
        {"title": "Given by the boss", "viewerCanUpdate": True, "viewerCanDelete": True}
    ]
