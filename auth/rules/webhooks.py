"""Audit and webhook rules: who reads the audit log, and which endpoints a principal manages."""

from __future__ import annotations

from tortoise.expressions import Q

from auth.rules.base import PolicyBase
from models.webhooks import Webhook


class AuditAndWebhookRules(PolicyBase):
    def can_read_audit(self) -> bool:
        return self.sees_everything

    def can_manage_webhooks(self) -> bool:
        return self.sees_everything

    def webhook_owner_scope(self) -> str | None:
        """Service tokens manage the endpoints their client registered; HR manages all (None)."""
        if self.is_service and self.principal is not None:
            return self.principal.client_id
        return None

    def visible_webhooks(self) -> Q:
        """The endpoints this principal manages: its client's, or all for HR; none for others."""
        if not self.can_manage_webhooks():
            return Q(id__in=[])
        owner = self.webhook_owner_scope()
        return Q() if owner is None else Q(owner_client_id=owner)

    def can_see_webhook(self, webhook: Webhook) -> bool:
        """The one-row form of `visible_webhooks` (node lookups, deliveries)."""
        if not self.can_manage_webhooks():
            return False
        owner = self.webhook_owner_scope()
        return owner is None or webhook.owner_client_id == owner

    def webhook_owner_for_new(self, client_id: str | None) -> str | None:
        """Who owns an endpoint this principal registers through `client_id`: a service token's
        own client; for HR the client the request came through (None without one)."""
        owner = self.webhook_owner_scope()
        return client_id if owner is None else owner
