"""Scope requirements, declared where a field or mutation is declared.

`scoped(...)` wraps `strawberry.field`/`strawberry.mutation`: it attaches a permission class for
the scope and appends the requirement to the description, so an analyst in GraphiQL sees what
a field needs. Object-level rules are the policy's (auth/policy.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import strawberry
from strawberry.permission import BasePermission

from auth.scopes import Scope
from resolvers.problems import Forbidden, Unauthenticated
from schema.text_guard import MutationInputText

# Every scope a field or mutation of the schema requires, by its GraphQL coordinate; the
# authorization matrix test reads this to prove each mutation has a row.
DECLARED_SCOPES: dict[str, Scope] = {}


@cache
def requires(scope: Scope) -> type[BasePermission]:
    """A permission class that lets the request through only with `scope`."""

    class RequiresScope(BasePermission):
        message = f"This needs the `{scope.value}` scope."

        def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
            principal = info.context.principal
            if principal is None:
                raise Unauthenticated("Sign in: send an OAuth 2 bearer token in the Authorization header.")
            if not principal.has_scope(scope):
                raise Forbidden(
                    f"Your token lacks the `{scope.value}` scope this field needs.",
                    requiredScope=scope.value,
                )
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
