"""A connection's page in SQL: the resolvers' keyset order, the page's rows, and cursors.

Cursors go through the one codec (resolvers/core/cursors.py `encode_cursor`): the statement
returns each as a JSON array `[MARK, list key, sort value, id]` (the sort value shown as the
resolver path's model value is: ISO dates and times, text, numbers), and `splice` turns every
such array into `encode_cursor(list key, sort value, id)` once the JSON is parsed. SQLite has no
base64, and one codec is simpler than two renderings of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise import fields as tfields

from planner.dialect import Dialect, literal, quote
from planner.selection import Uncovered
from planner.specs import Many, column_of, is_nullable
from resolvers.core.cursors import encode_cursor
from resolvers.core.pagination import SortKey

MARK = "planner:cursor"


@dataclass(frozen=True)
class Page:
    """One connection's page: its rows are `select` + `condition`, in `sort` order, `limit` of them."""

    spec: Many
    row: str
    select: Callable[[], str]
    condition: str
    sort: SortKey
    limit: int
    after: bool  # after a cursor


def _flagged(dialect: Dialect, spec: Many, sort: SortKey) -> bool:
    """Whether the list's order needs a nulls flag in this database (a nullable sort column
    where the database's own order of nulls is not the lists')."""
    return is_nullable(spec.model, sort.field) and not dialect.nulls_in_list_order


def order_terms(dialect: Dialect, spec: Many, row: str, sort: SortKey) -> list[tuple[str, str]]:
    """The list's order over `row`: (expression, direction) of the nulls flag of a nullable
    column (where the database needs one), the column, the id."""
    direction = "DESC" if sort.descending else "ASC"
    column = f"{row}.{quote(column_of(spec.model, sort.field))}"
    terms = [column, f'{row}."id"']
    if _flagged(dialect, spec, sort):
        terms.insert(0, f"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END")
    return [(term, direction) for term in terms]


def order_sql(dialect: Dialect, spec: Many, row: str, sort: SortKey) -> str:
    """The list's order as an ORDER BY's terms."""
    return ", ".join(f"{term} {direction}" for term, direction in order_terms(dialect, spec, row, sort))


def page_rows(
    dialect: Dialect, spec: Many, row: str, select: str, condition: str, sort: SortKey, n: str
) -> str:
    """The rows of one page (`n` of them at most), as a FROM item. Where the order needs a nulls
    flag (SQLite), a nullable sort column is read in two parts, the rows with a value and those
    without, each in an order an index on the column can give (an order by its "is null" flag
    cannot use one), the part the list shows first (with a value ascending, without one
    descending) before the other: a UNION ALL without ORDER BY runs its parts in turn, and
    the LIMIT stops it once the page is full, so the second part is read only when the page
    needs it (a sort of both parts read `n` rows of each and sorted them). PostgreSQL orders
    nulls as the lists do, so its index gives the whole order at once."""
    order = order_sql(dialect, spec, row, sort)
    if not _flagged(dialect, spec, sort):
        return f"({select}{condition} ORDER BY {order} LIMIT {n}) AS {row}"
    direction = "DESC" if sort.descending else "ASC"
    column = f"{row}.{quote(column_of(spec.model, sort.field))}"
    select += f"{condition} AND " if condition else " WHERE "
    valued = f'{select}{column} IS NOT NULL ORDER BY {column} {direction}, {row}."id" {direction}'
    empty = f'{select}{column} IS NULL ORDER BY {row}."id" {direction}'
    parts = [(valued, "v"), (empty, "e")]
    if sort.descending:
        parts.reverse()
    union = " UNION ALL ".join(f'SELECT * FROM ({part} LIMIT {n}) AS "{name}"' for part, name in parts)
    return f"(SELECT * FROM ({union}) AS {row} LIMIT {n}) AS {row}"


def cursor_sql(dialect: Dialect, spec: Many, row: str, sort: SortKey) -> str:
    """The JSON array `splice` turns into the cursor of the row `row`."""
    field = spec.model._meta.fields_map[sort.field]
    column = f"{row}.{quote(column_of(spec.model, sort.field))}"
    if isinstance(field, tfields.DatetimeField):
        value = dialect.datetime(column)
    elif isinstance(field, tfields.DateField):
        value = dialect.date(column)
    elif isinstance(field, tfields.CharField | tfields.TextField | tfields.IntField):
        value = column
    else:
        raise Uncovered(f"cursors of a {type(field).__name__}")
    key = sort.list_key(spec.name)
    return dialect.array([literal(MARK), literal(key), value, f'{row}."id"'])


def splice(value: Any) -> Any:
    """`value` (parsed JSON) with every cursor array replaced by its cursor."""
    if isinstance(value, list):
        if len(value) == 4 and value[0] == MARK:
            return encode_cursor(value[1], value[2], value[3])
        return [splice(item) for item in value]
    if isinstance(value, dict):
        return {key: splice(item) for key, item in value.items()}
    return value
