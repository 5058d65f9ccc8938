"""The `auditEvents` root list (scope `audit:read`; HR and service tokens)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.audit.reads import audit_listing, require_audit_reader
from schema.audit.filters import AuditEventFilter, AuditEventOrder, audit_filter_kwargs, audit_sort
from schema.audit.types import AuditEvent
from schema.core.ordering import ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import scoped
from schema.core.relay import Connection, to_connection
from web.context import Info


@strawberry.type
class AuditQuery:
    @scoped("The event log, newest first unless ordered (HR and service tokens).", Scope.AUDIT_READ)
    async def audit_events(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            AuditEventFilter | None,
            strawberry.argument(description="Only events meeting all these conditions."),
        ] = None,
        order_by: Annotated[AuditEventOrder | None, ORDER_ARGUMENT] = None,
    ) -> Connection[AuditEvent] | None:
        require_audit_reader(await info.context.policy())
        args = page_args(first, after, last, before)
        listing = await audit_listing(
            audit_filter_kwargs(filter), audit_sort(order_by), args, info.context.loaders
        )
        connection: Connection[AuditEvent] = to_connection(listing.page, AuditEvent.from_row, listing.count)
        return connection
