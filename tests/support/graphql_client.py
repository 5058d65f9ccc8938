"""Test helpers: a GraphQL client on the app (and a caller: the client of one role), and a SQL
statement counter."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from auth.scopes import ALL_SCOPES
from models.employees import Employee


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient
    token: str | None = None

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> httpx.Response:
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # ASCII-escaped JSON, as browsers send it: a lone surrogate travels as `\ud800`.
        body = json.dumps({"query": query, "variables": variables or {}})
        headers.setdefault("Content-Type", "application/json")
        return await self.http.post("/graphql", content=body, headers=headers)

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        """The JSON body of a request expected to be served (HTTP 200)."""
        response = await self.post(query, variables, **headers)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]  # JSON

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        """The `data` of a request expected to succeed without errors."""
        body = await self.execute(query, variables, **headers)
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]  # JSON


@dataclass
class Caller(GraphQLClient):
    """Someone to query as (the role fixtures of tests/conftest.py): a client with their token,
    and their row; `employee` is None for the anonymous caller and a service."""

    employee: Employee | None = None

    @property
    def row(self) -> Employee:
        """The caller's employee row, for a test that needs its id or e-mail."""
        assert self.employee is not None, "an anonymous caller or a service has no employee row"
        return self.employee


class TokenMaker(Protocol):
    """The `tokens` fixture: `await tokens(email, scopes)`; no e-mail mints a service token."""

    async def __call__(self, email: str | None = None, scopes: str = ...) -> str: ...


class ClientMaker(Protocol):
    """The `graphql` fixture: `graphql(token)` is a client on the app; no token is anonymous."""

    def __call__(self, token: str | None = None) -> GraphQLClient: ...


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(("Created connection pool", "Closed connection pool")):
            self.statements.append(message)


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Every SQL statement Tortoise sends while the block runs."""
    logger = logging.getLogger("tortoise.db_client")
    handler = _Counter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


EVERY_SCOPE = " ".join(ALL_SCOPES)
