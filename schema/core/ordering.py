"""Turning an `orderBy:` input into the sort a list is paged by."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from resolvers.core.pagination import SortKey
from schema.core.enums import OrderDirection


def sort_of(order: Any, fields: Mapping[str, str], default: SortKey) -> SortKey:
    """The sort an order input (`field` and `direction`) asks for, or the list's default.

    `fields` maps the names of the input's order-field enum members to model columns."""
    if order is None:
        return default
    return SortKey(fields[order.field.name], order.direction == OrderDirection.DESC)


# Every list field's `filter:` and `orderBy:` arguments read the same in GraphiQL.
FILTER_ARGUMENT = strawberry.argument(description="Only items meeting all these conditions.")
ORDER_ARGUMENT = strawberry.argument(description="The order of the items; ties break on ID.")
