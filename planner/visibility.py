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
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from tortoise.expressions import Q

from planner.dialect import quote
from planner.params import Fact, rebind
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


def condition_sql(model: Any, q: Q, bind: Binder) -> str | None:
    """The condition `q` on the rows of `model` alone (a WHERE of a derived table), or None
    when it holds for every row."""
    table = quote(model._meta.db_table)
    sql = select_sql(model, q, bind)
    head, found, condition = sql.partition(" WHERE ")
    if not found:
        return None
    if " JOIN " in head or f"{table}." in condition:
        # Joins (`session__instructor_id`) or qualified columns: keep Tortoise's statement whole.
        return f'"id" IN ({sql})'
    return condition  # unqualified columns resolve to the derived table's own FROM


def rows_sql(model: Any, conditions: list[str | None]) -> str:
    """The rows of `model` where every condition holds, as a FROM item: the table, or a
    derived table (which both databases flatten into the enclosing query)."""
    present = [condition for condition in conditions if condition is not None]
    table = quote(model._meta.db_table)
    if not present:
        return table
    where = present[0] if len(present) == 1 else " AND ".join(f"({c})" for c in present)
    return f"(SELECT * FROM {table} WHERE {where})"


_MARK = "\x00"  # around a value's number in a derivation's text (never in Tortoise's SQL)


class _Values:
    """A `Binder` that keeps a derived condition's values in order, marked in the text."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def constant(self, value: Any) -> str:
        if isinstance(value, Fact):
            raise Uncovered("the viewer's facts in a filter")
        self.values.append(value)
        return f"{_MARK}{len(self.values) - 1}{_MARK}"

    def member(self, column: str, facts: tuple[Fact, ...]) -> str:
        raise Uncovered("the viewer's facts in a filter")


class Derivation:
    """A condition the resolver path builds from a request's variables (a cursor's seek
    condition, a filter with a search text or an ID), bound rather than pinned.

    `build` is the resolvers' own: it turns the argument (`template`, whose variable leaves
    planner/params.py has wrapped) into a `Q`. At plan time its rendering gives the statement's
    text; per request, the argument is rebuilt from the variables, `build` runs again and
    Tortoise renders it again, and its values are the parameters, provided the text is the same
    (a cursor whose sort value is null seeks with another condition: `values` is then None, and
    the plan does not fit). Anything `build` refuses (a bad cursor, a search too long) does not
    fit either, and the resolver path reports it."""

    def __init__(self, model: Any, build: Callable[[Any], Q], template: Any) -> None:
        self.model, self.build, self.template = model, build, template
        try:
            rendered = self._render(template)
        except Exception as error:  # BadInput: the resolver path reports it
            raise Uncovered("an argument the resolver path refuses") from error
        self.text, self.size = rendered[0], len(rendered[1])
        self._last: tuple[str, list[Any] | None] | None = None  # fits(), then bind(), per request

    def _render(self, argument: Any) -> tuple[str | None, list[Any]]:
        values = _Values()
        return condition_sql(self.model, self.build(argument), values), values.values

    def sql(self, names: list[str]) -> str | None:
        """The condition, its values the parameters `names`."""
        if self.text is None:
            return None
        parts = self.text.split(_MARK)
        return "".join(names[int(part)] if i % 2 else part for i, part in enumerate(parts))

    def values(self, variables: Mapping[str, Any]) -> list[Any] | None:
        """The parameters for these variables, or None when they do not fit the statement."""
        argument = rebind(self.template, variables)
        key = repr(argument)
        if self._last is None or self._last[0] != key:
            try:
                text, values = self._render(argument)
                found = values if text == self.text else None
            except Exception:  # BadInput, Uncovered: not this plan's, the resolver path answers
                found = None
            self._last = (key, found)
        return self._last[1]
