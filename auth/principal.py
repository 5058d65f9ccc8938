"""Who a request acts for: an employee through an app, or another system."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    """The verified content of an access token.

    `employee_id` is None for a service token (client credentials): it then acts within its
    scopes on all data. For a user token it names the employee whose data it may touch.
    """

    scopes: frozenset[str]
    client_id: str | None = None
    employee_id: int | None = None
    token_id: str | None = None
    expires_at: int | None = None
    # The client runs only its registered documents (schema/extensions/trusted.py).
    trusted_documents_only: bool = False

    @property
    def is_service(self) -> bool:
        return self.employee_id is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
