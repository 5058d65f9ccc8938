"""Webhook delivery: Standard Webhooks signing, outbox fan-out, the dispatcher, SSRF checks."""

from events.webhooks.dispatcher import WebhookDispatcher
from events.webhooks.signing import generate_secret

__all__ = ["WebhookDispatcher", "generate_secret"]
