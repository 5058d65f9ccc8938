"""Relay connections paged in SQL by keyset (seek) cursors.

A cursor is opaque to clients: base64 of JSON `[list key, sort value, id]`. The list key names
the connection and its order, so a cursor from another list (or another order) is refused
instead of silently returning the wrong page. Two ways to page:

- `paginate`: one root list (a QuerySet) → `LIMIT n+1` with a seek condition.
- `paginate_partitions`: the same page of many parents' lists at once (a dataloader batch),
  with `ROW_NUMBER() OVER (PARTITION BY parent ...)`, so nested connections cost one statement
  per level whatever the page size or the number of parents.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from tortoise import fields as tfields
from tortoise.connection import connections
from tortoise.expressions import Q, RawSQL
from tortoise.functions import Coalesce
from tortoise.models import Model
from tortoise.queryset import QuerySet

from resolvers.problems import BadInput

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
M = TypeVar("M", bound=Model)

# Nullable sort columns sort as if null were this value, identically on SQLite and PostgreSQL.
_NULL_SENTINELS: dict[type, Any] = {tfields.DateField: "9999-12-31"}


@dataclass(frozen=True)
class PageArgs:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def limit(self) -> int:
        for name, value in (("first", self.first), ("last", self.last)):
            if value is not None and value < 0:
                raise BadInput(f"`{name}` must not be negative (got {value}).", code="BAD_USER_INPUT")
            if value is not None and value > MAX_PAGE_SIZE:
                raise BadInput(
                    f"`{name}` is {value}; at most {MAX_PAGE_SIZE} items can be asked for at once. "
                    "Page through the rest with `after`.",
                    code="PAGE_SIZE_EXCEEDED",
                    maximum=MAX_PAGE_SIZE,
                )
        if self.first is not None and self.last is not None:
            raise BadInput("Pass `first` or `last`, not both.", code="BAD_USER_INPUT")
        if self.last is not None:
            return self.last
        return self.first if self.first is not None else DEFAULT_PAGE_SIZE

    @property
    def backward(self) -> bool:
        return self.last is not None


@dataclass(frozen=True)
class SortKey:
    """One sort column (a model field name) and its direction; ties break on the primary key."""

    field: str
    descending: bool = False

    def list_key(self, name: str) -> str:
        return f"{name}:{self.field}:{'desc' if self.descending else 'asc'}"


@dataclass
class Page(Generic[M]):
    rows: list[M]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(list_key: str, value: Any, pk: int) -> str:
    if isinstance(value, datetime | date):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    raw = json.dumps([list_key, value, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, list_key: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key, value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(pk, int):
            raise ValueError
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise BadInput(f"{cursor!r} is not a valid cursor.", code="INVALID_CURSOR") from None
    if key != list_key:
        raise BadInput(
            "This cursor belongs to another list or another order; use a cursor from this connection.",
            code="INVALID_CURSOR",
        )
    return value, pk


def _field(model: type[Model], name: str) -> tfields.Field:
    return model._meta.fields_map[name]


def _sort_expression(model: type[Model], key: SortKey) -> tuple[str, Any]:
    """The name to order and seek on, and the annotation that defines it (if any)."""
    field = _field(model, key.field)
    sentinel = _NULL_SENTINELS.get(type(field)) if field.null else None
    if sentinel is not None:
        return "_sort", Coalesce(key.field, sentinel)
    return key.field, None


def _python_value(model: type[Model], key: SortKey, value: Any) -> Any:
    field = _field(model, key.field)
    if value is None:
        return None
    if isinstance(field, tfields.DatetimeField):
        return datetime.fromisoformat(value)
    if isinstance(field, tfields.DateField):
        return date.fromisoformat(value)
    if isinstance(field, tfields.DecimalField):
        return Decimal(value)
    return value


def _seek(sort_name: str, value: Any, pk: int, *, greater: bool) -> Q:
    op = "gt" if greater else "lt"
    return Q(**{f"{sort_name}__{op}": value}) | (Q(**{sort_name: value}) & Q(**{f"id__{op}": pk}))  # type: ignore[arg-type]


def _prepare(qs: QuerySet[M], key: SortKey, list_key: str, args: PageArgs) -> tuple[QuerySet[M], str, bool]:
    """Apply the seek conditions; return the query, the sort name and whether it runs reversed."""
    model = qs.model
    sort_name, annotation = _sort_expression(model, key)
    if annotation is not None:
        qs = qs.annotate(**{sort_name: annotation})
    for cursor, after in ((args.after, True), (args.before, False)):
        if cursor is None:
            continue
        value, pk = decode_cursor(cursor, list_key)
        value = _python_value(model, key, value)
        if sort_name == "_sort" and value is None:
            value = _NULL_SENTINELS[type(_field(model, key.field))]
        qs = qs.filter(_seek(sort_name, value, pk, greater=after != key.descending))
    reverse = args.backward
    return qs, sort_name, reverse


def _order_terms(sort_name: str, descending: bool) -> list[str]:
    prefix = "-" if descending else ""
    return [f"{prefix}{sort_name}", f"{prefix}id"]


def _cursor_value(row: Model, key: SortKey) -> Any:
    value = getattr(row, key.field)
    if value is None:
        return _NULL_SENTINELS.get(type(_field(type(row), key.field)))
    return value


def _build_page(rows: list[M], key: SortKey, list_key: str, args: PageArgs, limit: int) -> Page[M]:
    has_more = len(rows) > limit
    rows = rows[:limit]
    if args.backward:
        rows.reverse()
    cursors = [encode_cursor(list_key, _cursor_value(r, key), r.pk) for r in rows]
    if args.backward:
        return Page(rows, cursors, has_next_page=args.before is not None, has_previous_page=has_more)
    return Page(rows, cursors, has_next_page=has_more, has_previous_page=args.after is not None)


async def paginate(qs: QuerySet[M], key: SortKey, name: str, args: PageArgs) -> Page[M]:
    """One page of a root list, in one statement."""
    limit = args.limit()
    list_key = key.list_key(name)
    qs, sort_name, reverse = _prepare(qs, key, list_key, args)
    if limit == 0:
        return Page([], [], False, False)
    descending = key.descending != reverse
    rows = list(await qs.order_by(*_order_terms(sort_name, descending)).limit(limit + 1))
    return _build_page(rows, key, list_key, args, limit)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def paginate_partitions(
    qs: QuerySet[M],
    partition_field: str,
    parent_ids: Sequence[int],
    key: SortKey,
    name: str,
    args: PageArgs,
) -> dict[int, Page[M]]:
    """The same page of each parent's list, in one statement, keyed by parent id."""
    limit = args.limit()
    list_key = key.list_key(name)
    qs = qs.filter(**{f"{partition_field}__in": list(parent_ids)})
    qs, sort_name, reverse = _prepare(qs, key, list_key, args)
    model = qs.model
    pages: dict[int, Page[M]] = {pid: Page([], [], False, False) for pid in parent_ids}
    if limit == 0 or not parent_ids:
        return pages
    descending = key.descending != reverse
    direction = "DESC" if descending else "ASC"
    # Qualify columns: visibility rules may join other tables that also have an "id".
    table = _quote(model._meta.db_table)
    column = _field(model, key.field).source_field or key.field
    sort_sql = f"{table}.{_quote(column)}"
    sentinel = _NULL_SENTINELS.get(type(_field(model, key.field))) if sort_name == "_sort" else None
    if sentinel is not None:
        sort_sql = f"COALESCE({sort_sql}, '{sentinel}')"
    partition_column = _field(model, partition_field).source_field or partition_field
    window = (
        f"ROW_NUMBER() OVER (PARTITION BY {table}.{_quote(partition_column)} "
        f"ORDER BY {sort_sql} {direction}, {table}.{_quote('id')} {direction})"
    )
    qs = qs.annotate(_rn=RawSQL(window))
    qs._choose_db_if_not_chosen()
    qs._make_query()
    inner, params = qs.query.get_parameterized_sql()
    sql = f'SELECT * FROM ({inner}) AS "_page" WHERE "_rn" <= {int(limit) + 1} ORDER BY "_rn"'
    conn = connections.get(model._meta.default_connection or "default")
    _, raw_rows = await conn.execute_query(sql, params)
    grouped: dict[int, list[M]] = {pid: [] for pid in parent_ids}
    for raw in raw_rows:
        row = model._init_from_db(**dict(raw))
        grouped[getattr(row, partition_column)].append(row)
    for pid, rows in grouped.items():
        pages[pid] = _build_page(rows, key, list_key, args, limit)
    return pages


async def count_partitions(
    qs: QuerySet[Any], partition_field: str, parent_ids: Sequence[int]
) -> dict[int, int]:
    """How many rows each parent's list has, in one statement."""
    from tortoise.functions import Count

    rows = (
        await qs.filter(**{f"{partition_field}__in": list(parent_ids)})
        .annotate(_n=Count("id"))
        .group_by(partition_field)
        .values(partition_field, "_n")
    )
    counts = {pid: 0 for pid in parent_ids}
    for row in rows:
        counts[row[partition_field]] = row["_n"]
    return counts


RowConverter = Callable[[Any], Any]
