"""A stale `expectedVersion` is a CONFLICT in every mutation that takes one, whether or not the
input would change anything; of many identical requests from one stale view, one wins."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from graphql import get_named_type

from ids import to_global_id
from models.employees import Employee
from models.events import Event
from models.tasks import Task
from schema import schema
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker

SET_TASK_STATUS = """
mutation($input: SetTaskStatusInput!) { setTaskStatus(input: $input) { task { version } errors { field code } } }
"""


def _versioned_mutations() -> set[str]:
    mutation = schema._schema.mutation_type
    assert mutation is not None
    return {
        name
        for name, field in mutation.fields.items()
        if "input" in field.args and "expectedVersion" in get_named_type(field.args["input"].type).fields
    }


Given = Callable[[], Awaitable[tuple[str, dict[str, Any], dict[str, Any], Any]]]


async def _task() -> tuple[str, dict[str, Any], dict[str, Any], Any]:
    ada = await f.employee(email="ada@example.com", role="hr")
    task = await f.task(ada, title="Report", version=3)
    ref = {"id": to_global_id("Task", task.pk)}
    return "ada@example.com", ref, {"title": "Report"}, Task.get(id=task.pk)


async def _task_status() -> tuple[str, dict[str, Any], dict[str, Any], Any]:
    ada = await f.employee(email="ada@example.com")
    task = await f.task(ada, status="todo", version=3)
    return "ada@example.com", {"id": to_global_id("Task", task.pk)}, {"status": "TODO"}, Task.get(id=task.pk)


async def _profile() -> tuple[str, dict[str, Any], dict[str, Any], Any]:
    ada = await f.employee(email="ada@example.com", pronouns="she/her", version=3)
    return "ada@example.com", {}, {"pronouns": "she/her"}, Employee.get(id=ada.pk)


async def _employee() -> tuple[str, dict[str, Any], dict[str, Any], Any]:
    await f.employee(email="hr@example.com", role="hr")
    bob = await f.employee(job_title="Engineer", version=3)
    return (
        "hr@example.com",
        {"id": to_global_id("Employee", bob.pk)},
        {"jobTitle": "Engineer"},
        Employee.get(id=bob.pk),
    )


GIVEN: dict[str, Given] = {
    "updateTask": _task,
    "setTaskStatus": _task_status,
    "updateMyProfile": _profile,
    "updateEmployee": _employee,
}


def test_every_mutation_with_a_version_is_covered_here() -> None:
    assert _versioned_mutations() == set(GIVEN)


@pytest.mark.parametrize("mutation", sorted(GIVEN))
@pytest.mark.parametrize("changing", [False, True], ids=["unchanged", "changed"])
async def test_a_stale_version_is_a_conflict_and_writes_nothing(
    mutation: str, changing: bool, graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given a row at version 3
    email, ref, unchanged, reload = await GIVEN[mutation]()
    values = dict(unchanged)
    if changing:
        key = next(iter(values))
        values[key] = "IN_PROGRESS" if key == "status" else "Something else"
    client = graphql(await tokens(email))
    input_type = get_named_type(schema._schema.mutation_type.fields[mutation].args["input"].type)  # type: ignore[union-attr]  # the schema has a mutation root
    assert input_type is not None
    operation = (
        f"mutation($input: {input_type.name}!) {{ {mutation}(input: $input) {{ errors {{ field code }} }} }}"
    )

    # when a client sends version 2
    data = await client.data(operation, {"input": {**ref, **values, "expectedVersion": 2}})

    # then
    assert data[mutation]["errors"] == [{"field": ["input", "expectedVersion"], "code": "CONFLICT"}]
    assert (await reload).version == 3
    assert await Event.all().count() == 0

    # and the current version is accepted
    fresh = await client.data(operation, {"input": {**ref, **values, "expectedVersion": 3}})
    assert fresh[mutation]["errors"] == []


async def test_of_twenty_identical_status_changes_from_one_view_exactly_one_wins(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given
    ada = await f.employee(email="ada@example.com")
    task = await f.task(ada, status="todo")
    client = graphql(await tokens("ada@example.com"))
    request = {"input": {"id": to_global_id("Task", task.pk), "status": "IN_PROGRESS", "expectedVersion": 1}}

    # when
    results = await asyncio.gather(*(client.data(SET_TASK_STATUS, request) for _ in range(20)))

    # then
    outcomes = sorted(tuple(e["code"] for e in r["setTaskStatus"]["errors"]) for r in results)
    assert outcomes == [()] + [("CONFLICT",)] * 19
    assert (await Task.get(id=task.pk)).version == 2
    assert await Event.filter(type="task.status_changed").count() == 1
