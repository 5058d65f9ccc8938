"""Shared shapes of list resolvers: a page plus a lazy total count."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tortoise.queryset import QuerySet

from resolvers.core.loaders import ChildList, Loaders
from resolvers.core.pagination import Page, PageArgs, SortKey, paginate


@dataclass
class Listing:
    page: Page[Any]
    count: Callable[[], Awaitable[int]]


async def root_listing(
    qs: QuerySet[Any], sort: SortKey, name: str, args: PageArgs, loaders: Loaders
) -> Listing:
    """A root list: one statement for the page, one more only if `totalCount` is asked."""
    page = await paginate(qs, sort, name, args)

    async def count() -> int:
        return await qs.count()

    return Listing(page, count)


async def child_listing(parent_id: int, spec: ChildList, loaders: Loaders) -> Listing:
    """A nested list: batched with its siblings into one statement per level."""
    page = await loaders.page.load((parent_id, spec))

    async def count() -> int:
        return await loaders.count.load((parent_id, spec.for_count()))

    return Listing(page, count)
