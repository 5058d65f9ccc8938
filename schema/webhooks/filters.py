"""How the `webhooks` root list is narrowed and ordered."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from resolvers.core.pagination import SortKey
from resolvers.webhooks import reads as r
from schema.core.enums import OrderDirection
from schema.core.ordering import sort_of


@strawberry.enum(description="Fields webhook endpoints can be ordered by.")
class WebhookOrderField(Enum):
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the endpoint was registered.")
    UPDATED_AT = strawberry.enum_value("UPDATED_AT", description="When the endpoint last changed.")
    URL = strawberry.enum_value("URL", description="The endpoint's URL.")
    FAILURE_COUNT = strawberry.enum_value(
        "FAILURE_COUNT",
        description="Consecutive failed deliveries (the most troubled first when descending).",
    )
    DISABLED_AT = strawberry.enum_value(
        "DISABLED_AT",
        description="When the endpoint was disabled; enabled ones come last (first when descending).",
    )


@strawberry.input(description="How to order webhook endpoints; ties break on ID.")
class WebhookOrder:
    field: WebhookOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.DESC, description="The direction.")


@strawberry.input(description="Narrow a list of webhook endpoints; all given conditions must hold.")
class WebhookFilter:
    enabled: bool | None = strawberry.field(
        default=None, description="Only enabled (true) or disabled (false) endpoints."
    )
    search: str | None = strawberry.field(default=None, description="Part of the URL or description.")


def webhook_sort(order: WebhookOrder | None) -> SortKey:
    return sort_of(order, r.WEBHOOK_ORDER_FIELDS, SortKey("created_at", descending=True))


def webhook_filter_kwargs(f: WebhookFilter | None) -> dict[str, Any]:
    """The filter as `resolvers.webhooks.reads.webhook_filter`'s keyword arguments."""
    if f is None:
        return {}
    return dict(enabled=f.enabled, search=f.search)
