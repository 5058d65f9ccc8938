"""Charging an operation's cost to its caller's bucket (auth/rate_limit.py): the one function
both the full path (`QueryCost`) and the fast path for compiled reads (web/fast_reads.py) call.

Whose bucket: an OAuth client's, per employee it acts for (a service token has one of its
own); anonymous requests draw from a bucket per address. An HTTP request is charged once, even
when the fast path charges it and then leaves it to the full path: the status is kept in the
request's state. Over a WebSocket each operation is charged, and a subscription once, when it
starts (its events are not charged).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

from auth.principal import Principal
from auth.rate_limit import BucketStatus, RateLimiter
from resolvers.core.problems import ProblemCode

LIMITER_STATE = "rate_limiter"
_CHARGED_STATE = "rate_limit_charge"


@dataclass(frozen=True)
class Charge:
    status: BucketStatus
    # Why the operation may not run (THROTTLED, or a cost no bucket can hold); None: it may.
    error: GraphQLError | None = None

    @property
    def retry_after_header(self) -> dict[str, str]:
        """The HTTP answer's `Retry-After` (whole seconds) when throttled; empty otherwise."""
        if self.status.allowed:
            return {}
        return {"Retry-After": str(max(1, math.ceil(self.status.retry_after)))}


def bucket_key(principal: Principal | None, connection: Any) -> str:
    if principal is not None and principal.client_id:
        return f"client:{principal.client_id}|employee:{principal.employee_id or '-'}"
    client = getattr(connection, "client", None)
    return f"address:{client.host}" if client is not None else "address:unknown"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def throttle_status(status: BucketStatus) -> dict[str, Any]:
    """`extensions.cost.throttleStatus`, as Shopify names it."""
    return {
        "maximumAvailable": status.maximum_available,
        "currentlyAvailable": math.floor(status.currently_available),
        "restoreRate": _number(status.restore_rate),
    }


def cost_extension(estimated: int, maximum: int, charge: Charge | None) -> dict[str, Any]:
    """Every response's `extensions.cost`."""
    cost: dict[str, Any] = {"estimated": estimated, "maximum": maximum}
    if charge is not None:
        cost["throttleStatus"] = throttle_status(charge.status)
    return cost


def _refusal(status: BucketStatus, cost: int) -> GraphQLError:
    wait = math.ceil(status.retry_after * 100) / 100
    return GraphQLError(
        f"Throttled: this operation costs {cost:,} and {math.floor(status.currently_available):,} of "
        f"{status.maximum_available:,} are available (refilling at {_number(status.restore_rate)} a "
        f"second). Retry in {wait} s, or ask for less.",
        extensions={"code": ProblemCode.THROTTLED, "retryAfter": wait, "cost": cost},
    )


def _beyond_bucket(status: BucketStatus, cost: int) -> GraphQLError:
    return GraphQLError(
        f"This operation costs about {cost:,}, more than a caller's whole budget of "
        f"{status.maximum_available:,}: it can never run. Ask for smaller pages (`first`) or fewer "
        "nested lists.",
        extensions={"code": ProblemCode.QUERY_TOO_COSTLY, "cost": cost, "maximum": status.maximum_available},
    )


async def charge(connection: Any, principal: Principal | None, cost: int) -> Charge | None:
    """Take `cost` from the caller's bucket before the operation runs; None when the app has no
    rate limiter (a schema executed outside the endpoint)."""
    scope = getattr(connection, "scope", None)
    state = scope.get("state") if isinstance(scope, dict) else None
    limiter = state.get(LIMITER_STATE) if isinstance(state, dict) else None
    if not isinstance(limiter, RateLimiter) or state is None or scope is None:
        return None
    per_request = scope.get("type") == "http"
    charged = state.get(_CHARGED_STATE) if per_request else None
    if isinstance(charged, Charge):
        return charged
    key = bucket_key(principal, connection)
    if cost > limiter.limits.maximum_available:
        status = await limiter.charge(key, 0)  # nothing taken: only the level to report
        result = Charge(status, _beyond_bucket(status, cost))
    else:
        status = await limiter.charge(key, cost)
        result = Charge(status, None if status.allowed else _refusal(status, cost))
    if per_request:
        state[_CHARGED_STATE] = result
    return result
