"""The policy's visibility rules (and the resolver path's filters) as the rows a list reads.

`Policy.visible_*()` returns a Tortoise `Q`; lists on the resolver path filter with it. The
planner renders the very same `Q` through Tortoise (`QuerySet.sql`) instead of writing the rules
again: one policy, two renderings (the differential tests compare them).
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from planner.dialect import quote


def rows_sql(model: Any, q: Q) -> str:
    """The rows of `model` where `q` holds, as a FROM item: the table, or a derived table
    (which both databases flatten into the enclosing query)."""
    table = quote(model._meta.db_table)
    sql = model.filter(q).values_list("id").sql(params_inline=True)
    head, found, condition = sql.partition(" WHERE ")
    if not found:
        return table
    if " JOIN " in head or f"{table}." in condition:
        # Joins (`session__instructor_id`) or qualified columns: keep Tortoise's statement whole.
        condition = f'"id" IN ({sql})'
    # Unqualified columns resolve to the derived table's own FROM: nothing else is in scope.
    return f"(SELECT * FROM {table} WHERE {condition})"
