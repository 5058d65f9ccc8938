"""Scope requirements, declared where a field, mutation or type is declared.

`scoped(...)` wraps `strawberry.field`/`strawberry.mutation`: it attaches a permission class for
the scope and appends the requirement to the description, so an analyst in GraphiQL sees what
a field needs. `read_scope(...)` marks a type with the scope that reads its objects; every field
that reaches such objects requires it (schema/core/read_scopes.py). Object-level rules are the
policy's (auth/policy.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import strawberry
from strawberry.permission import BasePermission

from auth.scopes import Scope
from resolvers.core.problems import Forbidden, Unauthenticated
from schema.extensions.text_guard import MutationInputText

# Every scope a field or mutation of the schema requires, by its GraphQL coordinate; the
# authorization matrix test reads this to prove each mutation has a row.
DECLARED_SCOPES: dict[str, Scope] = {}

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


def scoped_field(description: str, scope: Scope | None = None, **kwargs: Any) -> Any:
    permissions = [requires(scope)] if scope else []
    return strawberry.field(
        description=describe(description, scope), permission_classes=permissions, **kwargs
    )


def scoped_mutation(description: str, scope: Scope, resolver: Callable[..., Any]) -> Any:
    DECLARED_SCOPES[resolver.__name__] = scope
    return strawberry.mutation(
        resolver=resolver,
        description=describe(description, scope),
        permission_classes=[requires(scope)],
        extensions=[MutationInputText()],  # every mutation's text is checked in this one place
    )
