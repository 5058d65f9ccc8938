"""Every `orderBy` of every list, generated from the schema: the order matches Python's sort of
the same rows (nulls after values, before them when descending; ties on ID), and paging with
cursors, forwards and backwards, from any row (one with a null sort value included), returns
every row exactly once. A new list or order field is covered without touching this file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type
from tortoise import fields as tfields
from tortoise.models import Model

from ids import from_global_id, to_global_id
from models.events import Event
from models.webhooks import Webhook
from schema import schema
from schema.core.nodes import NODE_KINDS
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker

ROWS = 8  # rows per list: more than two pages of three, with ties and nulls


@dataclass(frozen=True)
class OrderedList:
    parent: str  # "Query" for a root list, else the type holding the nested connection
    field: str
    order_type: str
    node_type: str
    order_field: str

    @property
    def model(self) -> type[Model]:
        return Event if self.node_type == "AuditEvent" else NODE_KINDS[self.node_type].model

    @property
    def column(self) -> str:
        column = self.order_field.lower()
        assert column in self.model._meta.fields_map, f"{self}: no column {column!r}; map it here"
        return column

    def __str__(self) -> str:
        return f"{self.parent}.{self.field}:{self.order_field}"


def _ordered_lists() -> list[OrderedList]:
    found = []
    for type_ in schema._schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name in ("Mutation", "Subscription"):
            continue
        for name, field in type_.fields.items():
            if "orderBy" not in field.args:
                continue
            order = get_named_type(field.args["orderBy"].type)
            edge = get_named_type(get_named_type(field.type).fields["edges"].type)
            node = get_named_type(edge.fields["node"].type).name
            for value in get_named_type(order.fields["field"].type).values:
                found.append(OrderedList(type_.name, name, order.name, node, value))
    return found


ORDERED_LISTS = _ordered_lists()


def test_every_root_list_takes_an_order() -> None:
    roots = {"employees", "teams", "tasks", "mentorships", "trainingCourses", "trainingSessions"}
    assert roots | {"webhooks", "auditEvents"} <= {o.field for o in ORDERED_LISTS if o.parent == "Query"}


def _query(case: OrderedList) -> str:
    selection = (
        f"list: {case.field}(first: $first, after: $after, last: $last, before: $before, orderBy: $order) "
        "{ totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage } }"
    )
    variables = f"$first: Int, $after: String, $last: Int, $before: String, $order: {case.order_type}"
    if case.parent == "Query":
        return f"query({variables}) {{ {selection} }}"
    return f"query({variables}, $parent: ID!) {{ node(id: $parent) {{ ... on {case.parent} {{ {selection} }} }} }}"


async def _dataset() -> dict[str, str]:
    """Rows for every list (each nested list under one parent); returns the parents' global IDs."""
    hr = await f.employee(email="hr@example.com", role="hr")
    boss = await f.employee(email="boss@example.com", manager=hr)
    team = await f.team(name="Parent")
    course = await f.course(code="PARENT")
    for i in range(ROWS):
        report = await f.employee(manager=boss)
        await f.team(parent=team)
        await f.task(boss, creator=boss, team=team, due_date=date(2026, 3, 1))
        await f.mentorship(boss, report)
        await f.course()
        await f.session(course, instructor=boss)
        await Webhook.create(
            url=f"https://hooks.example.com/{i}", secret="whsec_x", event_types=["task.created"]
        )
        await Event.create(
            type="task.created", subject_type="Task", subject_id=i + 1, occurred_at=datetime.now(UTC)
        )
    ids = {"Employee": boss, "Team": team, "TrainingCourse": course}
    return {name: to_global_id(name, row.pk) for name, row in ids.items()}


_BASE = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
_POOLS: list[tuple[type[tfields.Field[Any]], list[Any]]] = [
    (tfields.DatetimeField, [_BASE, _BASE + timedelta(seconds=0.5), _BASE - timedelta(days=400), _BASE]),
    (tfields.DateField, [date(2026, 1, 2), date(2025, 12, 31), date(2026, 1, 2), date(2027, 6, 1)]),
    (tfields.IntField, [3, 0, 7, 3, 12]),
    (tfields.CharField, ["b", "A", "a", "é", "B a", "a"]),
    (tfields.TextField, ["b", "A", "a", "é", "B a", "a"]),
]


