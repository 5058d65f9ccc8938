"""The typed per-request context every resolver receives.

Plain data: who asks (`principal`), the HTTP request and the response Strawberry will send, and
the request's caches, its loaders (resolvers/core/loaders.py) and its policy
(auth/policy_cache.py). A WebSocket connection's context serves every event of the connection;
`renew()` gives each event fresh caches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from auth.policy import Policy
from auth.policy_cache import OnePolicy, PolicySource
from auth.principal import Principal
from config import Settings
from resolvers.core.loaders import Loaders, SharedById


@dataclass
class Context:
    settings: Settings
    principal: Principal | None
    request: Any = None
    response: Any = None
    idempotency_key: str | None = None
    # The `connection_init` payload of a WebSocket connection (Strawberry sets it).
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)
    # Where `policy()` comes from; live subscriptions use a process-wide cache (resolvers/live/stream.py).
    policy_source: PolicySource = Policy.load
    _policy: OnePolicy = field(default_factory=OnePolicy, repr=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.policy)

    async def policy(self) -> Policy:
        """The request's policy, loaded once on first use."""
        return await self._policy.get(self.principal, self.policy_source)

    def renew(self, shared: SharedById | None = None) -> None:
        """Forget cached rows and the policy: a WebSocket connection's context serves many events.

        `shared` gives by-id loaders of principal-independent models that several contexts share
        for one event (see resolvers/core/loaders.py).
        """
        self.loaders = Loaders(self.policy, shared)
        self._policy.forget()

    @property
    def client_id(self) -> str | None:
        return self.principal.client_id if self.principal else None


Info = StrawberryInfo[Context, None]
