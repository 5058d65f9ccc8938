"""A row's scalar fields and `viewerCan…` capabilities as SQL values, shown as the resolver
path shows them (the dialect renders IDs, times, booleans and enums; planner/dialect.py)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLEnumType, GraphQLField, get_named_type

from auth.policy import Policy
from planner.dialect import Dialect, quote
from planner.selection import Uncovered
from planner.specs import Capability, Column, column_of
from planner.visibility import Binder, select_sql


def capability(
    dialect: Dialect, policy: Policy, model: Any, alias: str, spec: Capability, bind: Binder
) -> str:
    """The policy's rule (planner/capabilities.py) for the row `alias`: a constant or a `Q`,
    its values (the viewer's facts among them) parameters of `bind`."""
    rule = spec.rule(policy)
    if isinstance(rule, bool):
        return dialect.boolean("(1 = 1)" if rule else "(1 = 0)")
    return dialect.boolean(f'({alias}."id" IN ({select_sql(model, rule, bind)}))')


def scalar(
    dialect: Dialect,
    model: Any,
    alias: str,
    spec: Column,
    field: GraphQLField,
    type_name: str,
    column: str | None = None,
) -> str:
    """The column of the row `alias` (or the SQL value `column` given for it) as GraphQL shows it."""
    column = column or f"{alias}.{quote(column_of(model, spec.field))}"
    kind = spec.kind
    if kind == "id":
        return dialect.gid(type_name, column)
    if kind in ("str", "int"):
        return column
    if kind == "date":
        return dialect.date(column)
    if kind == "datetime":
        return dialect.datetime(column)
    if kind == "bool":
        return dialect.boolean(column)
    if kind == "float":
        return dialect.number(column)
    if kind == "strings":
        return dialect.strings(column)
    if kind == "clock":
        return dialect.clock(column)
    if kind in ("enum", "weekdays"):
        enum = get_named_type(field.type)
        assert isinstance(enum, GraphQLEnumType)
        names = {str(v.value): k for k, v in enum.values.items()}
        return dialect.enum(column, names) if kind == "enum" else dialect.weekdays(column, names)
    raise Uncovered(f"a {kind} column")
