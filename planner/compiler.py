"""Compiling a query's root fields into one SQL statement each that returns the field's JSON.

Objects become JSON objects of their selected fields (in response-key order, aliases and
fragments resolved); to-one relations are LEFT JOINs of the enclosing SELECT (so they add no
nesting); connections are an aggregated, ordered and limited subquery with the resolver path's
keyset order, filters and visibility (the policy's own `Q`, rendered by Tortoise:
planner/visibility.py). SQLite's parser allows only a few nested subqueries, so deeper
connections are left to the resolver path. Whatever is not mapped in planner/mapping.py raises
`Uncovered`, and the operation runs on the resolver path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from graphql import FieldNode, GraphQLField, GraphQLObjectType, get_named_type
from tortoise.expressions import Q

from auth.policy import Policy
from ids import InvalidId, from_global_id
from planner.arguments import list_arguments
from planner.dialect import Dialect, literal, quote
from planner.mapping import NODE_TYPES, ROOT_LISTS, TYPES
from planner.pages import Page, cursor_sql, order_sql, page_rows
from planner.params import BoundInt, BoundStr, Fact, Param, Path, bound_paths, symbolic
from planner.selection import Fields, Uncovered, Walker
from planner.specs import Capability, Column, Computed, Counted, Many, Sensitive, ToOne, column_of
from planner.values import capability, scalar
from planner.visibility import Derivation, condition_sql, rows_sql
from resolvers.core.pagination import SortKey

Value = Callable[[str, list[FieldNode], GraphQLField], str]


_ITEM, _RANK = '"q"."j"', '"q"."rn"'
# Nested connections SQLite's parser takes (its stack holds about 100 frames, and each level of
# JSON objects and subqueries takes 30 or more); PostgreSQL has no such limit. Deeper statements
# that still overflow fail at run time, and planner/extension.py then falls back for good.
MAX_SQLITE_NESTING = 2


class Compiler:
    def __init__(self, walker: Walker, dialect: Dialect, policy: Policy) -> None:
        # The viewer's facts are stand-ins, bound per request: the plan serves every viewer of
        # the principal's class (planner/params.py).
        self.walker, self.dialect, self.policy = walker, dialect, symbolic(policy)
        self._facts: dict[tuple[str, ...], str] = {}  # the placeholder of each fact the root field binds
        self._own = ""  # the alias of the viewer's own row (`viewer`), whose sensitive fields they read
        self._aliases = 0
        self._nesting = 0
        self.params: list[Param] = []  # of the root field being compiled
        self.consumed: set[Path] = set()  # the variables bound as parameters
        self.cursors = False  # whether the root field being compiled returns cursors (to splice)

    def param(self, value: Any, convert: str = "") -> str:
        """A variable's value as a parameter of the statement (planner/params.py); a value of
        the document itself is inlined (the document is part of the plan's key)."""
        if not isinstance(value, BoundInt | BoundStr):
            return str(int(value))
        self.consumed.add(value.path)
        self.params.append(Param(value.path, convert))
        return self.dialect.placeholder(len(self.params))

    def constant(self, value: Any) -> str:
        """A constant as a parameter of the statement (a value Tortoise converts for the
        database), or the viewer's id where the symbolic policy has its stand-in."""
        if isinstance(value, Fact):
            if value.many:  # outside an `IN` list (planner/visibility.py renders those)
                raise Uncovered("a set of the viewer's ids compared as one value")
            return self.dialect.integer(self._fact((value.name,)))
        self.params.append(Param(None, constant=value))
        return self.dialect.placeholder(len(self.params))

    def member(self, column: str, facts: tuple[Fact, ...]) -> str:
        """Whether `column` is one of the viewer's ids that `facts` stand for (the union of their
        sets, one parameter): no sub-select, as SQLite's parser takes only so many."""
        names = tuple(sorted({fact.name for fact in facts}))
        return self.dialect.member(column, self._fact(names, self.dialect.ids))

    def _fact(self, names: tuple[str, ...], convert: str = "fact") -> str:
        """The placeholder of the fact parameter (one per fact and statement)."""
        if names not in self._facts:
            self.params.append(Param(None, convert, names))
            self._facts[names] = self.dialect.placeholder(len(self.params))
        return self._facts[names]

    def _derived(self, derivation: Derivation | None) -> str | None:
        """A condition built from the request's variables (planner/visibility.py `Derivation`),
        its values parameters of the statement, rebuilt per request."""
        if derivation is None:
            return None
        names = []
        for index in range(derivation.size):
            self.params.append(Param(None, "derived", (derivation, index)))
            names.append(self.dialect.placeholder(len(self.params)))
        self.consumed |= bound_paths(derivation.template)
        return derivation.sql(names)

    def _alias(self) -> str:
        self._aliases += 1
        return f'"p{self._aliases}"'

    def _named(self, field: GraphQLField) -> GraphQLObjectType:
        return self.walker.object_type(get_named_type(field.type).name)

    # --- root fields -----------------------------------------------------------------------
    def root(self, query: GraphQLObjectType, nodes: list[FieldNode]) -> str:
        """The statement that returns one root field's JSON value."""
        name = nodes[0].name.value
        self.params, self.cursors, self._facts, self._own = [], False, {}, ""
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

    def _pairs(self, gtype: GraphQLObjectType, fields: Fields, value: Value) -> str:
        """A JSON object of the selected fields; `value` renders each one but `__typename`."""
        pairs: list[tuple[str, str]] = []
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                pairs.append((key, literal(gtype.name)))
            else:
                # A sensitive field's permission is the policy's, asked by the compiler itself.
                checked = (
                    isinstance(TYPES[gtype.name].fields.get(name), Sensitive)
                    if gtype.name in TYPES
                    else False
                )
                pairs.append((key, value(name, nodes, self.walker.definition(gtype, nodes, checked))))
        return self.dialect.obj(pairs)

    # --- objects ---------------------------------------------------------------------------
    def _object(self, gtype: GraphQLObjectType, alias: str, fields: Fields, joins: list[str]) -> str:
        """The JSON of the row `alias`; to-one relations append their LEFT JOINs to `joins`."""
        mapping = TYPES.get(gtype.name)
        if mapping is None:
            raise Uncovered(f"type {gtype.name}")

        def value(name: str, nodes: list[FieldNode], field: GraphQLField) -> str:
            spec = mapping.fields.get(name)
            if isinstance(spec, Column):
                return scalar(self.dialect, mapping.model, alias, spec, field, gtype.name)
            if isinstance(spec, Computed):
                return spec.sql.format(row=alias)
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
        alias = self._alias()
        joins.append(f'LEFT JOIN {quote(mapping.model._meta.db_table)} AS {alias} ON {alias}."id" = {fk}')
        body = self._object(target, alias, self.walker.subfields(nodes, target), joins)
        return f'CASE WHEN {alias}."id" IS NULL THEN NULL ELSE {body} END' if nullable else body

    # --- connections -----------------------------------------------------------------------
    def _connection(
        self,
        spec: Many,
        field: GraphQLField,
        nodes: list[FieldNode],
        args: dict[str, Any],
        parent: str | None,
    ) -> str:
        arguments = list_arguments(spec, args)
        limit, sort = arguments.limit, arguments.sort
        connection = self._named(field)
        row = self._alias()
        visible = getattr(self.policy, spec.visibility)() if spec.visibility else Q()
        # Each condition is rendered once, its parameters shared by every part of the statement.
        conditions = [
            condition_sql(spec.model, arguments.where & visible, self),
            self._derived(arguments.filter),
        ]
        seek = self._derived(arguments.seek)

        def rows(after: bool) -> str:
            return f"FROM {rows_sql(spec.model, [*conditions, seek] if after else conditions)} AS {row}"

        def select() -> str:  # the rows from the cursor on
            return f"SELECT {row}.* {rows(after=True)}"

        condition = ""
        if parent is not None:
            condition = f' WHERE {row}.{quote(column_of(spec.model, spec.partition))} = {parent}."id"'
        order = order_sql(spec, row, sort)
        page = Page(spec, row, select, condition, sort, limit, arguments.seek is not None)

        def value(name: str, parts: list[FieldNode], sub: GraphQLField) -> str:
            if name == "totalCount":
                return f"(SELECT count(*) {rows(after=False)}{condition})"  # every row
            if name == "pageInfo":
                return self._page_info(self._named(sub), parts, page)
            joins: list[str] = []
            self._nesting += 1
            if self._nesting > MAX_SQLITE_NESTING and self.dialect.name == "sqlite":
                raise Uncovered("connections nested deeper than SQLite parses")
            if name == "edges":
                item = self._edge(spec, self._named(sub), row, parts, joins, sort)
            elif name == "nodes" and spec.link is None:
                target = self._named(sub)
                item = self._object(target, row, self.walker.subfields(parts, target), joins)
            else:
                raise Uncovered(f"{connection.name}.{name}")
            self._nesting -= 1
            # The page's rows first (ordered, limited), then their JSON: objects are built for the
            # page only, not for every row the order has to look at.
            rank = f'ROW_NUMBER() OVER (ORDER BY {order}) AS "rn"'  # over the page's rows only
            paged = self._rows(page)
            items = " ".join([f'SELECT {item} AS "j", {rank} FROM {paged}', *joins]) + f" ORDER BY {order}"
            return self.dialect.embed(f'SELECT {self.dialect.agg(_ITEM, _RANK)} FROM ({items}) AS "q"')

        return self._pairs(connection, self.walker.subfields(nodes, connection), value)

    def _rows(self, page: Page) -> str:
        """The page's rows as a FROM item."""
        return page_rows(
            page.spec, page.row, page.select(), page.condition, page.sort, self.param(page.limit)
        )

    def _page_info(self, page_info: GraphQLObjectType, nodes: list[FieldNode], page: Page) -> str:
        """`hasNextPage` (a row beyond the page), `hasPreviousPage` (after a cursor, as on the
        resolver path: forward pages only), and the cursors of the page's first and last rows."""
        row, limit = page.row, page.limit

        def more() -> str:
            if not limit:
                return "1 = 0"
            n = self.param(limit)
            return f'(SELECT count(*) FROM ({page.select()}{page.condition} LIMIT {n} + 1) AS "n") > {n}'

        def cursor(end: bool) -> str:
            """The first row's cursor (the list's first from the cursor on), or the last row's
            (the page's rows in reverse), kept flat: SQLite parses only so many nested queries."""
            if not limit:
                return "NULL"
            if self._nesting >= MAX_SQLITE_NESTING and self.dialect.name == "sqlite":
                raise Uncovered("page cursors nested deeper than SQLite parses")
            self.cursors = True
            value = cursor_sql(self.dialect, page.spec, row, page.sort)
            order = order_sql(page.spec, row, page.sort)
            rows = f"{page.select()}{page.condition} ORDER BY {order}"
            if end:
                last = order_sql(page.spec, row, SortKey(page.sort.field, not page.sort.descending))
                rows = f"SELECT {value} FROM ({rows} LIMIT {self.param(limit)}) AS {row} ORDER BY {last}"
            else:
                rows = rows.replace(f"SELECT {row}.* ", f"SELECT {value} ", 1)
            return self.dialect.embed(f"{rows} LIMIT 1")

        def value(name: str, parts: list[FieldNode], sub: GraphQLField) -> str:
            if name == "hasNextPage":
                return self.dialect.boolean(f"({more()})")
            if name == "hasPreviousPage":
                return self.dialect.boolean("(1 = 1)" if page.after and limit else "(1 = 0)")
            if name in ("startCursor", "endCursor"):
                return cursor(end=name == "endCursor")
            raise Uncovered(f"PageInfo.{name}")

        return self._pairs(page_info, self.walker.subfields(nodes, page_info), value)

    def _edge(
        self,
        spec: Many,
        edge: GraphQLObjectType,
        row: str,
        nodes: list[FieldNode],
        joins: list[str],
        sort: SortKey,
    ) -> str:
        def value(name: str, parts: list[FieldNode], sub: GraphQLField) -> str:
            column = spec.edge_fields.get(name)
            if name == "cursor":
                self.cursors = True
                return cursor_sql(self.dialect, spec, row, sort)
            if name == "node" and spec.link is None:
                return self._object(
                    self._named(sub), row, self.walker.subfields(parts, self._named(sub)), joins
                )
            if name == "node" and spec.link is not None:
                fk = f"{row}.{quote(column_of(spec.model, spec.link[0]))}"
                # A link row always has its target (a foreign key): no CASE, one nesting level less.
                return self._joined(self._named(sub), parts, fk, joins, nullable=False)
            if column is not None:
                return scalar(self.dialect, spec.model, row, column, sub, edge.name)
            raise Uncovered(f"{edge.name}.{name}")

        return self._pairs(edge, self.walker.subfields(nodes, edge), value)
