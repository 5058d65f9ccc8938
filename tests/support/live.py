"""Shared pieces of the live-update tests: subscription and mutation documents, plain HTTP calls
to a live server, waiting for its subscribers, and writing history without HTTP.

The live server itself is the `server` fixture (tests/conftest.py); the protocol client is
tests/support/ws_client.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from tortoise.transactions import in_transaction

from auth.policy import Policy
from auth.principal import Principal
from events.brokers import current_broker
from events.log import record_event
from models.employees import Employee
from models.events import Event
from models.tasks import TaskPriority
from resolvers.core.unit_of_work import Actor, mutate
from resolvers.tasks import workflows as tw
from tests.support.ws_client import wait_until

TASK_EVENTS = """
subscription Tasks($teamId: ID, $assigneeId: ID, $after: ID) {
  taskEvents(teamId: $teamId, assigneeId: $assigneeId, after: $after) {
    id type changedFields actor { email } task { title status assignee { email } }
  }
}
"""

CREATE_TASK = """
mutation Create($input: CreateTaskInput!) {
  createTask(input: $input) { task { id } errors { code } }
}
"""


async def call(url: str, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]  # JSON


async def listening(n: int) -> None:
    """The server holds `n` subscriptions (they opened their inbox at the broker)."""
    await wait_until(lambda: len(current_broker().hub) == n)


async def act(email: str, work: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
    """Run a workflow as this employee, in its own transaction, as its mutation would."""
    employee = await Employee.get(email=email)
    policy = await Policy.load(Principal(scopes=frozenset(), employee_id=employee.id))
    outcome = await mutate(Actor(policy), lambda uow: work(uow, **kwargs))
    assert outcome.errors == [], outcome.errors
    return outcome.value


async def create_task(email: str, title: str, assignee_id: int, team_id: int | None = None) -> Any:
    return await act(
        email,
        tw.create_task,
        title=title,
        description=None,
        assignee_id=assignee_id,
        team_id=team_id,
        priority=TaskPriority.MEDIUM,
        due_date=None,
    )


async def record(type: str, subject_type: str, subject_id: int, data: dict[str, Any] | None = None) -> Event:
    """Write one event to the log in its own transaction, as a workflow would."""
    async with in_transaction() as conn:
        return await record_event(
            conn,
            type,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_id=None,
            client_id=None,
            data=data,
        )
