"""Errors raised to the GraphQL layer with a stable `extensions.code`.

These are for requests that cannot be served as asked (bad arguments, missing permission);
rules broken by a mutation's input are user errors returned as data (resolvers/core/errors.py).
"""

from __future__ import annotations

from typing import Any


class Problem(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, *, code: str | None = None, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extensions = {"code": self.code, **extensions}


class BadInput(Problem):
    code = "BAD_USER_INPUT"


class Unauthenticated(Problem):
    code = "UNAUTHENTICATED"


class Forbidden(Problem):
    code = "FORBIDDEN"
