"""Automatic persisted queries (the protocol of Apollo Client and urql): a mobile app sends
the SHA-256 of a query instead of its text; the first time, the server answers
PERSISTED_QUERY_NOT_FOUND, the client sends text and hash once, and later requests are small.

Queries are remembered per process (bounded, least recently used first out); with several
workers a client may be asked for the text once per worker, which the protocol allows.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

MAX_ENTRIES = 10_000
_store: OrderedDict[str, str] = OrderedDict()


def _remember(digest: str, query: str) -> None:
    _store[digest] = query
    _store.move_to_end(digest)
    while len(_store) > MAX_ENTRIES:
        _store.popitem(last=False)


class PersistedQueries(SchemaExtension):
    def on_operation(self) -> Any:
        context = self.execution_context
        persisted = (context.operation_extensions or {}).get("persistedQuery")
        if isinstance(persisted, dict):
            digest = str(persisted.get("sha256Hash", "")).lower()
            if persisted.get("version", 1) != 1:
                raise GraphQLError(
                    "Only version 1 of persisted queries is supported.", extensions={"code": "BAD_USER_INPUT"}
                )
            if context.query:
                if hashlib.sha256(context.query.encode()).hexdigest() != digest:
                    raise GraphQLError(
                        "provided sha does not match query",
                        extensions={"code": "PERSISTED_QUERY_HASH_MISMATCH"},
                    )
                _remember(digest, context.query)
            elif digest in _store:
                context.query = _store[digest]
                _store.move_to_end(digest)
            else:
                raise GraphQLError("PersistedQueryNotFound", extensions={"code": "PERSISTED_QUERY_NOT_FOUND"})
        yield
