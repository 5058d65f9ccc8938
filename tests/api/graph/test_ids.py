"""One global ID per object: the codec accepts only its own canonical strings, and every
argument and input that takes an ID refuses anything else with INVALID_ID, never a 500."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from ids import MAX_PK, InvalidId, event_pk, from_global_id, public_data, to_global_id
from models.tasks import Task
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, error_codes


def b64(text: str, *, alphabet: str = "urlsafe", pad: bool = False) -> str:
    encode = base64.urlsafe_b64encode if alphabet == "urlsafe" else base64.b64encode
    out = encode(text.encode()).decode()
    return out if pad else out.rstrip("=")


CANONICAL_TASK_317 = "VGFzazozMTc"

NON_CANONICAL = {
    "padded": CANONICAL_TASK_317 + "=",
    "standard base64 with padding": b64("Task:317", alphabet="standard", pad=True),
    "underscore in the number": b64("Employee:1_0"),
    "Arabic-Indic digits": b64("Employee:١٢"),
    "leading zero": b64("Employee:010"),
    "plus sign": b64("Employee:+10"),
    "minus sign": b64("Employee:-1"),
    "zero": b64("Employee:0"),
    "spaces": b64("Employee: 10"),
    "trailing junk after the base64": CANONICAL_TASK_317 + "!!",
    "trailing junk in the text": b64("Task:317x"),
    "unused bits set": CANONICAL_TASK_317[:-1] + "d",
    "standard alphabet": b64("Task:1>?", alphabet="standard"),
    "no type": b64(":1"),
    "lowercase type": b64("task:1"),
    "no colon": b64("Task1"),
    "beyond the database's integer": b64(f"Task:{MAX_PK + 1}"),
    "beyond 64 bits": b64(f"Task:{2**64 + 1}"),
    "5000 digits": b64("Task:" + "9" * 5000),
    "empty": "",
    "surrogate": "VGFz\ud800",
    "NUL": "VGFzazox\x00",
}


def test_an_id_round_trips_through_the_codec() -> None:
    assert to_global_id("Task", 317) == CANONICAL_TASK_317
    assert from_global_id(CANONICAL_TASK_317, expected="Task") == ("Task", 317)
    assert from_global_id(to_global_id("Enrollment", MAX_PK)) == ("Enrollment", MAX_PK)


@pytest.mark.parametrize("raw", NON_CANONICAL.values(), ids=NON_CANONICAL.keys())
def test_only_the_canonical_form_decodes(raw: str) -> None:
    with pytest.raises(InvalidId) as refused:
        from_global_id(raw)
    assert refused.value.extensions == {"code": "INVALID_ID"}
    assert "\ud800" not in refused.value.message and "\x00" not in refused.value.message


def test_an_id_of_another_type_is_refused() -> None:
    with pytest.raises(InvalidId, match="is a Task, expected Employee"):
        from_global_id(CANONICAL_TASK_317, expected="Employee")


@pytest.mark.parametrize("raw", ["01", "-1", "+1", "1.0", "١٢", " 1", str(2**63), "9" * 5000, ""])
def test_event_positions_are_canonical_decimals_within_bigint(raw: str) -> None:
    with pytest.raises(InvalidId):
        event_pk(raw)
    assert event_pk("0") == 0 and event_pk(str(2**63 - 1)) == 2**63 - 1


def test_event_data_shows_references_as_global_ids() -> None:
    shown = public_data({"assigneeId": 4, "teamId": None, "affectedEmployeeIds": [1, 2], "title": "x"})
    assert shown == {
        "assigneeId": to_global_id("Employee", 4),
        "teamId": None,
        "affectedEmployeeIds": [to_global_id("Employee", 1), to_global_id("Employee", 2)],
        "title": "x",
    }


NODE = "query($id: ID!) { node(id: $id) { id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
TASKS_BY_ASSIGNEE = "query($id: ID) { tasks(filter: {assigneeId: $id}) { totalCount } }"
AUDIT_BY_SUBJECT = "query($id: ID) { auditEvents(filter: {subjectId: $id}) { totalCount } }"
CREATE_TASK = """
mutation($input: CreateTaskInput!) {
  createTask(input: $input) { task { id } errors { field code } }
}
"""
REDELIVER = """
mutation($input: RedeliverWebhookEventInput!) {
  redeliverWebhookEvent(input: $input) { delivery { id } errors { field code } }
}
"""


async def test_node_refuses_every_non_canonical_id(graphql: ClientMaker, tokens: TokenMaker) -> None:
    # Given a task whose canonical ID works
    ada = await f.employee(email="ada@example.com")
    task = await f.task(ada)
    client = graphql(await tokens("ada@example.com"))
    assert (await client.data(NODE, {"id": to_global_id("Task", task.id)}))["node"]["id"]

    for name, raw in NON_CANONICAL.items():
        # When a client sends a non-canonical spelling
        response = await client.post(NODE, {"id": raw})
        body = response.json()
        # Then it is refused as an invalid ID (text no ID can hold is refused even before: a body
        # holding half a UTF-16 pair is no Unicode text at all), the message printable
        if name == "surrogate":
            assert (response.status_code, error_codes(body)) == (400, ["INVALID_ENCODING"]), name
        else:
            expected = "INVALID_CHARACTERS" if name == "NUL" else "INVALID_ID"
            assert (response.status_code, error_codes(body)) == (200, [expected]), name
        assert "\ud800" not in body["errors"][0]["message"], name


async def test_out_of_range_ids_are_invalid_in_every_kind_of_argument(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="hr@example.com", role="hr")
    client = graphql(await tokens("hr@example.com"))
    huge = NON_CANONICAL["beyond 64 bits"]
    big = b64(f"Employee:{MAX_PK + 1}")

    cases: list[tuple[str, dict[str, Any]]] = [
        (NODE, {"id": huge}),
        (NODES, {"ids": [huge]}),
        (TASKS_BY_ASSIGNEE, {"id": big}),
        (AUDIT_BY_SUBJECT, {"id": big}),
    ]
    for query, variables in cases:
        body = await client.execute(query, variables)
        assert error_codes(body) == ["INVALID_ID"], (query, body)


async def test_an_out_of_range_id_in_a_mutation_input_is_a_user_error_and_writes_nothing(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))

    data = await client.data(
        CREATE_TASK, {"input": {"title": "Ship", "assigneeId": b64(f"Employee:{2**64}")}}
    )

    assert data["createTask"] == {
        "task": None,
        "errors": [{"field": ["input", "assigneeId"], "code": "INVALID_ID"}],
    }
    assert await Task.all().count() == 0


async def test_an_out_of_range_event_id_is_a_user_error(graphql: ClientMaker, tokens: TokenMaker) -> None:
    client = graphql(await tokens())
    webhook_id = to_global_id("Webhook", 1)

    data = await client.data(REDELIVER, {"input": {"webhookId": webhook_id, "eventId": "9" * 30}})

    assert data["redeliverWebhookEvent"]["errors"] == [{"field": ["input", "eventId"], "code": "INVALID_ID"}]
