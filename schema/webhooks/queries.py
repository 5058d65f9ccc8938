"""The `webhooks` root list (scope `webhooks:manage`): the endpoints the caller manages."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.webhooks.reads import webhook_listing
from resolvers.webhooks.workflows import require_webhook_manager
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import scoped
from schema.core.relay import Connection, to_connection
from schema.webhooks.filters import WebhookFilter, WebhookOrder, webhook_filter_kwargs, webhook_sort
from schema.webhooks.types import Webhook
from web.context import Info


@strawberry.type
class WebhookQuery:
    @scoped("Webhook endpoints you manage, newest first unless ordered.", Scope.WEBHOOKS_MANAGE)
    async def webhooks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[WebhookFilter | None, FILTER_ARGUMENT] = None,
        order_by: Annotated[WebhookOrder | None, ORDER_ARGUMENT] = None,
    ) -> Connection[Webhook] | None:
        policy = await info.context.policy()
        require_webhook_manager(policy)
        args = page_args(first, after, last, before)
        listing = await webhook_listing(
            policy, webhook_filter_kwargs(filter), webhook_sort(order_by), args, info.context.loaders
        )
        connection: Connection[Webhook] = to_connection(listing.page, Webhook.from_row, listing.count)
        return connection
