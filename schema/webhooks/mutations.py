"""Webhook mutations and the `webhooks` root list (scope `webhooks:manage`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry

from auth.policy import Policy
from auth.scopes import Scope
from resolvers.core.errors import UserErrors
from resolvers.core.listing import root_listing
from resolvers.core.problems import Forbidden
from resolvers.core.validation import Checks
from resolvers.webhooks import workflows as r
from schema.core.event_types import EventType
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.payloads import UserError, to_user_errors
from schema.core.permissions import scoped_field, scoped_mutation
from schema.core.relay import Connection, to_connection
from schema.webhooks.filters import WebhookFilter, WebhookOrder, webhook_q, webhook_sort
from schema.webhooks.shaping import check_document
from schema.webhooks.types import Webhook, WebhookDelivery
from web.context import Info

T = TypeVar("T")


async def _owner(info: Info) -> str | None:
    policy: Policy = await info.context.policy()
    if not policy.can_manage_webhooks():
        raise Forbidden(
            "Only HR and service tokens manage webhooks.", requiredScope=Scope.WEBHOOKS_MANAGE.value
        )
    return policy.webhook_owner_scope()


async def _attempt(work: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    try:
        return await work(), []
    except UserErrors as exc:
        return None, to_user_errors(exc.errors)


def _wake(info: Info) -> None:
    request = info.context.request
    dispatcher = getattr(getattr(getattr(request, "app", None), "state", None), "webhook_dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake()


@strawberry.input(description="A new webhook endpoint.")
class CreateWebhookInput:
    url: str = strawberry.field(description="An http(s) URL on a public address.")
    event_types: list[EventType] = strawberry.field(
        description="The event types to receive, such as `TASK_CREATED`."
    )
    description: str = strawberry.field(
        default="", description="What the endpoint is for (up to 500 characters)."
    )
    query: str | None = strawberry.field(
        default=None,
        description="Optional payload shaping: a subscription document such as "
        "`subscription { taskEvents { type task { title assignee { email } } } }`; "
        "each delivery's `data` is then its result for the event.",
    )


@strawberry.type(description="The result of `createWebhook`.")
class CreateWebhookPayload:
    webhook: Webhook | None = strawberry.field(description="The new endpoint; null when there are errors.")
    secret: str | None = strawberry.field(description="The signing secret (`whsec_…`); shown only this once.")
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="Change a webhook; omitted fields stay as they are.")
class UpdateWebhookInput:
    id: strawberry.ID = strawberry.field(description="The webhook.")
    url: str | None = strawberry.field(default=None, description="A new URL.")
    event_types: list[EventType] | None = strawberry.field(default=None, description="The new event types.")
    description: str | None = strawberry.field(default=None, description="A new description.")
    enabled: bool | None = strawberry.field(default=None, description="Enable (resets failures) or disable.")
    query: str | None = strawberry.field(
        default=None, description="A new payload-shaping subscription document; an empty string removes it."
    )


@strawberry.type(description="The result of `updateWebhook`.")
class UpdateWebhookPayload:
    webhook: Webhook | None = strawberry.field(description="The endpoint as it is now.")
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="Replace a webhook's secret; the old one keeps signing during the overlap.")
class RotateWebhookSecretInput:
    id: strawberry.ID = strawberry.field(description="The webhook.")
    overlap_seconds: int = strawberry.field(
        default=86400, description="How long both secrets sign every message (0 to 7 days)."
    )


@strawberry.type(description="The result of `rotateWebhookSecret`.")
class RotateWebhookSecretPayload:
    webhook: Webhook | None = strawberry.field(description="The endpoint.")
    secret: str | None = strawberry.field(description="The new secret; shown only this once.")
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="Names one webhook.")
class WebhookIdInput:
    id: strawberry.ID = strawberry.field(description="The webhook.")


@strawberry.type(description="The result of `deleteWebhook`.")
class DeleteWebhookPayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The ID of the deleted webhook.")
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="Send one event to one endpoint again.")
class RedeliverWebhookEventInput:
    webhook_id: strawberry.ID = strawberry.field(description="The webhook.")
    event_id: strawberry.ID = strawberry.field(
        description="The event, as listed in the webhook's deliveries."
    )


@strawberry.type(description="The result of `testWebhook` and `redeliverWebhookEvent`: the queued delivery.")
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None = strawberry.field(description="The delivery, sent at once.")
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


def _webhook_pk(checks: Checks, value: strawberry.ID, field: str = "id") -> int:
    return checks.global_id(str(value), "Webhook", field) or 0


async def create_webhook(
    info: Info,
    input: Annotated[CreateWebhookInput, strawberry.argument(description="The endpoint to register.")],
) -> CreateWebhookPayload:
    owner = await _owner(info)
    settings = info.context.settings
    client = info.context.client_id if owner is None else owner
    if input.query and (problems := check_document(info.schema._schema, input.query)):
        return CreateWebhookPayload(webhook=None, secret=None, errors=to_user_errors(problems))
    result, errors = await _attempt(
        lambda: r.create_webhook(
            settings,
            client,
            url=input.url,
            event_types=[t.value for t in input.event_types],
            description=input.description,
            query=input.query,
            changed_by=info.context.principal,
        )
    )
    if result is None:
        return CreateWebhookPayload(webhook=None, secret=None, errors=errors)
    return CreateWebhookPayload(webhook=Webhook.from_row(result.webhook), secret=result.secret, errors=[])


async def update_webhook(
    info: Info, input: Annotated[UpdateWebhookInput, strawberry.argument(description="The changes.")]
) -> UpdateWebhookPayload:
    owner, checks = await _owner(info), Checks()
    pk = _webhook_pk(checks, input.id)
    if input.query:
        checks.errors += check_document(info.schema._schema, input.query)
    if checks.errors:
        return UpdateWebhookPayload(webhook=None, errors=to_user_errors(checks.errors))
    settings = info.context.settings
    row, errors = await _attempt(
        lambda: r.update_webhook(
            settings,
            owner,
            pk,
            enabled=input.enabled,
            event_types=None if input.event_types is None else [t.value for t in input.event_types],
            description=input.description,
            url=input.url,
            query=input.query,
            changed_by=info.context.principal,
        )
    )
    _wake(info)
    return UpdateWebhookPayload(webhook=Webhook.from_row(row) if row else None, errors=errors)


async def rotate_webhook_secret(
    info: Info, input: Annotated[RotateWebhookSecretInput, strawberry.argument(description="The rotation.")]
) -> RotateWebhookSecretPayload:
    owner, checks = await _owner(info), Checks()
    pk = _webhook_pk(checks, input.id)
    if checks.errors:
        return RotateWebhookSecretPayload(webhook=None, secret=None, errors=to_user_errors(checks.errors))
    settings = info.context.settings
    result, errors = await _attempt(
        lambda: r.rotate_webhook_secret(settings, owner, pk, input.overlap_seconds)
    )
    if result is None:
        return RotateWebhookSecretPayload(webhook=None, secret=None, errors=errors)
    return RotateWebhookSecretPayload(
        webhook=Webhook.from_row(result.webhook), secret=result.secret, errors=[]
    )


async def delete_webhook(
    info: Info, input: Annotated[WebhookIdInput, strawberry.argument(description="The webhook to delete.")]
) -> DeleteWebhookPayload:
    owner, checks = await _owner(info), Checks()
    pk = _webhook_pk(checks, input.id)
    if checks.errors:
        return DeleteWebhookPayload(deleted_id=None, errors=to_user_errors(checks.errors))
    deleted, errors = await _attempt(lambda: r.delete_webhook(info.context.settings, owner, pk))
    return DeleteWebhookPayload(deleted_id=input.id if deleted else None, errors=errors)


async def test_webhook(
    info: Info, input: Annotated[WebhookIdInput, strawberry.argument(description="The webhook to ping.")]
) -> WebhookDeliveryPayload:
    owner, checks = await _owner(info), Checks()
    pk = _webhook_pk(checks, input.id)
    if checks.errors:
        return WebhookDeliveryPayload(delivery=None, errors=to_user_errors(checks.errors))
    row, errors = await _attempt(lambda: r.test_webhook(info.context.settings, owner, pk))
    _wake(info)
    return WebhookDeliveryPayload(delivery=WebhookDelivery.from_row(row) if row else None, errors=errors)


async def redeliver_webhook_event(
    info: Info,
    input: Annotated[RedeliverWebhookEventInput, strawberry.argument(description="What to resend.")],
) -> WebhookDeliveryPayload:
    owner, checks = await _owner(info), Checks()
    pk = _webhook_pk(checks, input.webhook_id, "webhookId")
    event_id = checks.event_id(input.event_id, "eventId")
    if checks.errors:
        return WebhookDeliveryPayload(delivery=None, errors=to_user_errors(checks.errors))
    row, errors = await _attempt(
        lambda: r.redeliver_webhook_event(info.context.settings, owner, pk, event_id or 0)
    )
    _wake(info)
    return WebhookDeliveryPayload(delivery=WebhookDelivery.from_row(row) if row else None, errors=errors)


@strawberry.type
class WebhookQuery:
    @scoped_field("Webhook endpoints you manage, newest first unless ordered.", Scope.WEBHOOKS_MANAGE)
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
        owner = await _owner(info)
        args = page_args(first, after, last, before)
        qs = r.webhooks_queryset(owner).filter(webhook_q(filter)).order_by()
        listing = await root_listing(qs, webhook_sort(order_by), "webhooks", args, info.context.loaders)
        return to_connection(listing.page, Webhook.from_row, listing.count)


_MANAGE = Scope.WEBHOOKS_MANAGE


@strawberry.type
class WebhookMutations:
    create_webhook: CreateWebhookPayload = scoped_mutation(
        "Register an endpoint for event types; the `whsec_` secret is returned once.", _MANAGE, create_webhook
    )
    update_webhook: UpdateWebhookPayload = scoped_mutation(
        "Change an endpoint's URL, event types or description; enable or disable it.", _MANAGE, update_webhook
    )
    rotate_webhook_secret: RotateWebhookSecretPayload = scoped_mutation(
        "Replace the signing secret; both sign during the overlap.", _MANAGE, rotate_webhook_secret
    )
    delete_webhook: DeleteWebhookPayload = scoped_mutation(
        "Delete an endpoint and its delivery log.", _MANAGE, delete_webhook
    )
    test_webhook: WebhookDeliveryPayload = scoped_mutation(
        "Send a `webhook.ping` message to an endpoint now.", _MANAGE, test_webhook
    )
    redeliver_webhook_event: WebhookDeliveryPayload = scoped_mutation(
        "Send an event to an endpoint again, with the same `webhook-id`.", _MANAGE, redeliver_webhook_event
    )
