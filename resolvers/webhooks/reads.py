"""Reading webhooks: the endpoints a principal manages, their deliveries and attempts.

Plain functions for the GraphQL layer (no Strawberry here). Which endpoints a principal may see
is the policy's rule (`Policy.visible_webhooks`, `Policy.can_see_webhook`): endpoints belong to
the OAuth client that created them; HR and operator tools see every one.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from auth.policy import Policy
from auth.principal import Principal
from auth.scopes import parse_scopes
from models.oauth import OAuthClient
from models.webhooks import Webhook, WebhookDelivery, WebhookDeliveryAttempt
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.listing import Listing, root_listing
from resolvers.core.loaders import ChildList, Loaders, NestedList
from resolvers.core.pagination import PageArgs, SortKey

WEBHOOK_ORDER_FIELDS = {
    "CREATED_AT": "created_at",
    "UPDATED_AT": "updated_at",
    "URL": "url",
    "FAILURE_COUNT": "failure_count",
    "DISABLED_AT": "disabled_at",
}


def webhook_filter(*, enabled: bool | None = None, search: str | None = None) -> Q:
    """The `webhooks(filter:)` conditions; all given ones must hold."""
    q = Q()
    if enabled is not None:
        q &= Q(enabled=enabled)
    if search:
        q &= Q(url__icontains=search) | Q(description__icontains=search)
    return q


def webhooks_queryset(policy: Policy) -> QuerySet[Webhook]:
    """The endpoints the principal may see, newest first."""
    return Webhook.filter(policy.visible_webhooks()).order_by("-created_at", "-id")


async def webhook_listing(
    policy: Policy, filters: dict[str, Any], sort: SortKey, args: PageArgs, loaders: Loaders
) -> Listing:
    """`Query.webhooks`: a page of the endpoints the principal may see that meet
    `webhook_filter(**filters)`."""
    qs = webhooks_queryset(policy).filter(webhook_filter(**filters)).order_by()
    return await root_listing(qs, sort, "webhooks", args, loaders)


async def get_webhook(
    policy: Policy, id: int, field: str = "id", *, conn: BaseDBAsyncClient | None = None, lock: bool = False
) -> Webhook:
    """The endpoint `id` if the principal may see it; NOT_FOUND otherwise (never "forbidden",
    so ids do not leak). `lock` takes a row lock in the caller's transaction `conn`."""
    qs = webhooks_queryset(policy).filter(id=id)
    if conn is not None:
        qs = qs.using_db(conn)
    webhook = await (qs.select_for_update() if lock else qs).first()
    if webhook is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such webhook.", "input", field)
    return webhook


def deliveries_queryset(webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """A webhook's deliveries, newest first (fetch the webhook with `get_webhook` or from
    `webhooks_queryset` first, which apply the ownership rule)."""
    return WebhookDelivery.filter(webhook_id=webhook.id).order_by("-created_at", "-id")


def attempts_queryset(delivery: WebhookDelivery) -> QuerySet[WebhookDeliveryAttempt]:
    """A delivery's attempts, newest first (status code, duration, error, snippet, next try)."""
    return WebhookDeliveryAttempt.filter(delivery_id=delivery.id).order_by("-number", "-id")


DELIVERIES_OF_WEBHOOK = NestedList(
    name="Webhook.deliveries",
    model=WebhookDelivery,
    partition="webhook_id",
    sort=SortKey("created_at", True),  # latest first
)
ATTEMPTS_OF_DELIVERY = NestedList(
    name="WebhookDelivery.attempts",
    model=WebhookDeliveryAttempt,
    partition="delivery_id",
    sort=SortKey("number", True),  # latest first
)


def deliveries_of(args: PageArgs) -> ChildList:
    """`Webhook.deliveries`, batched across sibling webhooks."""
    return DELIVERIES_OF_WEBHOOK.spec(args)


def attempts_of(args: PageArgs) -> ChildList:
    """`WebhookDelivery.attempts`, batched across sibling deliveries."""
    return ATTEMPTS_OF_DELIVERY.spec(args)


async def shaping_principal(webhook: Webhook) -> Principal:
    """Who a payload-shaping document reads as: the token that created or last changed the
    webhook, cut down to its client's current registration (nothing once it is revoked)."""
    client_id = webhook.changed_by_client_id
    client = (
        await OAuthClient.get_or_none(client_id=client_id, revoked_at__isnull=True) if client_id else None
    )
    registered = parse_scopes(client.scopes) if client else frozenset()
    return Principal(
        scopes=parse_scopes(webhook.changed_by_scopes) & registered,
        client_id=client_id,
        employee_id=webhook.changed_by_employee_id,
    )
