"""One cache of parsed and validated documents, bounded by the syntax-tree tokens it holds.

Strawberry's ParserCache and ValidationCache count entries, but a document's tree grows with
its tokens (about 600 bytes a token, measured): 256 entries of 5,000 tokens each would hold
close to 800 MB, reachable with no token. This cache keeps at most MAX_CACHED_TOKENS tokens
(about 30 MB), least recently used out first, and keeps validation results with the document
they belong to, so evicting one frees both.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError, Token, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

MAX_CACHED_TOKENS = 50_000


@dataclass
class _Parsed:
    document: DocumentNode
    tokens: int
    validated: dict[tuple[Any, ...], list[GraphQLError]] = field(default_factory=dict)


def _tokens(document: DocumentNode, query: str) -> int:
    if document.loc is None:
        return len(query)
    count = 0
    token: Token | None = document.loc.start_token
    while token is not None:
        count, token = count + 1, token.next
    return count


class DocumentCacheStore:
    def __init__(self, max_tokens: int = MAX_CACHED_TOKENS) -> None:
        self.max_tokens = max_tokens
        self.total_tokens = 0
        self._entries: OrderedDict[str, _Parsed] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, query: object) -> bool:
        return query in self._entries

    def parsed(self, query: str, parse_options: Mapping[str, Any]) -> _Parsed:
        entry = self._entries.get(query)
        if entry is not None:
            self._entries.move_to_end(query)
            return entry
        document = parse(query, **parse_options)  # a syntax error propagates and is not cached
        entry = _Parsed(document, _tokens(document, query))
        if entry.tokens <= self.max_tokens:
            while self.total_tokens + entry.tokens > self.max_tokens:
                self.total_tokens -= self._entries.popitem(last=False)[1].tokens
            self._entries[query] = entry
            self.total_tokens += entry.tokens
        return entry


STORE = DocumentCacheStore()


class DocumentCache(SchemaExtension):
    """Parse and validate each distinct query text once, while it stays in the bounded store."""

    _entry: _Parsed | None = None

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        if execution.query and execution.graphql_document is None:
            self._entry = STORE.parsed(execution.query, execution.parse_options)
            execution.graphql_document = self._entry.document
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        if self._entry is not None and execution.validation_rules:
            key = (id(execution.schema._schema), *execution.validation_rules)
            if key not in self._entry.validated:
                self._entry.validated[key] = validate_document(
                    execution.schema._schema, self._entry.document, execution.validation_rules
                )
            execution.pre_execution_errors = self._entry.validated[key]
        yield
