"""Relay building blocks: the Node interface, page info, edges and connections.

Also the registry of which GraphQL type shows a model's rows: each node type registers with
`@presents(Model)`, and `presenter(Model)` / `present(row)` build the GraphQL object. A field that
returns another domain's objects builds them this way, so no domain's types module imports
another's at run time (their annotations use `strawberry.lazy`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.core.listing import child_listing
from resolvers.core.loaders import ChildList, Loaders
from resolvers.core.pagination import Page

NodeT = TypeVar("NodeT")
TypeT = TypeVar("TypeT", bound=type)
RowT = TypeVar("RowT")

# Model (or other row) class -> the `from_row` of the GraphQL type that shows its rows.
_PRESENTERS: dict[type, Callable[[Any], Any]] = {}


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


def to_connection(
    page: Page[Any], convert: Callable[[Any], Any], count: Callable[[], Awaitable[int]]
) -> Connection[Any]:
    edges, info = build_edges(page, convert)
    return Connection(edges=edges, page_info=info, count=count)


def presents(model: type) -> Callable[[TypeT], TypeT]:
    """Register a GraphQL type (with a `from_row` classmethod) as the one that shows `model`'s rows
    (a model, or a plain class such as a computed report)."""

    def register(cls: TypeT) -> TypeT:
        assert model not in _PRESENTERS, f"{model.__name__} is presented twice"
        _PRESENTERS[model] = cls.from_row  # type: ignore[attr-defined]
        return cls

    return register


def presenter(model: type) -> Callable[[Any], Any]:
    """What turns a row of `model` into its GraphQL object (its type module must be imported)."""
    try:
        return _PRESENTERS[model]
    except KeyError:
        raise LookupError(f"No GraphQL type presents {model.__name__}: import its schema module") from None


def present(row: object) -> Any:
    """The GraphQL object that shows `row`."""
    return presenter(type(row))(row)


async def child_connection(parent_id: int, spec: ChildList, loaders: Loaders) -> Connection[Any]:
    """A nested list as a connection of the GraphQL type that presents `spec.model`."""
    listing = await child_listing(parent_id, spec, loaders)
    return to_connection(listing.page, presenter(spec.model), listing.count)


def required(row: RowT | None) -> RowT:
    """The row a required relation points to; its absence is a bug, reported as an internal error."""
    if row is None:
        raise LookupError("A required related row is missing.")
    return row
