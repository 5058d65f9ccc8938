"""The people an event names are shown only to those who may read what the event is about.

A subscriber following a session must not learn who enrolled from `actor` when the enrollment
itself is hidden; a token without `employees:read` gets no person (nor their ID) from any event,
live or in the audit log.
"""

from __future__ import annotations

from ids import to_global_id
from resolvers.tasks import workflows as tw
from resolvers.training import enrollment as ew
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker
from tests.support.live import act, create_task, listening
from tests.support.ws_client import WSClient

SESSION_EVENTS = """
subscription Seats($sessionId: ID!) {
  trainingSessionEvents(sessionId: $sessionId) { type actor { email } enrollment { status } }
}
"""
TASK_EVENTS = """
subscription { taskEvents { type actor { email } deletedTask { title assigneeId creatorId teamId } } }
"""
AUDIT = "{ auditEvents(first: 1) { edges { node { type actor { email } } } } }"


async def test_who_enrolled_is_hidden_from_a_follower_who_may_not_see_the_enrollment(
    server: str, tokens: TokenMaker
) -> None:  # noqa: F811
    ada = await f.employee(email="ada@example.com")
    await f.employee(email="bob@example.com")
    session = await f.session(await f.course(), capacity=2)
    variables = {"sessionId": to_global_id("TrainingSession", session.id)}
    bob = await WSClient.connect(server, await tokens("bob@example.com"))
    ada_client = await WSClient.connect(server, await tokens("ada@example.com"))
    bob_op = await bob.subscribe(SESSION_EVENTS, variables)
    ada_op = await ada_client.subscribe(SESSION_EVENTS, variables)
    await listening(2)

    await act("ada@example.com", ew.enroll, session_id=session.id, employee_id=ada.id)

    assert (await bob.next_data(bob_op))["trainingSessionEvents"] == {
        "type": "TRAINING_ENROLLED",
        "actor": None,
        "enrollment": None,
    }
    assert (await ada_client.next_data(ada_op))["trainingSessionEvents"] == {
        "type": "TRAINING_ENROLLED",
        "actor": {"email": "ada@example.com"},
        "enrollment": {"status": "ENROLLED"},
    }
    await bob.close()
    await ada_client.close()


async def test_a_deleted_task_names_no_one_to_a_token_that_cannot_read_people(
    server: str, tokens: TokenMaker
) -> None:  # noqa: F811
    ada = await f.employee(email="ada@example.com")
    client = await WSClient.connect(server, await tokens("ada@example.com", "tasks:read"))
    op = await client.subscribe(TASK_EVENTS)
    await listening(1)
    task = await create_task("ada@example.com", "Gone soon", ada.id)
    await client.receive(op)

    await act("ada@example.com", tw.delete_task, task_id=task.id)

    # the actor is refused at its own path (it needs `employees:read`); the rest arrives
    payload = (await client.receive(op))["payload"]
    assert payload["data"]["taskEvents"] == {
        "type": "TASK_DELETED",
        "actor": None,
        "deletedTask": {"title": "Gone soon", "assigneeId": None, "creatorId": None, "teamId": None},
    }
    assert [(e["path"], e["extensions"]["code"]) for e in payload["errors"]] == [
        (["taskEvents", "actor"], "FORBIDDEN")
    ]
    await client.close()


async def test_the_audit_log_names_the_actor_only_to_a_reader_of_people(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="hr@example.com", role="hr")
    hr = await f.employee(email="hr2@example.com", role="hr")
    await act(
        "hr2@example.com", ew.enroll, session_id=(await f.session(await f.course())).id, employee_id=hr.id
    )

    audit_only = await graphql(await tokens("hr@example.com", "audit:read")).execute(AUDIT)
    with_people = await graphql(await tokens("hr@example.com", "audit:read employees:read")).data(AUDIT)

    assert audit_only["data"]["auditEvents"]["edges"][0]["node"] == {
        "type": "TRAINING_ENROLLED",
        "actor": None,
    }
    assert [(e["path"], e["extensions"]["code"]) for e in audit_only["errors"]] == [
        (["auditEvents", "edges", 0, "node", "actor"], "FORBIDDEN")
    ]
    assert with_people["auditEvents"]["edges"][0]["node"] == {
        "type": "TRAINING_ENROLLED",
        "actor": {"email": "hr2@example.com"},
    }