# Columns that hold one vocabulary take values from it (an event's type is an `EventType`).
_VOCABULARIES: dict[str, list[Any]] = {
    "type": ["task.deleted", "employee.created", "task.created", "employee.created", "team.updated"],
}


def _pool(field: tfields.Field[Any]) -> list[Any]:
    if field.model is Event and field.model_field_name in _VOCABULARIES:
        return _VOCABULARIES[field.model_field_name]
    pool = next(values for kind, values in _POOLS if isinstance(field, kind))
    return [None, *pool, None] if field.null else pool


async def _scramble(model: type[Model], column: str) -> None:
    """Give the column values out of id order, with ties (and nulls where it may be null)."""
    field = model._meta.fields_map[column]
    if field.pk:
        return
    pool = _pool(field)
    for i, pk in enumerate(await model.all().order_by("id").values_list("id", flat=True)):
        value = pool[(i * 5) % len(pool)]
        if field.unique:
            value = f"{value}-{i}"
        await model.filter(id=pk).update(**{column: value})


async def _expected(case: OrderedList, pks: set[int], descending: bool) -> list[int]:
    values = dict(await case.model.filter(id__in=list(pks)).values_list("id", case.column))
    valued = sorted((pk for pk in pks if values[pk] is not None), key=lambda pk: (values[pk], pk))
    ascending = valued + sorted(pk for pk in pks if values[pk] is None)
    return ascending[::-1] if descending else ascending


def _pk(case: OrderedList, node_id: str) -> int:
    return int(node_id) if case.node_type == "AuditEvent" else from_global_id(node_id)[1]


@pytest.mark.parametrize("case", ORDERED_LISTS, ids=str)
async def test_every_order_pages_through_every_row_once_in_sorted_order(
    case: OrderedList, graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given rows whose sort values tie, are null where they may be, and are out of id order
    parents = await _dataset()
    client = graphql(await tokens("hr@example.com"))
    await _scramble(case.model, case.column)
    query = _query(case)

    async def page(direction: str, **args: Any) -> dict[str, Any]:
        variables = {"order": {"field": case.order_field, "direction": direction}, **args}
        if case.parent != "Query":
            variables["parent"] = parents[case.parent]
        data = await client.data(query, variables)
        listed: dict[str, Any] = data["list"] if case.parent == "Query" else data["node"]["list"]
        return listed

    for direction in ("ASC", "DESC"):
        # when the whole list is read in one page
        whole = await page(direction, first=100)
        edges = whole["edges"]
        pks = [_pk(case, e["node"]["id"]) for e in edges]
        # then it is Python's sort of the same rows
        assert len(pks) >= ROWS and whole["totalCount"] == len(pks)
        assert pks == await _expected(case, set(pks), direction == "DESC"), direction

        # when paging forwards by three, and backwards by two
        forward, after = [], None
        while True:
            got = await page(direction, first=3, after=after)
            forward += [e["node"]["id"] for e in got["edges"]]
            if not got["pageInfo"]["hasNextPage"]:
                break
            after = got["edges"][-1]["cursor"]
        backward: list[str] = []
        before = None
        while True:
            got = await page(direction, last=2, before=before)
            backward = [e["node"]["id"] for e in got["edges"]] + backward
            if not got["pageInfo"]["hasPreviousPage"]:
                break
            before = got["edges"][0]["cursor"]
        # then every row comes once, in the same order
        ids = [e["node"]["id"] for e in edges]
        assert forward == ids and backward == ids, direction

        # and each row's cursor pages to its neighbours
        for i, edge in enumerate(edges):
            nxt = await page(direction, first=1, after=edge["cursor"])
            prev = await page(direction, last=1, before=edge["cursor"])
            assert [e["node"]["id"] for e in nxt["edges"]] == ids[i + 1 : i + 2]
            assert [e["node"]["id"] for e in prev["edges"]] == ids[max(i - 1, 0) : i]
