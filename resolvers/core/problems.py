"""Errors raised to the GraphQL layer with a stable `extensions.code`.

These are for requests that cannot be served as asked (bad arguments, missing permission);
rules broken by a mutation's input are user errors returned as data (resolvers/core/errors.py).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ProblemCode(StrEnum):
    """The `extensions.code` of a request refused as a whole (an error, not a payload's user
    error); clients branch on these. The value is the name, as it goes over the wire."""

    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_CURSOR = "INVALID_CURSOR"
    PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED"
    SEARCH_TOO_LONG = "SEARCH_TOO_LONG"
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_MANY_VALUES = "TOO_MANY_VALUES"
    TOO_MANY_GROUPS = "TOO_MANY_GROUPS"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    # The caller's cost bucket is empty for now (schema/extensions/throttle.py).
    THROTTLED = "THROTTLED"
    # Trusted documents (schema/extensions/trusted.py).
    DOCUMENT_NOT_FOUND = "DOCUMENT_NOT_FOUND"
    DOCUMENT_NOT_TRUSTED = "DOCUMENT_NOT_TRUSTED"
    # Refusals of the HTTP and WebSocket layers (web/, schema/live/subscriptions.py).
    BAD_REQUEST = "BAD_REQUEST"
    BATCHING_NOT_SUPPORTED = "BATCHING_NOT_SUPPORTED"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    IDEMPOTENCY_KEY_FORBIDDEN = "IDEMPOTENCY_KEY_FORBIDDEN"
    IDEMPOTENCY_KEY_IN_USE = "IDEMPOTENCY_KEY_IN_USE"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INVALID_ENCODING = "INVALID_ENCODING"
    INVALID_JSON = "INVALID_JSON"
    JSON_TOO_DEEP = "JSON_TOO_DEEP"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    NOT_FOUND = "NOT_FOUND"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    RESUME_TOO_OLD = "RESUME_TOO_OLD"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    SUBSCRIBER_TOO_SLOW = "SUBSCRIBER_TOO_SLOW"
    SUBSCRIPTION_OVER_HTTP = "SUBSCRIPTION_OVER_HTTP"
    TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
    UNKNOWN_OPERATION = "UNKNOWN_OPERATION"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"


class Problem(Exception):
    code: str = ProblemCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, *, code: str | None = None, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extensions = {"code": self.code, **extensions}


class BadInput(Problem):
    code = ProblemCode.BAD_USER_INPUT


class Unauthenticated(Problem):
    code = ProblemCode.UNAUTHENTICATED


class Forbidden(Problem):
    code = ProblemCode.FORBIDDEN
