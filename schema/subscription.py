"""The root Subscription: it only merges the domains' live fields (schema/live/subscriptions.py)."""

from __future__ import annotations

import strawberry

from schema.live.subscriptions import LiveSubscriptions


@strawberry.type(
    description="Live updates over WebSocket (`graphql-transport-ws`); send the access token in `connection_init`."
)
class Subscription(LiveSubscriptions):
    pass
