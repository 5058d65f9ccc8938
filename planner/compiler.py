"""Compiling a query's root fields into one SQL statement each that returns the field's JSON.

Objects become JSON objects of their selected fields (in response-key order, aliases and
fragments resolved), to-one relations correlated subqueries, connections an aggregated, ordered
and limited subquery with the resolver path's keyset order, filters and visibility (the policy's
own `Q`, rendered by Tortoise: planner/visibility.py). Whatever is not mapped in
planner/mapping.py raises `Uncovered`, and the operation runs on the resolver path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import FieldNode, GraphQLEnumType, GraphQLField, GraphQLObjectType, get_named_type
from tortoise.expressions import Q

from auth.policy import Policy
from ids import InvalidId, from_global_id
from planner.dialect import Dialect, literal, quote
from planner.mapping import NODE_TYPES, ROOT_LISTS, TYPES, Column, Many, ToOne, column_of, is_nullable
from planner.selection import Fields, Uncovered, Walker
from planner.visibility import where_sql
from resolvers.core.pagination import PageArgs, SortKey

_PAGE_ARGS = ("first", "after", "last", "before")
Value = Callable[[str, list[FieldNode], GraphQLField], str]
_ITEM, _RANK = '"q"."j"', '"q"."rn"'


class Compiler:
    def __init__(self, walker: Walker, dialect: Dialect, policy: Policy) -> None:
        self.walker, self.dialect, self.policy = walker, dialect, policy
        self._aliases = 0

    def _alias(self) -> str:
        self._aliases += 1
        return f'"p{self._aliases}"'

    # --- root fields -----------------------------------------------------------------------
    def root(self, query: GraphQLObjectType, nodes: list[FieldNode]) -> str:
        """The statement that returns one root field's JSON value."""
        name = nodes[0].name.value
        if name == "__typename":
            raise Uncovered("root __typename")
        field = self.walker.definition(query, nodes)
        args = self.walker.arguments(field, nodes)
        if name == "node":
            return "SELECT " + self._node(args.get("id"), nodes)
        spec = ROOT_LISTS.get(name)
        if spec is None:
            raise Uncovered(f"Query.{name}")
        return "SELECT " + self._connection(spec, field, nodes, args, parent=None)

    def _node(self, global_id: Any, nodes: list[FieldNode]) -> str:
        try:
            type_name, pk = from_global_id(global_id)
        except InvalidId as error:
            raise Uncovered("an invalid ID: the resolver path reports it") from error
        scope = NODE_TYPES.get(type_name)
        if scope is None:
            raise Uncovered(f"node of a {type_name}")
        if scope.value not in self.walker.scopes:
            raise Uncovered(f"node of a {type_name} needs {scope.value}: the resolver path refuses it")
        return self._lookup(self.walker.object_type(type_name), nodes, str(int(pk)))

    def _lookup(self, target: GraphQLObjectType, nodes: list[FieldNode], pk_sql: str) -> str:
        """The JSON of the one `target` row whose primary key is `pk_sql` (null if none)."""
        mapping = TYPES.get(target.name)
        if mapping is None:
            raise Uncovered(f"type {target.name}")
        alias = self._alias()
        body = self._object(target, alias, self.walker.subfields(nodes, target))
        table = quote(mapping.model._meta.db_table)
        return self.dialect.embed(f'SELECT {body} FROM {table} AS {alias} WHERE {alias}."id" = {pk_sql}')

    def _pairs(self, gtype: GraphQLObjectType, fields: Fields, value: Value) -> str:
        """A JSON object of the selected fields; `value` renders each one but `__typename`."""
        pairs: list[tuple[str, str]] = []
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                pairs.append((key, literal(gtype.name)))
            else:
                pairs.append((key, value(name, nodes, self.walker.definition(gtype, nodes))))
        return self.dialect.obj(pairs)

    # --- objects ---------------------------------------------------------------------------
    def _object(self, gtype: GraphQLObjectType, alias: str, fields: Fields) -> str:
        mapping = TYPES.get(gtype.name)
        if mapping is None:
            raise Uncovered(f"type {gtype.name}")

        def value(name: str, nodes: list[FieldNode], field: GraphQLField) -> str:
            spec = mapping.fields.get(name)
            if isinstance(spec, Column):
                return self._scalar(mapping.model, alias, spec, field, gtype.name)
            if isinstance(spec, ToOne):
                fk = f"{alias}.{quote(column_of(mapping.model, spec.fk))}"
                return self._lookup(self._named(field), nodes, fk)
            if isinstance(spec, Many):
                return self._connection(spec, field, nodes, self.walker.arguments(field, nodes), alias)
            raise Uncovered(f"{gtype.name}.{name}")

        return self._pairs(gtype, fields, value)

    def _named(self, field: GraphQLField) -> GraphQLObjectType:
        return self.walker.object_type(get_named_type(field.type).name)

    def _scalar(self, model: Any, alias: str, spec: Column, field: GraphQLField, type_name: str) -> str:
        column = f"{alias}.{quote(column_of(model, spec.field))}"
        kind = spec.kind
        if kind == "id":
            return self.dialect.gid(type_name, column)
        if kind in ("str", "int"):
            return column
        if kind == "date":
            return self.dialect.date(column)
        if kind == "datetime":
            return self.dialect.datetime(column)
        if kind == "bool":
            return self.dialect.boolean(column)
        if kind == "enum":
            enum = get_named_type(field.type)
            assert isinstance(enum, GraphQLEnumType)
            return self.dialect.enum(column, {str(v.value): k for k, v in enum.values.items()})
        raise Uncovered(f"a {kind} column")

    # --- connections -----------------------------------------------------------------------
    def _connection(
        self,
        spec: Many,
        field: GraphQLField,
        nodes: list[FieldNode],
        args: dict[str, Any],
        parent: str | None,
    ) -> str:
        limit, sort, where = self._list_arguments(spec, args)
        connection = self._named(field)
        row = self._alias()
        conditions = []
        if parent is not None:
            conditions.append(f'{row}.{quote(column_of(spec.model, spec.partition))} = {parent}."id"')
        visible = getattr(self.policy, spec.visibility)() if spec.visibility else Q()
        rendered = where_sql(spec.model, row, where & visible)
        if rendered is not None:
            conditions.append(rendered)
        source = f"FROM {quote(spec.model._meta.db_table)} AS {row}"
        if conditions:
            source += " WHERE " + " AND ".join(conditions)
        order = self._order(spec, row, sort)

        def value(name: str, parts: list[FieldNode], sub: GraphQLField) -> str:
            if name == "edges":
                item = self._edge(spec, self._named(sub), row, parts)
            elif name == "nodes" and spec.link is None:
                item = self._object(self._named(sub), row, self.walker.subfields(parts, self._named(sub)))
            else:
                raise Uncovered(f"{connection.name}.{name}")
            return self._aggregate(item, source, order, limit)

        return self._pairs(connection, self.walker.subfields(nodes, connection), value)

    def _aggregate(self, item: str, source: str, order: str, limit: int) -> str:
        rank = f"ROW_NUMBER() OVER (ORDER BY {order})"
        page = f'SELECT {item} AS "j", {rank} AS "rn" {source} ORDER BY {order} LIMIT {int(limit)}'
        return self.dialect.embed(f'SELECT {self.dialect.agg(_ITEM, _RANK)} FROM ({page}) AS "q"')

    def _edge(self, spec: Many, edge: GraphQLObjectType, row: str, nodes: list[FieldNode]) -> str:
        def value(name: str, parts: list[FieldNode], sub: GraphQLField) -> str:
            column = spec.edge_fields.get(name)
            if name == "node" and spec.link is None:
                return self._object(self._named(sub), row, self.walker.subfields(parts, self._named(sub)))
            if name == "node" and spec.link is not None:
                fk = f"{row}.{quote(column_of(spec.model, spec.link[0]))}"
                return self._lookup(self._named(sub), parts, fk)
            if column is not None:
                return self._scalar(spec.model, row, column, sub, edge.name)
            raise Uncovered(f"{edge.name}.{name}")

        return self._pairs(edge, self.walker.subfields(nodes, edge), value)

    def _list_arguments(self, spec: Many, args: dict[str, Any]) -> tuple[int, SortKey, Q]:
        if any(args.get(name) is not None for name in ("after", "last", "before")):
            raise Uncovered("cursors and backward pages")
        try:
            limit = PageArgs(first=args.get("first")).limit()
        except Exception as error:  # BadInput: the resolver path reports it
            raise Uncovered("page size") from error
        sort = spec.sort
        where = Q()
        for name, value in args.items():
            if name in _PAGE_ARGS or value is None:
                continue
            if name == "orderBy" and spec.order_fields is not None:
                sort = SortKey(spec.order_fields[value["field"].value], value["direction"].value == "desc")
            elif name == "filter" and spec.filter_of is not None:
                where &= _filter(spec.filter_of, spec.filter_keys, value)
            elif name in spec.extra:
                where &= Q(**{spec.extra[name]: getattr(value, "value", value)})
            else:
                raise Uncovered(f"argument {name}")
        return limit, sort, where

    def _order(self, spec: Many, row: str, sort: SortKey) -> str:
        direction = "DESC" if sort.descending else "ASC"
        column = f"{row}.{quote(column_of(spec.model, sort.field))}"
        terms = [column, f'{row}."id"']
        if is_nullable(spec.model, sort.field):
            terms.insert(0, f"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END")
        return ", ".join(f"{term} {direction}" for term in terms)


def _filter(build: Callable[..., Q], keys: dict[str, str] | Any, value: dict[str, Any]) -> Q:
    kwargs: dict[str, Any] = {}
    for name, given in value.items():
        if given is None:
            continue
        if name not in keys:
            raise Uncovered(f"filter {name}")
        if given:  # an empty list filters nothing, as on the resolver path
            kwargs[keys[name]] = [getattr(v, "value", v) for v in given]
    return build(**kwargs)
