"""Automatic persisted queries (the protocol of Apollo Client and urql): a mobile app sends
the SHA-256 of a query instead of its text; the first time, the server answers
PERSISTED_QUERY_NOT_FOUND, the client sends text and hash once, and later requests are small.

Anyone may register, so the cache is built to stay small whatever is sent: only documents that
parse and validate are kept (registration happens when execution starts), its size is bounded
in bytes, each client (OAuth client, or address when anonymous) has its own byte quota and only
ever evicts its own entries to stay within it, and entries unused for `apq_ttl` seconds expire.
Queries are remembered per process; with several workers a client may be asked for the text
once per worker, which the protocol allows.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from config import HttpLimits
from resolvers.core.problems import ProblemCode

# An entry's cost beyond its text: the digest key, the entry object and two dictionary slots.
ENTRY_OVERHEAD = 512
# Answers of the protocol itself: clients act on them, so they are HTTP 200 whatever the media type.
PROTOCOL_CODES = frozenset(
    {
        ProblemCode.PERSISTED_QUERY_NOT_FOUND,
        ProblemCode.PERSISTED_QUERY_HASH_MISMATCH,
        ProblemCode.PERSISTED_QUERY_NOT_SUPPORTED,
    }
)
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass
class _Entry:
    query: str
    owner: str
    size: int
    expires_at: float


class PersistedQueryCache:
    def __init__(self, limits: HttpLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = limits.apq_max_bytes
        self.client_max_bytes = min(limits.apq_client_max_bytes, limits.apq_max_bytes)
        self.ttl = limits.apq_ttl
        self.clock = clock
        self.total_bytes = 0
        self._entries: OrderedDict[str, _Entry] = OrderedDict()  # least recently used first
        self._owned: dict[str, OrderedDict[str, None]] = {}
        self._owner_bytes: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def owner_bytes(self, owner: str) -> int:
        return self._owner_bytes.get(owner, 0)

    def get(self, digest: str) -> str | None:
        self._expire()
        entry = self._entries.get(digest)
        if entry is None:
            return None
        entry.expires_at = self.clock() + self.ttl
        self._entries.move_to_end(digest)
        self._owned[entry.owner].move_to_end(digest)
        return entry.query

    def put(self, digest: str, query: str, owner: str) -> bool:
        """Remember a validated query; False when it alone is larger than a client's quota."""
        if self.get(digest) is not None:
            return True
        size = len(query.encode()) + ENTRY_OVERHEAD
        if size > self.client_max_bytes:
            return False
        while self.owner_bytes(owner) + size > self.client_max_bytes:
            self._drop(next(iter(self._owned[owner])))
        while self.total_bytes + size > self.max_bytes:
            self._drop(next(iter(self._entries)))
        self._entries[digest] = _Entry(query, owner, size, self.clock() + self.ttl)
        self._owned.setdefault(owner, OrderedDict())[digest] = None
        self._owner_bytes[owner] = self.owner_bytes(owner) + size
        self.total_bytes += size
        return True

    def _expire(self) -> None:
        # Entries are ordered by last use and share one TTL, so the expired ones come first.
        now = self.clock()
        while self._entries:
            digest, entry = next(iter(self._entries.items()))
            if entry.expires_at > now:
                return
            self._drop(digest)

    def _drop(self, digest: str) -> None:
        entry = self._entries.pop(digest)
        owned = self._owned[entry.owner]
        del owned[digest]
        self._owner_bytes[entry.owner] -= entry.size
        if not owned:
            del self._owned[entry.owner], self._owner_bytes[entry.owner]
        self.total_bytes -= entry.size


def _protocol_error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def _owner(context: Any) -> str:
    return owner_of(getattr(context, "principal", None), getattr(context, "request", None))


def owner_of(principal: Any, request: Any) -> str:
    """Whose quota a registered query counts against: the OAuth client, else the address."""
    if principal is not None and principal.client_id:
        return f"client:{principal.client_id}"
    client = getattr(request, "client", None)
    return f"address:{client.host}" if client is not None else "address:unknown"


def _cache(context: Any) -> PersistedQueryCache | None:
    state = getattr(getattr(context, "request", None), "state", None)
    cache = getattr(state, "persisted_queries", None)
    return cache if isinstance(cache, PersistedQueryCache) else None


def persisted_query(
    persisted: Any, query: str | None, cache: PersistedQueryCache | None
) -> tuple[str, str | None]:
    """The query text a `persistedQuery` request extension names, and the digest to register it
    under once it validates (None: it is registered already); a GraphQLError with the
    protocol's code when it cannot be served."""
    if not isinstance(persisted, dict) or persisted.get("version", 1) != 1:
        raise _protocol_error(
            "`persistedQuery` must be {version: 1, sha256Hash}: only version 1 is supported.",
            ProblemCode.BAD_USER_INPUT,
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest.lower()):
        raise _protocol_error("`sha256Hash` must be 64 hexadecimal digits.", ProblemCode.BAD_USER_INPUT)
    digest = digest.lower()
    if cache is None:
        raise _protocol_error("PersistedQueryNotSupported", ProblemCode.PERSISTED_QUERY_NOT_SUPPORTED)
    if query:
        if hashlib.sha256(query.encode()).hexdigest() != digest:
            raise _protocol_error(
                "provided sha does not match query", ProblemCode.PERSISTED_QUERY_HASH_MISMATCH
            )
        return query, digest
    stored = cache.get(digest)
    if stored is None:
        raise _protocol_error("PersistedQueryNotFound", ProblemCode.PERSISTED_QUERY_NOT_FOUND)
    return stored, None


class PersistedQueries(SchemaExtension):
    _pending: tuple[PersistedQueryCache, str, str] | None = None

    def on_operation(self) -> Any:
        execution = self.execution_context
        persisted = (execution.operation_extensions or {}).get("persistedQuery")
        if persisted is not None:
            self._resolve(persisted)
        yield

    def on_execute(self) -> Any:
        # Reached only by a document that parsed and validated: the one kind worth remembering.
        if self._pending is not None:
            cache, digest, query = self._pending
            cache.put(digest, query, _owner(self.execution_context.context))
        yield

    def _resolve(self, persisted: Any) -> None:
        execution = self.execution_context
        cache = _cache(execution.context)
        query, digest = persisted_query(persisted, execution.query, cache)
        if digest is not None and cache is not None:  # `persisted_query` refuses a missing cache
            self._pending = (cache, digest, query)
        execution.query = query
