"""The policy's visibility rules (and the resolver path's filters) as SQL predicates.

`Policy.visible_*()` returns a Tortoise `Q`; lists on the resolver path filter with it. The
planner renders the very same `Q` through Tortoise (`QuerySet.sql`) instead of writing the rules
again: one policy, two renderings (the differential tests compare them).
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from planner.dialect import quote


def where_sql(model: Any, alias: str, q: Q) -> str | None:
    """A predicate on the rows of `model` (as `alias`) that holds where `q` does; None for all rows."""
    sql = model.filter(q).values_list("id").sql(params_inline=True)
    head, found, condition = sql.partition(" WHERE ")
    if not found:
        return None
    table = quote(model._meta.db_table)
    if " JOIN " in head or f"{table}." in condition:
        # Joins (`session__instructor_id`) or qualified columns: keep Tortoise's statement whole.
        return f'{alias}."id" IN ({sql})'
    # Unqualified columns of one table resolve to the innermost FROM, which is `alias`.
    return f"({condition})"
