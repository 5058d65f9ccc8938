"""Scope requirements, declared where a field, mutation or type is declared.

`scoped(...)` declares a field, a mutation (`on="mutation"`) or a subscription
(`on="subscription"`): it attaches a permission class for the scope and appends the requirement
to the description, so an analyst in GraphiQL sees what each needs. `read_scope(...)` marks a type with the scope that reads its objects; every field
that reaches such objects requires it (schema/core/read_scopes.py). Object-level rules are the
policy's (auth/policy.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, Literal, TypeVar

import strawberry
from strawberry.permission import BasePermission

from auth.scopes import Scope
from resolvers.core.problems import Forbidden, Unauthenticated
from schema.extensions.text_guard import MutationInputText

# The class attribute `read_scope` sets; read from the class itself, never inherited.
READ_SCOPE_ATTRIBUTE = "__read_scope__"

T = TypeVar("T")


def check_scope(principal: Any, scope: Scope) -> None:
    """Refuse a request without a token (UNAUTHENTICATED) or without `scope` (FORBIDDEN)."""
    if principal is None:
        raise Unauthenticated("Sign in: send an OAuth 2 bearer token in the Authorization header.")
    if not principal.has_scope(scope):
        raise Forbidden(
            f"Your token lacks the `{scope.value}` scope this field needs.", requiredScope=scope.value
        )


def read_scope(scope: Scope) -> Callable[[T], T]:
    """Mark a GraphQL type: reading its objects needs `scope`, wherever a field reaches them."""

    def mark(cls: T) -> T:
        setattr(cls, READ_SCOPE_ATTRIBUTE, scope)
        return cls

    return mark


def read_scope_of(cls: type) -> Scope | None:
    """The scope `read_scope` declared on this very class (not inherited)."""
    return vars(cls).get(READ_SCOPE_ATTRIBUTE)


@cache
def requires(scope: Scope) -> type[BasePermission]:
    """A permission class that lets the request through only with `scope`."""

    class RequiresScope(BasePermission):
        message = f"This needs the `{scope.value}` scope."

        def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
            check_scope(info.context.principal, scope)
            return True

    RequiresScope.__name__ = f"Requires_{scope.name}"
    return RequiresScope


def describe(description: str, scope: Scope | None) -> str:
    return f"{description}\n\nRequires scope `{scope.value}`." if scope else description


def scoped(
    description: str,
    scope: Scope | None = None,
    resolver: Callable[..., Any] | None = None,
    *,
    on: Literal["field", "mutation", "subscription"] = "field",
    **kwargs: Any,
) -> Any:
    """A field, mutation or subscription that needs `scope` (a field may need none).

    Without `resolver` the result decorates a method (`@scoped("...", Scope.TASKS_READ)`). Every
    mutation's input text is checked here, in this one place (MutationInputText)."""
    if on != "field" and scope is None:
        raise ValueError(f"a {on} needs a scope")
    if on == "mutation":
        kwargs["extensions"] = [*kwargs.get("extensions", ()), MutationInputText()]
    options: dict[str, Any] = {
        "description": describe(description, scope),
        "permission_classes": [requires(scope)] if scope else [],
        "is_subscription": on == "subscription",
        **kwargs,
    }
    return strawberry.field(**options) if resolver is None else strawberry.field(resolver, **options)
