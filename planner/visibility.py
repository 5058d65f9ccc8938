"""The policy's visibility rules (and the resolver path's filters) as the rows a list reads.

`Policy.visible_*()` returns a Tortoise `Q`; lists on the resolver path filter with it. The
planner renders the very same `Q` through Tortoise (`QuerySet.sql`) instead of writing the rules
again: one policy, two renderings (the differential tests compare them). A condition on a
value the database stores in its own format (the time of a cursor) is rendered with Tortoise's
parameters instead, bound as the plan's constants (`bind`), so that Tortoise converts the value
exactly as it does on the resolver path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tortoise.expressions import Q

from planner.dialect import quote

# Tortoise's placeholders: `?` (SQLite, in order) or `$1`, `$2`... (PostgreSQL). Its statements
# carry every value as a parameter, so neither appears inside a literal.
_PLACEHOLDER = re.compile(r"\?|\$(\d+)")


def _sql(model: Any, q: Q, bind: Callable[[Any], str] | None) -> str:
    query = model.filter(q).values_list("id")
    if bind is None:
        return str(query.sql(params_inline=True))
    query._choose_db_if_not_chosen()
    query._make_query()
    text, params = query.query.get_parameterized_sql()
    names = [bind(value) for value in params]
    position = iter(range(len(names)))

    def rename(found: re.Match[str]) -> str:
        return names[int(found.group(1)) - 1 if found.group(1) else next(position)]

    return _PLACEHOLDER.sub(rename, text)


def rows_sql(model: Any, q: Q, bind: Callable[[Any], str] | None = None) -> str:
    """The rows of `model` where `q` holds, as a FROM item: the table, or a derived table
    (which both databases flatten into the enclosing query). With `bind`, the values are
    parameters, each named by `bind(value)`."""
    table = quote(model._meta.db_table)
    sql = _sql(model, q, bind)
    head, found, condition = sql.partition(" WHERE ")
    if not found:
        return table
    if " JOIN " in head or f"{table}." in condition:
        # Joins (`session__instructor_id`) or qualified columns: keep Tortoise's statement whole.
        condition = f'"id" IN ({sql})'
    # Unqualified columns resolve to the derived table's own FROM: nothing else is in scope.
    return f"(SELECT * FROM {table} WHERE {condition})"
