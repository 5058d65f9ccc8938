"""What every mutation returns besides its objects: user errors with stable codes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry

from auth.policy import Policy
from resolvers.core.errors import UserError as UserErrorData
from resolvers.core.unit_of_work import Actor, UnitOfWork, mutate
from resolvers.core.validation import Checks
from schema.core.enums import UserErrorCode
from web.context import Info

R = TypeVar("R")
P = TypeVar("P")


@strawberry.type(description="A rule the input broke. Nothing was changed when a payload has errors.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, such as ["input", "dueDate"]; null for the whole input.'
    )
    code: UserErrorCode = strawberry.field(description="A stable code for the kind of error.")
    message: str = strawberry.field(description="A sentence for people, in English.")


def to_user_errors(errors: list[UserErrorData]) -> list[UserError]:
    return [
        UserError(field=list(e.field) if e.field else None, code=e.code, message=e.message) for e in errors
    ]


async def actor_of(info: Info) -> Actor:
    policy: Policy = await info.context.policy()
    return Actor(policy=policy, client_id=info.context.client_id)


async def run_mutation(
    info: Info,
    checks: Checks,
    work: Callable[[UnitOfWork], Awaitable[R]],
    build: Callable[[R | None, list[UserError]], P],
) -> P:
    """Input errors found while decoding are refused as they are; otherwise `work` runs in one transaction.

    `build` makes the payload from the value of `work` (None when there are errors) and the user errors.
    """
    if checks.errors:
        return build(None, to_user_errors(checks.errors))
    outcome = await mutate(await actor_of(info), work)
    return build(outcome.value, to_user_errors(outcome.errors))
