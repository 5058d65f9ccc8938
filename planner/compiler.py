"""Compiling a query's root fields into one SQL statement each that returns the field's JSON.

Objects become JSON objects of their selected fields (in response-key order, aliases and
fragments resolved); to-one relations are LEFT JOINs of the enclosing SELECT (so they add no
nesting), except in a nested list's rows on PostgreSQL, where they are subqueries by key
(`_joined`); connections are an aggregated, ordered and limited subquery with the resolver
path's keyset order, filters and visibility (the policy's own `Q`, rendered by Tortoise:
planner/visibility.py). SQLite's parser allows only a few nested subqueries, so deeper
connections are left to the resolver path. Whatever is not mapped in planner/mapping/ raises
`Uncovered`, and the operation runs on the resolver path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from graphql import FieldNode, GraphQLField, GraphQLObjectType
from tortoise.expressions import Q

from ids import InvalidId, from_global_id
from planner.connections import Connections
from planner.dialect import literal, quote
from planner.mapping import NODE_TYPES, ROOT_LISTS, ROOT_ROWS, ROOT_ROWS_BY_KEY, TYPES
from planner.params import BoundStr
from planner.selection import Fields, Uncovered
from planner.specs import (
    Attached,
    Capability,
    Chosen,
    Column,
    Computed,
    Counted,
    Keyed,
    Listed,
    Many,
    Sensitive,
    ToOne,
    column_of,
)
from planner.values import capability, scalar
from planner.visibility import Derivation, condition_sql, rows_sql


class Compiler(Connections):
    """One statement per root field (`root`); the parameters of the last one in `params`."""

    # --- root fields -----------------------------------------------------------------------
    def root(self, query: GraphQLObjectType, nodes: list[FieldNode]) -> str:
        """The statement that returns one root field's JSON value."""
        name = nodes[0].name.value
        self.params, self.cursors, self._facts, self._own, self._nested = [], False, {}, "", False
        if name == "__typename":  # a constant, one statement like every root field
            return f"SELECT {literal(json.dumps(query.name))}"
        field = self.walker.definition(query, nodes)
        args = self.walker.arguments(field, nodes)
        if name == "node":
            return self._node(args.get("id"), nodes)
        if name == "viewer":
            viewer = self.policy.viewer_id
            if viewer is None:
                return "SELECT NULL"
            return self._row("Employee", nodes, self.constant(viewer), None, own=True)
        keyed = ROOT_ROWS_BY_KEY.get(name)
        if keyed is not None:
            return self._keyed(keyed, nodes, args.get(keyed.argument))
        listed = ROOT_ROWS.get(name)
        if listed is not None:
            return self._listed(listed, field, nodes, args)
        spec = ROOT_LISTS.get(name)
        if spec is None:
            raise Uncovered(f"Query.{name}")
        return "SELECT " + self._connection(spec, field, nodes, args, parent=None)

    def _node(self, global_id: Any, nodes: list[FieldNode]) -> str:
        try:
            type_name, pk = from_global_id(global_id)
        except InvalidId as error:
            raise Uncovered("an invalid ID: the resolver path reports it") from error
        kind = NODE_TYPES.get(type_name)
        if kind is None:
            raise Uncovered(f"node of a {type_name}")
        scope, visibility = kind
        if scope.value not in self.walker.scopes:
            raise Uncovered(f"node of a {type_name} needs {scope.value}: the resolver path refuses it")
        key = self.param(global_id, f"pk:{type_name}") if isinstance(global_id, BoundStr) else str(int(pk))
        return self._row(type_name, nodes, key, visibility)

    def _keyed(self, spec: Keyed, nodes: list[FieldNode], global_id: Any) -> str:
        """The statement of a root field that shows the row an ID names (or the viewer's)."""
        if global_id is None:
            viewer = self.policy.viewer_id
            return (
                "SELECT NULL"
                if viewer is None
                else self._row(spec.type_name, nodes, self.constant(viewer), None)
            )
        try:
            pk = from_global_id(global_id, expected=spec.id_type)[1]
        except InvalidId as error:
            raise Uncovered(f"an ID that is not a {spec.id_type}: the resolver path reports it") from error
        key = self.param(global_id, f"pk:{spec.id_type}") if isinstance(global_id, BoundStr) else str(int(pk))
        return self._row(spec.type_name, nodes, key, None)

    def _listed(self, spec: Listed, field: GraphQLField, nodes: list[FieldNode], args: dict[str, Any]) -> str:
        """The statement that returns a plain list of rows (`publicHolidays`): its condition a
        derivation of the arguments, rebuilt and bound per request (a value the resolvers refuse
        does not fit the plan, and the resolver path reports it)."""
        condition = self._derived(Derivation(spec.model, partial(_where, spec.where), args))
        target, row, joins = self._named(field), self._alias(), list[str]()
        item = self._object(target, row, self.walker.subfields(nodes, target), joins)
        order = [(f"{row}.{quote(column_of(spec.model, c))}", "ASC") for c in (*spec.order, "id")]
        source = " ".join([f"{rows_sql(spec.model, [condition])} AS {row}", *joins])
        return self.dialect.ordered_array(item, source, order)

    def _row(
        self, type_name: str, nodes: list[FieldNode], pk: int | str, visibility: str | None, own: bool = False
    ) -> str:
        """The statement that returns one row's JSON (no row, hence null, if absent or hidden);
        `own`: the viewer's own row."""
        runtime = self.walker.object_type(type_name)
        model = TYPES[type_name].model
        visible = getattr(self.policy, visibility)() if visibility else Q()
        alias, joins = self._alias(), list[str]()
        if own:
            self._own = alias
        body = self._object(runtime, alias, self.walker.subfields(nodes, runtime), joins)
        source = " ".join([f"{rows_sql(model, [condition_sql(model, visible, self)])} AS {alias}", *joins])
        return f'SELECT {body} FROM {source} WHERE {alias}."id" = {pk}'

    # --- objects ---------------------------------------------------------------------------
    def _object(self, gtype: GraphQLObjectType, alias: str, fields: Fields, joins: list[str]) -> str:
        """The JSON of the row `alias`; to-one relations append their LEFT JOINs to `joins`."""
        mapping = TYPES.get(gtype.name)
        if mapping is None:
            raise Uncovered(f"type {gtype.name}")

        def value(name: str, nodes: list[FieldNode], field: GraphQLField) -> str:
            spec = mapping.fields.get(name)
            if isinstance(spec, Column):
                default = self._defaults.get(alias, {}).get(spec.field)
                column = f"{alias}.{quote(column_of(mapping.model, spec.field))}"
                if default is not None:  # an attached row, or its defaults where there is none
                    column = f'CASE WHEN {alias}."id" IS NULL THEN {default} ELSE {column} END'
                return scalar(self.dialect, mapping.model, alias, spec, field, gtype.name, column)
            if isinstance(spec, Computed):
                sql = spec.sql.format(row=alias)
                return self.dialect.boolean(f"({sql})") if spec.kind == "bool" else sql
            if isinstance(spec, Counted):
                return self._counted(spec, mapping.model, alias)
            if isinstance(spec, Sensitive):
                if not spec.readable(self.policy, alias == self._own):
                    raise Uncovered(f"{gtype.name}.{name} of another employee: the resolver path refuses it")
                return scalar(self.dialect, mapping.model, alias, spec.column, field, gtype.name)
            if isinstance(spec, Capability):
                return capability(self.dialect, self.policy, mapping.model, alias, spec, self)
            if isinstance(spec, ToOne):
                fk = f"{alias}.{quote(column_of(mapping.model, spec.fk))}"
                return self._joined(self._named(field), nodes, fk, joins)
            if isinstance(spec, Many):
                return self._connection(spec, field, nodes, self.walker.arguments(field, nodes), alias)
            if isinstance(spec, Attached):
                return self._attached(spec, self._named(field), nodes, alias, joins)
            if isinstance(spec, Chosen):
                args = self.walker.arguments(field, nodes)
                chosen = args.pop(spec.argument)
                return self._connection(
                    spec.lists[getattr(chosen, "value", chosen)], field, nodes, args, alias
                )
            raise Uncovered(f"{gtype.name}.{name}")

        return self._pairs(gtype, fields, value)

    def _counted(self, spec: Counted, model: Any, alias: str) -> str:
        """How many rows of the nested list the row `alias` has (or what is left of a column)."""
        rows = spec.rows
        if rows.visibility is not None or rows.filter_fn is not None:
            raise Uncovered(f"a count of {rows.name}")
        inner = self._alias()
        fixed: dict[str, Any] = dict(rows.filters or {})
        where = condition_sql(rows.model, Q(**fixed), self)
        partition = f'{inner}.{quote(column_of(rows.model, rows.partition))} = {alias}."id"'
        count = f"(SELECT count(*) FROM {rows_sql(rows.model, [where])} AS {inner} WHERE {partition})"
        if spec.left_of is None:
            return count
        return self.dialect.greatest("0", f"{alias}.{quote(column_of(model, spec.left_of))} - {count}")

    def _attached(
        self, spec: Attached, target: GraphQLObjectType, nodes: list[FieldNode], parent: str, joins: list[str]
    ) -> str:
        """The JSON of the `target` row attached to the row `parent` (or of its defaults)."""
        model = TYPES[spec.target].model
        alias = self._alias()
        key = f"{alias}.{quote(column_of(model, spec.key))}"
        joins.append(f'LEFT JOIN {quote(model._meta.db_table)} AS {alias} ON {key} = {parent}."id"')
        self._defaults[alias] = {name: sql.format(parent=parent) for name, sql in spec.defaults.items()}
        return self._object(target, alias, self.walker.subfields(nodes, target), joins)

    def _joined(
        self,
        target: GraphQLObjectType,
        nodes: list[FieldNode],
        fk: str,
        joins: list[str],
        nullable: bool = True,
    ) -> str:
        """The JSON of the `target` row whose primary key is `fk`, or null (when `nullable`)."""
        mapping = TYPES.get(target.name)
        if mapping is None:
            raise Uncovered(f"type {target.name}")
        alias, table = self._alias(), quote(mapping.model._meta.db_table)
        if self._nested and self.dialect.name == "postgres":
            # A nested list's page is read once per parent row, and a join there made PostgreSQL
            # hash the whole target table each time (bench/README.md, branch sqlq): one lookup
            # by key per row instead, as a subquery (null without a row).
            own: list[str] = []
            body = self._object(target, alias, self.walker.subfields(nodes, target), own)
            source = " ".join([f"{table} AS {alias}", *own])
            return f'(SELECT {body} FROM {source} WHERE {alias}."id" = {fk})'
        joins.append(f'LEFT JOIN {table} AS {alias} ON {alias}."id" = {fk}')
        body = self._object(target, alias, self.walker.subfields(nodes, target), joins)
        return f'CASE WHEN {alias}."id" IS NULL THEN NULL ELSE {body} END' if nullable else body


def _where(build: Callable[..., Q], arguments: dict[str, Any]) -> Q:
    """The resolvers' `Q` builder called with the field's arguments."""
    return build(**arguments)
