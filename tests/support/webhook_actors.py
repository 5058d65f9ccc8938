"""Run webhook workflows the way the mutations do: in one unit of work, as one owner.

`manage("client-1", api.create_webhook, settings, url=...)` runs the workflow as a service token
of client `client-1` (it owns and sees that client's endpoints); `None` runs it as HR, who sees
every endpoint. Input errors are raised as `UserErrors`, as a workflow raises them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from auth.policy import Policy
from auth.principal import Principal
from auth.scopes import Scope
from resolvers.core.errors import UserErrors
from resolvers.core.unit_of_work import Actor, mutate

T = TypeVar("T")


def actor_for(client_id: str | None = None, principal: Principal | None = None) -> Actor:
    """A service token of `client_id` (or `principal` as given); HR-like without either."""
    if principal is None and client_id is not None:
        principal = Principal(scopes=frozenset({Scope.WEBHOOKS_MANAGE.value}), client_id=client_id)
    policy = Policy(principal, _everyone=True)  # a service token or an operator: all rows, own webhooks
    return Actor(policy=policy, client_id=principal.client_id if principal else None)


async def manage(
    client_id: str | None,
    workflow: Callable[..., Awaitable[T]],
    *args: Any,
    principal: Principal | None = None,
    **kwargs: Any,
) -> T:
    """`workflow(uow, *args, **kwargs)` in one unit of work, as `client_id`'s service token."""
    outcome = await mutate(actor_for(client_id, principal), lambda uow: workflow(uow, *args, **kwargs))
    if outcome.errors:
        raise UserErrors(*outcome.errors)
    assert outcome.value is not None
    return outcome.value
