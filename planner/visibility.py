"""The policy's visibility rules (and the resolver path's filters) as the rows a list reads.

`Policy.visible_*()` returns a Tortoise `Q`; lists on the resolver path filter with it. The
planner renders the very same `Q` through Tortoise (`QuerySet.sql`) instead of writing the rules
again: one policy, two renderings (the differential tests compare them). Every value of a
condition is rendered as one of Tortoise's parameters and bound as a constant of the plan
(`Binder`), so that Tortoise converts it (the time of a cursor) exactly as on the resolver path.
The viewer's facts in the rules are stand-ins of a symbolic policy (planner/params.py), bound
per request, so one statement serves every viewer of a principal class.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from tortoise.expressions import Q

from planner.dialect import quote
from planner.params import Fact
from planner.selection import Uncovered

# Tortoise's placeholders: `?` (SQLite, in order) or `$1`, `$2`... (PostgreSQL), alone or as the
# list of an `IN`. Its statements carry every value as a parameter, so none appears in a literal.
_PLACEHOLDER = r"(?:\?|\$\d+)"
_COLUMN = r'(?:"[^"]*"\.)?"[^"]*"'
_TOKEN = re.compile(
    rf"(?P<column>{_COLUMN}) IN \((?P<items>{_PLACEHOLDER}(?:,{_PLACEHOLDER})*)\)|{_PLACEHOLDER}"
)


class Binder(Protocol):
    """How the compiler binds a value of a rendered rule (planner/compiler.py `Compiler`)."""

    def constant(self, value: Any) -> str:
        """A SQL expression of the value (a parameter)."""
        ...

    def member(self, column: str, facts: tuple[Fact, ...]) -> str:
        """Whether `column` is one of the ids the viewer's `facts` stand for (their union)."""
        ...


def select_sql(model: Any, q: Q, bind: Binder) -> str:
    """`SELECT "id" FROM <model's table> WHERE <q>`, each value a parameter of `bind`. An `IN`
    list of the viewer's facts (planner/params.py `Fact`: their id, their reports, their teams)
    becomes a test of membership in their bound union, so the text is the same whatever the
    sets hold."""
    query = model.filter(q).values_list("id")
    query._choose_db_if_not_chosen()
    query._make_query()
    text, params = query.query.get_parameterized_sql()
    position = iter(range(len(params)))

    def value_of(token: str) -> Any:
        return params[int(token[1:]) - 1 if token.startswith("$") else next(position)]

    def rename(found: re.Match[str]) -> str:
        items = found.group("items")
        if items is None:
            return bind.constant(value_of(found.group(0)))
        values = [value_of(token) for token in items.split(",")]
        if any(isinstance(value, Fact) and value.many for value in values):
            if not all(isinstance(value, Fact) for value in values):
                raise Uncovered("a rule that mixes the viewer's sets with other values")
            return bind.member(found.group("column"), tuple(values))
        return f"{found.group('column')} IN (" + ",".join(bind.constant(value) for value in values) + ")"

    return _TOKEN.sub(rename, text)


def rows_sql(model: Any, q: Q, bind: Binder) -> str:
    """The rows of `model` where `q` holds, as a FROM item: the table, or a derived table
    (which both databases flatten into the enclosing query). The values are parameters of `bind`."""
    table = quote(model._meta.db_table)
    sql = select_sql(model, q, bind)
    head, found, condition = sql.partition(" WHERE ")
    if not found:
        return table
    if " JOIN " in head or f"{table}." in condition:
        # Joins (`session__instructor_id`) or qualified columns: keep Tortoise's statement whole.
        condition = f'"id" IN ({sql})'
    # Unqualified columns resolve to the derived table's own FROM: nothing else is in scope.
    return f"(SELECT * FROM {table} WHERE {condition})"
