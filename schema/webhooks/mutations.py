"""Webhook mutations (scope `webhooks:manage`): inputs, payloads and their wiring to the webhook
workflows, through the same pipeline (`run_mutation`, one unit of work) as every mutation."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.scopes import Scope
from models.webhooks import WebhookDelivery as WebhookDeliveryRow
from resolvers.core.validation import Checks
from resolvers.webhooks import workflows as workflow
from resolvers.webhooks.workflows import require_webhook_manager
from schema.core.event_types import EventType
from schema.core.payloads import UserError, run_mutation
from schema.core.permissions import scoped
from schema.webhooks.shaping import check_document
from schema.webhooks.types import Webhook, WebhookDelivery
from web.context import Info


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


async def _checks(info: Info, query: str | None = None) -> Checks:
    """Refuse anyone but HR and service tokens first, then check a payload-shaping document."""
    require_webhook_manager(await info.context.policy())
    checks = Checks()
    if query:
        checks.errors += check_document(info.schema._schema, query)
    return checks


def _event_types(types: list[EventType] | None) -> list[str] | None:
    return None if types is None else [t.value for t in types]


async def create_webhook(
    info: Info,
    input: Annotated[CreateWebhookInput, strawberry.argument(description="The endpoint to register.")],
) -> CreateWebhookPayload:
    settings = info.context.settings
    return await run_mutation(
        info,
        await _checks(info, input.query),
        lambda uow: workflow.create_webhook(
            uow,
            settings,
            url=input.url,
            event_types=_event_types(input.event_types) or [],
            description=input.description,
            query=input.query,
        ),
        lambda made, errors: CreateWebhookPayload(
            webhook=Webhook.from_row(made.webhook) if made else None,
            secret=made.secret if made else None,
            errors=errors,
        ),
    )


async def update_webhook(
    info: Info, input: Annotated[UpdateWebhookInput, strawberry.argument(description="The changes.")]
) -> UpdateWebhookPayload:
    checks = await _checks(info)
    pk = _webhook_pk(checks, input.id)
    if input.query:
        checks.errors += check_document(info.schema._schema, input.query)
    settings = info.context.settings
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.update_webhook(
            uow,
            settings,
            pk,
            enabled=input.enabled,
            event_types=_event_types(input.event_types),
            description=input.description,
            url=input.url,
            query=input.query,
        ),
        lambda row, errors: UpdateWebhookPayload(
            webhook=Webhook.from_row(row) if row else None, errors=errors
        ),
    )


async def rotate_webhook_secret(
    info: Info, input: Annotated[RotateWebhookSecretInput, strawberry.argument(description="The rotation.")]
) -> RotateWebhookSecretPayload:
    checks = await _checks(info)
    pk = _webhook_pk(checks, input.id)
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.rotate_webhook_secret(uow, pk, input.overlap_seconds),
        lambda made, errors: RotateWebhookSecretPayload(
            webhook=Webhook.from_row(made.webhook) if made else None,
            secret=made.secret if made else None,
            errors=errors,
        ),
    )


async def delete_webhook(
    info: Info, input: Annotated[WebhookIdInput, strawberry.argument(description="The webhook to delete.")]
) -> DeleteWebhookPayload:
    checks = await _checks(info)
    pk = _webhook_pk(checks, input.id)
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.delete_webhook(uow, pk),
        lambda deleted, errors: DeleteWebhookPayload(deleted_id=input.id if deleted else None, errors=errors),
    )


def _delivery_payload(row: WebhookDeliveryRow | None, errors: list[UserError]) -> WebhookDeliveryPayload:
    return WebhookDeliveryPayload(delivery=WebhookDelivery.from_row(row) if row else None, errors=errors)


async def test_webhook(
    info: Info, input: Annotated[WebhookIdInput, strawberry.argument(description="The webhook to ping.")]
) -> WebhookDeliveryPayload:
    checks = await _checks(info)
    pk = _webhook_pk(checks, input.id)
    return await run_mutation(info, checks, lambda uow: workflow.test_webhook(uow, pk), _delivery_payload)


async def redeliver_webhook_event(
    info: Info,
    input: Annotated[RedeliverWebhookEventInput, strawberry.argument(description="What to resend.")],
) -> WebhookDeliveryPayload:
    checks = await _checks(info)
    pk = _webhook_pk(checks, input.webhook_id, "webhookId")
    event_id = checks.event_id(input.event_id, "eventId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.redeliver_webhook_event(uow, pk, event_id or 0),
        _delivery_payload,
    )


_MANAGE = Scope.WEBHOOKS_MANAGE


@strawberry.type
class WebhookMutations:
    create_webhook: CreateWebhookPayload = scoped(
        "Register an endpoint for event types; the `whsec_` secret is returned once.",
        _MANAGE,
        create_webhook,
        on="mutation",
    )
    update_webhook: UpdateWebhookPayload = scoped(
        "Change an endpoint's URL, event types or description; enable or disable it.",
        _MANAGE,
        update_webhook,
        on="mutation",
    )
    rotate_webhook_secret: RotateWebhookSecretPayload = scoped(
        "Replace the signing secret; both sign during the overlap.",
        _MANAGE,
        rotate_webhook_secret,
        on="mutation",
    )
    delete_webhook: DeleteWebhookPayload = scoped(
        "Delete an endpoint and its delivery log.",
        _MANAGE,
        delete_webhook,
        on="mutation",
    )
    test_webhook: WebhookDeliveryPayload = scoped(
        "Send a `webhook.ping` message to an endpoint now.",
        _MANAGE,
        test_webhook,
        on="mutation",
    )
    redeliver_webhook_event: WebhookDeliveryPayload = scoped(
        "Send an event to an endpoint again, with the same `webhook-id`.",
        _MANAGE,
        redeliver_webhook_event,
        on="mutation",
    )
