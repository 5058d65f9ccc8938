"""What every mutation returns besides its objects: user errors with stable codes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import TypeVar

import strawberry

from auth.policy import Policy
from resolvers.core.errors import UserError as UserErrorData
from resolvers.core.unit_of_work import Actor, UnitOfWork, mutate
from resolvers.core.validation import Checks
from web.context import Info

R = TypeVar("R")
P = TypeVar("P")


@strawberry.enum(description="Why a mutation's input was refused; stable, for clients to branch on.")
class UserErrorCode(Enum):
    INVALID = strawberry.enum_value("invalid", description="The value is not acceptable here.")
    REQUIRED = strawberry.enum_value("required", description="A value is required.")
    TOO_LONG = strawberry.enum_value("too_long", description="The value is longer than allowed.")
    TOO_SHORT = strawberry.enum_value("too_short", description="The value is shorter than allowed.")
    INVALID_FORMAT = strawberry.enum_value(
        "invalid_format", description="Not in the expected format (e-mail, time zone, slug, ...)."
    )
    NOT_FOUND = strawberry.enum_value(
        "not_found", description="The object does not exist or you may not see it."
    )
    DUPLICATE = strawberry.enum_value("duplicate", description="Another object already uses this value.")
    CONFLICT = strawberry.enum_value(
        "conflict",
        description="The object changed since you read it (`expectedVersion` is stale); read it again.",
    )
    INVALID_TRANSITION = strawberry.enum_value(
        "invalid_transition", description="The object's current state does not allow this change."
    )
    IN_THE_PAST = strawberry.enum_value("in_the_past", description="The date or time lies in the past.")
    CYCLE = strawberry.enum_value("cycle", description="The change would make a manager or team cycle.")
    NOT_ALLOWED = strawberry.enum_value(
        "not_allowed", description="You may not make this change to this object."
    )
    ALREADY_EXISTS = strawberry.enum_value(
        "already_exists", description="This already exists (an open mentorship, an enrollment, a membership)."
    )
    FULL = strawberry.enum_value("full", description="No capacity is left.")
    CLOSED = strawberry.enum_value(
        "closed", description="No longer accepts this (a cancelled or past session, an ended mentorship)."
    )
    NOT_STARTED = strawberry.enum_value(
        "not_started", description="Too early: this needs a session that has started."
    )
    PRIVATE_ADDRESS = strawberry.enum_value(
        "private_address", description="The URL points to a private, loopback or link-local address."
    )
    INVALID_ID = strawberry.enum_value(
        "invalid_id", description="Not an ID this API gave out, or the ID of another type of object."
    )
    INVALID_CHARACTERS = strawberry.enum_value(
        "invalid_characters",
        description="The text holds characters it may not: control characters, NUL, bidi overrides, "
        "unpaired surrogates, or line breaks in a single-line field.",
    )


@strawberry.type(description="A rule the input broke. Nothing was changed when a payload has errors.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, such as ["input", "dueDate"]; null for the whole input.'
    )
    code: UserErrorCode = strawberry.field(description="A stable code for the kind of error.")  # type: ignore[valid-type]
    message: str = strawberry.field(description="A sentence for people, in English.")


def to_user_errors(errors: list[UserErrorData]) -> list[UserError]:
    return [
        UserError(
            field=list(e.field) if e.field else None, code=UserErrorCode(e.code.value), message=e.message
        )
        for e in errors
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
