"""Connections in SQL: the page's rows in the resolvers' keyset order, their JSON, `totalCount`,
`pageInfo` and edges (with their cursors, and a link row's own fields).

A connection first selects the page's rows (ordered, limited) and then builds their JSON, so
objects are built for the page only. Filters and visibility are the policy's own `Q` and the
resolvers' filter `Q`, rendered by Tortoise (planner/visibility.py).
"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLField, GraphQLObjectType
from tortoise.expressions import Q

from planner.arguments import list_arguments
from planner.dialect import quote
from planner.pages import Page, cursor_sql, order_sql, order_terms, page_rows
from planner.selection import Uncovered
from planner.specs import Many, column_of
from planner.statement import MAX_SQLITE_NESTING, Statement
from planner.values import scalar
from planner.visibility import condition_sql, rows_sql
from resolvers.core.pagination import SortKey


class Connections(Statement):
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
            nested, self._nested = self._nested, self._nested or parent is not None
            if name == "edges":
                item = self._edge(spec, self._named(sub), row, parts, joins, sort)
            elif name == "nodes" and spec.link is None:
                target = self._named(sub)
                item = self._object(target, row, self.walker.subfields(parts, target), joins)
            else:
                raise Uncovered(f"{connection.name}.{name}")
            self._nesting, self._nested = self._nesting - 1, nested
            # The page's rows first (ordered, limited), then their JSON: objects are built for the
            # page only, not for every row the order has to look at.
            return self.dialect.embed(
                self.dialect.ordered_array(
                    item,
                    " ".join([self._rows(page), *joins]),
                    order_terms(self.dialect, spec, row, sort),
                    ordered=True,
                )
            )

        return self._pairs(connection, self.walker.subfields(nodes, connection), value)

    def _rows(self, page: Page) -> str:
        """The page's rows as a FROM item."""
        return page_rows(
            self.dialect,
            page.spec,
            page.row,
            page.select(),
            page.condition,
            page.sort,
            self.param(page.limit),
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
            order = order_sql(self.dialect, page.spec, row, page.sort)
            rows = f"{page.select()}{page.condition} ORDER BY {order}"
            if end:
                last = order_sql(
                    self.dialect, page.spec, row, SortKey(page.sort.field, not page.sort.descending)
                )
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
