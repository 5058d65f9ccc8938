"""Relay connections paged in SQL by keyset (seek) cursors (see resolvers/core/cursors.py).

Two ways to page:

- `paginate`: one root list (a QuerySet) → `LIMIT n+1` with a seek condition.
- `paginate_partitions`: the same page of many parents' lists at once (a dataloader batch),
  with `ROW_NUMBER() OVER (PARTITION BY parent ...)`, so nested connections cost one statement
  per level whatever the page size or the number of parents.

A nullable sort column sorts its nulls after every value (before them when descending), on
SQLite and PostgreSQL alike. Nulls are ordered by an explicit "is null" flag and sought with
`IS NULL` conditions rather than by replacing them with a sentinel value: a sentinel would have
to be a value of every column type, and binding one of the wrong type is what PostgreSQL refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise import fields as tfields
from tortoise.connection import connections
from tortoise.expressions import Q, RawSQL
from tortoise.models import Model
from tortoise.queryset import QuerySet

from resolvers.core.cursors import decode_cursor, encode_cursor
from resolvers.core.problems import BadInput, ProblemCode

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class PageArgs:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def limit(self) -> int:
        for name, value in (("first", self.first), ("last", self.last)):
            if value is not None and value < 0:
                raise BadInput(
                    f"`{name}` must not be negative (got {value}).", code=ProblemCode.BAD_USER_INPUT
                )
            if value is not None and value > MAX_PAGE_SIZE:
                raise BadInput(
                    f"`{name}` is {value}; at most {MAX_PAGE_SIZE} items can be asked for at once. "
                    "Page through the rest with `after`.",
                    code=ProblemCode.PAGE_SIZE_EXCEEDED,
                    maximum=MAX_PAGE_SIZE,
                )
        if self.first is not None and self.last is not None:
            raise BadInput("Pass `first` or `last`, not both.", code=ProblemCode.BAD_USER_INPUT)
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


_NULLS = "_nulls"  # the annotation that orders a nullable column's nulls after its values


def _field(model: type[Model], name: str) -> tfields.Field[Any]:
    return model._meta.fields_map[name]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column_sql(model: type[Model], name: str) -> str:
    # Qualified: visibility rules may join other tables that also have such a column.
    column = _field(model, name).source_field or name
    return f"{_quote(model._meta.db_table)}.{_quote(column)}"


def _nulls_sql(model: type[Model], key: SortKey) -> str | None:
    if not _field(model, key.field).null:
        return None
    return f"CASE WHEN {_column_sql(model, key.field)} IS NULL THEN 1 ELSE 0 END"


def _lookup(name: str, value: Any) -> Q:
    lookup: dict[str, Any] = {name: value}
    return Q(**lookup)


def seek_condition(field: str, value: Any, pk: int, *, greater: bool, nullable: bool) -> Q:
    """Rows after (`greater`) or before the cursor row in ascending order, nulls last."""
    op = "gt" if greater else "lt"
    beyond_id = _lookup(f"id__{op}", pk)
    if value is None:
        is_null = _lookup(f"{field}__isnull", True)
        return is_null & beyond_id if greater else ~is_null | (is_null & beyond_id)
    seek = _lookup(f"{field}__{op}", value) | (_lookup(field, value) & beyond_id)
    return seek | _lookup(f"{field}__isnull", True) if greater and nullable else seek


def _prepare(qs: QuerySet[M], key: SortKey, list_key: str, args: PageArgs) -> QuerySet[M]:
    """Apply the seek conditions of the page's cursors."""
    field = _field(qs.model, key.field)
    for cursor, after in ((args.after, True), (args.before, False)):
        if cursor is None:
            continue
        value, pk = decode_cursor(cursor, list_key, field)
        greater = after != key.descending
        qs = qs.filter(seek_condition(key.field, value, pk, greater=greater, nullable=field.null))
    return qs


def _order_terms(model: type[Model], key: SortKey, descending: bool) -> tuple[dict[str, Any], list[str]]:
    """The annotations and `order_by` terms of the sort, nulls flag first."""
    prefix = "-" if descending else ""
    terms = [f"{prefix}{key.field}", f"{prefix}id"]
    nulls = _nulls_sql(model, key)
    if nulls is None:
        return {}, terms
    return {_NULLS: RawSQL(nulls)}, [f"{prefix}{_NULLS}", *terms]


def _build_page(rows: list[M], key: SortKey, list_key: str, args: PageArgs, limit: int) -> Page[M]:
    has_more = len(rows) > limit
    rows = rows[:limit]
    if args.backward:
        rows.reverse()
    cursors = [encode_cursor(list_key, getattr(r, key.field), r.pk) for r in rows]
    if args.backward:
        return Page(rows, cursors, has_next_page=args.before is not None, has_previous_page=has_more)
    return Page(rows, cursors, has_next_page=has_more, has_previous_page=args.after is not None)


async def paginate(qs: QuerySet[M], key: SortKey, name: str, args: PageArgs) -> Page[M]:
    """One page of a root list, in one statement."""
    limit = args.limit()
    list_key = key.list_key(name)
    qs = _prepare(qs, key, list_key, args)
    if limit == 0:
        return Page([], [], False, False)
    annotations, terms = _order_terms(qs.model, key, key.descending != args.backward)
    rows = list(await qs.annotate(**annotations).order_by(*terms).limit(limit + 1))
    return _build_page(rows, key, list_key, args, limit)


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
    qs = _prepare(qs.filter(**{f"{partition_field}__in": list(parent_ids)}), key, list_key, args)
    model = qs.model
    pages: dict[int, Page[M]] = {pid: Page([], [], False, False) for pid in parent_ids}
    if limit == 0 or not parent_ids:
        return pages
    direction = "DESC" if key.descending != args.backward else "ASC"
    order = [_column_sql(model, key.field), _column_sql(model, "id")]
    nulls = _nulls_sql(model, key)
    if nulls is not None:
        order.insert(0, nulls)
    window = (
        f"ROW_NUMBER() OVER (PARTITION BY {_column_sql(model, partition_field)} "
        f"ORDER BY {', '.join(f'{term} {direction}' for term in order)})"
    )
    qs = qs.annotate(_rn=RawSQL(window))
    qs._choose_db_if_not_chosen()
    qs._make_query()
    inner, params = qs.query.get_parameterized_sql()
    sql = f'SELECT * FROM ({inner}) AS "_page" WHERE "_rn" <= {int(limit) + 1} ORDER BY "_rn"'
    conn = connections.get(model._meta.default_connection or "default")
    _, raw_rows = await conn.execute_query(sql, params)
    partition_column = _field(model, partition_field).source_field or partition_field
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
