"""Webhook endpoints and their delivery log, as an integrator sees them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from auth.scopes import Scope
from ids import to_global_id
from models import webhooks as m
from resolvers.core.listing import child_listing
from resolvers.webhooks.reads import attempts_of, deliveries_of
from schema.core.event_types import EventType, known_event_type
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import read_scope
from schema.core.relay import Connection, Node, to_connection
from web.context import Info


@read_scope(Scope.WEBHOOKS_MANAGE)
@strawberry.type(
    description="One try to deliver a message: what the endpoint answered and when the next try is."
)
class WebhookDeliveryAttempt:
    number: int = strawberry.field(description="1 for the first try, 2 for the first retry, ...")
    attempted_at: datetime = strawberry.field(description="When the request was sent.")
    status_code: int | None = strawberry.field(description="The HTTP status answered; null if none came.")
    duration_ms: int | None = strawberry.field(description="How long the request took, in milliseconds.")
    error: str | None = strawberry.field(description="Why the try failed (timeout, refused address, ...).")
    response_snippet: str | None = strawberry.field(
        description="The start of the response body (up to 1 KB)."
    )
    next_attempt_at: datetime | None = strawberry.field(description="When the next try is due; null if none.")

    @classmethod
    def from_row(cls, row: m.WebhookDeliveryAttempt) -> WebhookDeliveryAttempt:
        return cls(
            number=row.number,
            attempted_at=row.attempted_at,
            status_code=row.status_code,
            duration_ms=row.duration_ms,
            error=row.error,
            response_snippet=row.response_snippet,
            next_attempt_at=row.next_attempt_at,
        )


@read_scope(Scope.WEBHOOKS_MANAGE)
@strawberry.type(description="One message to one endpoint, retried until it succeeds or gives up.")
class WebhookDelivery(Node):
    pk: strawberry.Private[int]
    message_id: str = strawberry.field(
        description="The `webhook-id` header; the same for every try and redelivery of one event to one endpoint."
    )
    event_id: strawberry.ID | None = strawberry.field(description="The event delivered; null for a ping.")
    event_type: EventType | None = strawberry.field(
        description="The type of the event delivered; null for a ping (its body's `type` is `webhook.ping`)."
    )
    kind: str = strawberry.field(description="`event`, `redelivery` or `ping`.")
    status: str = strawberry.field(description="`pending`, `sending`, `succeeded` or `failed`.")
    attempt_count: int = strawberry.field(description="How many tries were made.")
    next_attempt_at: datetime | None = strawberry.field(description="When the next try is due.")
    last_status_code: int | None = strawberry.field(description="The HTTP status of the latest try.")
    last_error: str | None = strawberry.field(description="The error of the latest try.")
    created_at: datetime = strawberry.field(description="When the delivery was queued.")
    completed_at: datetime | None = strawberry.field(description="When it succeeded or gave up.")

    @classmethod
    def from_row(cls, row: m.WebhookDelivery) -> WebhookDelivery:
        return cls(
            pk=row.id,
            id=strawberry.ID(to_global_id("WebhookDelivery", row.id)),
            message_id=row.message_id,
            event_id=strawberry.ID(str(row.event_id)) if row.event_id is not None else None,
            event_type=known_event_type(row.event_type),
            kind=row.kind,
            status=row.status,
            attempt_count=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            created_at=row.created_at,
            completed_at=row.completed_at,
        )

    @strawberry.field(description="Every try, latest first.")
    async def attempts(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[WebhookDeliveryAttempt]:
        listing = await child_listing(
            self.pk, attempts_of(page_args(first, after, last, before)), info.context.loaders
        )
        connection: Connection[WebhookDeliveryAttempt] = to_connection(
            listing.page, WebhookDeliveryAttempt.from_row, listing.count
        )
        return connection


@read_scope(Scope.WEBHOOKS_MANAGE)
@strawberry.type(
    description="An endpoint of another system that receives events, signed per Standard Webhooks."
)
class Webhook(Node):
    pk: strawberry.Private[int]
    url: str = strawberry.field(description="Where events are POSTed.")
    description: str = strawberry.field(description="What the endpoint is for.")
    event_types: list[EventType] = strawberry.field(description="The event types it receives.")
    enabled: bool = strawberry.field(
        description="False once disabled (by its owner, a 410, or repeated failures)."
    )
    failure_count: int = strawberry.field(description="Consecutive failed deliveries.")
    disabled_reason: str | None = strawberry.field(description="Why it was disabled.")
    created_at: datetime = strawberry.field(description="When it was registered.")

    @classmethod
    def from_row(cls, row: m.Webhook) -> Webhook:
        return cls(
            id=strawberry.ID(to_global_id("Webhook", row.id)),
            pk=row.id,
            url=row.url,
            description=row.description,
            event_types=[EventType(t) for t in row.event_types or []],
            enabled=row.enabled,
            failure_count=row.failure_count,
            disabled_reason=row.disabled_reason,
            created_at=row.created_at,
        )

    @strawberry.field(description="Deliveries to this endpoint, latest first.")
    async def deliveries(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[WebhookDelivery]:
        spec = deliveries_of(page_args(first, after, last, before))
        listing = await child_listing(self.pk, spec, info.context.loaders)
        connection: Connection[WebhookDelivery] = to_connection(
            listing.page, WebhookDelivery.from_row, listing.count
        )
        return connection
