"""Relay building blocks: the Node interface, page info, edges and connections."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.core.pagination import Page

NodeT = TypeVar("NodeT")


@strawberry.interface(description="An object with a global ID: fetch any of them again with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="The object's opaque global ID.")


@strawberry.type(description="Where a page starts and ends, and whether there is more in either direction.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="True when more items follow this page (page with `after`)."
    )
    has_previous_page: bool = strawberry.field(
        description="True when items come before this page (page with `before`)."
    )
    start_cursor: str | None = strawberry.field(description="The cursor of the first item of this page.")
    end_cursor: str | None = strawberry.field(description="The cursor of the last item of this page.")


@strawberry.type(description="An item of a list, with the cursor that pages from it.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Pass as `after` (or `before`) to page from this item.")
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, paged by opaque cursors; at most 100 items a page.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The items of this page with their cursors.")
    page_info: PageInfo = strawberry.field(description="Paging information for this page.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The items of this page, without cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many items the whole list has, across all pages, as visible to you.")
    async def total_count(self) -> int:
        return await self.count()


def build_edges(page: Page[Any], convert: Callable[[Any], Any]) -> tuple[list[Any], PageInfo]:
    nodes: Sequence[Any] = [convert(row) for row in page.rows]
    edges = [Edge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)]
    info = PageInfo(
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None,
    )
    return edges, info


def to_connection(page: Page[Any], convert: Callable[[Any], Any], count: Callable[[], Awaitable[int]]) -> Any:
    edges, info = build_edges(page, convert)
    return Connection(edges=edges, page_info=info, count=count)
