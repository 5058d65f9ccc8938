"""Cursors a client did not get from this list, in this order, are refused with INVALID_CURSOR
(never a server error); cursors of rows whose sort value is null page like any other."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from tortoise.models import Model

from ids import to_global_id
from models.employees import Employee
from models.training import Enrollment
from models.webhooks import Webhook
from resolvers.core.pagination import PageArgs, SortKey, paginate
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, error_codes

TASKS = """
query($after: String, $before: String, $last: Int, $order: TaskOrder) {
  tasks(first: null, last: $last, after: $after, before: $before, orderBy: $order) {
    edges { cursor node { id } }
  }
}
"""
ASSIGNED = """
query($after: String, $order: TaskOrder) {
  viewer { tasks(first: 2, after: $after, orderBy: $order) { edges { cursor } } }
}
"""
BY_DUE_DATE = {"field": "DUE_DATE", "direction": "ASC"}


def _cursor(*parts: Any) -> str:
    raw = parts[0] if len(parts) == 1 else list(parts)
    text = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def _tasks_cursor(value: Any, pk: Any = 1, key: str = "tasks:due_date:asc") -> str:
    return _cursor(key, value, pk)


MALFORMED = {
    "not base64": "%%%",
    "empty": "",
    "not JSON": _cursor(b"hello"),
    "not UTF-8": _cursor(b"\xff\xfe\xfd"),
    "a JSON object": _cursor({"key": "tasks:due_date:asc"}),
    "a JSON string": _cursor("tasks:due_date:asc"),
    "two items": _cursor(["tasks:due_date:asc", 1]),
    "null": _cursor(b"null"),
    "a huge id": _tasks_cursor("2026-01-01", 10**30),
    "a 5000-digit id": _cursor(b'["tasks:due_date:asc","2026-01-01",' + b"9" * 5000 + b"]"),
    "a negative id": _tasks_cursor("2026-01-01", -3),
    "a fractional id": _tasks_cursor("2026-01-01", 1.5),
    "a boolean id": _tasks_cursor("2026-01-01", True),
    "a number for a date": _tasks_cursor(20260101),
    "text for a date": _tasks_cursor("next tuesday"),
    "an object for a date": _tasks_cursor({"y": 2026}),
    "deep nesting": _cursor(b"[" * 100_000),
    "another list": _cursor("employees:family_name:asc", "Aaron", 1),
    "another order": _tasks_cursor("2026-01-01", 1, "tasks:title:asc"),
    "another direction": _tasks_cursor("2026-01-01", 1, "tasks:due_date:desc"),
    "very long": "A" * 100_000,
}


@pytest.mark.parametrize("cursor", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize("argument", ["after", "before"])
async def test_a_malformed_cursor_is_refused_with_invalid_cursor(
    cursor: str, argument: str, graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given
    ada = await f.employee(email="ada@example.com")
    await f.task(ada, due_date=date(2026, 1, 1))
    await f.task(ada)
    variables: dict[str, Any] = {argument: cursor, "order": BY_DUE_DATE}
    if argument == "before":
        variables["last"] = 2

    # when
    body = await graphql(await tokens("ada@example.com")).execute(TASKS, variables)

    # then
    assert error_codes(body) == ["INVALID_CURSOR"]
    assert body["data"] == {"tasks": None}


@pytest.mark.parametrize(
    ("cursor", "order"),
    [
        (_tasks_cursor("\ud800", 1, "tasks:title:asc"), {"field": "TITLE"}),
        (_tasks_cursor("2026-01-01T10:00:00", 1, "tasks:created_at:asc"), {"field": "CREATED_AT"}),
        (_tasks_cursor("title\u0000", 1, "tasks:title:asc"), {"field": "TITLE"}),
        (_tasks_cursor(None, 1, "tasks:title:asc"), {"field": "TITLE"}),
    ],
    ids=["lone surrogate", "time without zone", "NUL character", "null in a column never null"],
)
async def test_a_cursor_value_the_column_cannot_hold_is_refused(
    cursor: str, order: dict[str, str], graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given
    ada = await f.employee(email="ada@example.com")
    await f.task(ada)

    # when
    body = await graphql(await tokens("ada@example.com")).execute(TASKS, {"after": cursor, "order": order})

    # then
    assert error_codes(body) == ["INVALID_CURSOR"]


async def test_a_nested_list_refuses_a_malformed_cursor(graphql: ClientMaker, tokens: TokenMaker) -> None:
    # given
    ada = await f.employee(email="ada@example.com")
    await f.task(ada)

    # when
    body = await graphql(await tokens("ada@example.com")).execute(
        ASSIGNED, {"after": _tasks_cursor("x", 1, "Employee.tasks:due_date:asc"), "order": BY_DUE_DATE}
    )

    # then
    assert error_codes(body) == ["INVALID_CURSOR"]


async def test_a_cursor_after_a_task_without_due_date_pages_on(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given two dated tasks and three without a due date
    ada = await f.employee(email="ada@example.com")
    dated = [await f.task(ada, due_date=date(2026, 2, d)) for d in (2, 1)]
    undated = [await f.task(ada) for _ in range(3)]
    client = graphql(await tokens("ada@example.com"))
    first = await client.data(TASKS, {"order": BY_DUE_DATE})
    cursors = [e["cursor"] for e in first["tasks"]["edges"]]

    # when paging on after the first undated task
    after_null = await client.data(TASKS, {"after": cursors[2], "order": BY_DUE_DATE})

    # then the dated tasks come first, and the undated ones follow in id order
    assert len(cursors) == 5
    expected = [dated[1], dated[0], *undated]
    assert [e["node"]["id"] for e in first["tasks"]["edges"]] == [_gid(t.pk) for t in expected]
    assert [e["node"]["id"] for e in after_null["tasks"]["edges"]] == [_gid(t.pk) for t in undated[1:]]


def _gid(pk: int) -> str:
    return to_global_id("Task", pk)


async def _enrollment_scores() -> None:
    course = await f.course()
    session = await f.session(course)
    for score in (70, None, 70, 95, None, 10):
        await f.enrollment(session, await f.employee(), score=score)


async def _webhook_queries() -> None:
    for query in ("b", None, "a", "b", None):
        await Webhook.create(url="https://hooks.example.com", secret="whsec_x", query=query)


async def _birth_dates() -> None:
    for born in (date(1990, 1, 1), None, date(1980, 5, 5), None, date(1990, 1, 1)):
        await f.employee(birth_date=born)


NULLABLE_COLUMNS = [
    (Enrollment, "score", _enrollment_scores),
    (Webhook, "query", _webhook_queries),
    (Employee, "birth_date", _birth_dates),
]


@pytest.mark.parametrize(
    ("model", "column", "given"), NULLABLE_COLUMNS, ids=lambda v: getattr(v, "__name__", v)
)
@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
async def test_any_nullable_column_pages_in_sql_through_every_row_once(
    model: type[Model], column: str, given: Callable[[], Awaitable[None]], descending: bool, database_url: str
) -> None:
    # given rows with ties and nulls in a nullable number, text or date column
    await given()
    key = SortKey(column, descending)
    values = dict(await model.all().values_list("id", column))
    valued = sorted((pk for pk, v in values.items() if v is not None), key=lambda pk: (values[pk], pk))
    expected = valued + sorted(pk for pk, v in values.items() if v is None)
    expected = expected[::-1] if descending else expected

    # when paging one row at a time, forwards and then backwards
    forward, after = [], None
    while (page := await paginate(model.all(), key, "x", PageArgs(first=1, after=after))).rows:
        forward += [row.pk for row in page.rows]
        after = page.cursors[-1]
    backward: list[Any] = []
    before = None
    while (page := await paginate(model.all(), key, "x", PageArgs(last=1, before=before))).rows:
        backward = [row.pk for row in page.rows] + backward
        before = page.cursors[0]

    # then
    assert forward == expected == backward
