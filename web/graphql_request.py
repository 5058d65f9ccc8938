"""What a GraphQL-over-HTTP request may look like, and a JSON error with a stable code for every
way it can fail to: media types, encoding, JSON, and the shape of the request object.

Everything here runs before GraphQL sees the request, so no body can reach the parser or the
executor as anything but a JSON object of the documented types.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import orjson
from strawberry.http import GraphQLRequestData

from resolvers.core.problems import ProblemCode
from web.errors import JSON, RequestRefused

GRAPHQL_RESPONSE = "application/graphql-response+json"
MAX_JSON_DEPTH = 64


def bad_request(message: str, code: str = ProblemCode.BAD_REQUEST) -> RequestRefused:
    return RequestRefused(400, code, message)


def _media_range(part: str) -> tuple[str, dict[str, str]]:
    media, *params = (piece.strip() for piece in part.split(";"))
    named = dict(p.partition("=")[::2] for p in params if "=" in p)
    return media.lower(), {k.strip().lower(): v.strip().strip('"') for k, v in named.items()}


def _quality(params: dict[str, str]) -> float:
    try:
        q = float(params.get("q", "1"))
    except ValueError:
        return 0.0
    return q if 0.0 <= q <= 1.0 else 0.0


def negotiate(accept: str | None) -> str | None:
    """The response media type the client prefers, or None when it accepts neither of ours.

    No `Accept` means a legacy client: `application/json`. On equal quality the first listed wins.
    """
    if accept is None or not accept.strip():
        return JSON
    best, best_q = None, 0.0
    for part in accept.split(","):
        media, params = _media_range(part)
        if media == GRAPHQL_RESPONSE:
            candidate = GRAPHQL_RESPONSE
        elif media in (JSON, "application/*", "*/*"):
            candidate = JSON
        else:
            continue
        q = _quality(params)
        if q > best_q:
            best, best_q = candidate, q
    return best


def not_acceptable() -> RequestRefused:
    return RequestRefused(
        406,
        ProblemCode.NOT_ACCEPTABLE,
        f"This endpoint answers with `{GRAPHQL_RESPONSE}` or `{JSON}`; send one in `Accept`.",
    )


def check_content_type(content_type: str | None) -> None:
    """A POST body must be JSON in UTF-8 (the GraphQL-over-HTTP spec's required encoding)."""
    media, params = _media_range(content_type or "")
    charset = params.get("charset", "utf-8").lower()
    if media != JSON or charset not in ("utf-8", "utf8"):
        raise RequestRefused(
            415,
            ProblemCode.UNSUPPORTED_MEDIA_TYPE,
            f"Unsupported content type {content_type or '(none)'!r}: send `Content-Type: {JSON}` (UTF-8).",
        )


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is out of range")
    return value


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _is_text(value: str) -> bool:
    """JSON escapes can spell unpaired surrogates (`"\\ud800"`), which are not Unicode text."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _depth(value: Any, what: str) -> int:
    """How deeply arrays and objects nest, without recursion (the value may be adversarial);
    refuses strings that are not Unicode text on the way."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str) and not _is_text(item):
            raise bad_request(
                f"The {what} holds a string that is not Unicode text.", ProblemCode.INVALID_ENCODING
            )
        if isinstance(item, dict):
            children = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


# orjson reads an integer beyond 64 bits as a float; the standard library keeps it an int.
_LONG_NUMBER = re.compile(r"\d{19}")
_LONG_NUMBER_BYTES = re.compile(rb"\d{19}")


def _plain(raw: bytes | str) -> bool:
    """Whether orjson reads `raw` as `decode_json` would, if it reads it at all: it nests at most
    MAX_JSON_DEPTH levels (it opens no more arrays and objects than that) and holds no number
    of 19 digits or more. orjson then refuses what the standard library and `_depth` refuse
    (NaN, infinities, numbers beyond a double, unpaired surrogates, bad UTF-8, control
    characters) and reads the rest alike (tests/unit/test_decode_json.py)."""
    if isinstance(raw, bytes):
        return raw.count(b"{") + raw.count(b"[") <= MAX_JSON_DEPTH and not _LONG_NUMBER_BYTES.search(raw)
    return raw.count("{") + raw.count("[") <= MAX_JSON_DEPTH and not _LONG_NUMBER.search(raw)


def decode_json(raw: bytes | str, what: str) -> Any:
    """Parse JSON strictly: UTF-8, no NaN/Infinity, finite numbers, at most MAX_JSON_DEPTH levels.

    A plain text (`_plain`) is read by orjson in one call; anything orjson refuses, and any
    other text, is read by the standard library with the checks below, which say what is wrong."""
    if _plain(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return decode_json_strictly(raw, what)


def decode_json_strictly(raw: bytes | str, what: str) -> Any:
    """`decode_json` by the standard library alone (RequestRefused saying what is wrong)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise bad_request(f"The {what} is not valid UTF-8.", ProblemCode.INVALID_ENCODING) from None
    too_deep = bad_request(
        f"The {what} nests deeper than {MAX_JSON_DEPTH} levels.", ProblemCode.JSON_TOO_DEEP
    )
    try:
        value = json.loads(raw, parse_float=_finite, parse_constant=_no_constants)
    except RecursionError:
        raise too_deep from None
    except json.JSONDecodeError as exc:
        raise bad_request(
            f"The {what} is not valid JSON: {exc.msg} at position {exc.pos}.", ProblemCode.INVALID_JSON
        ) from None
    except ValueError as exc:  # Python's int-string limit, or a number that is not finite
        problem = "a number too long" if "digits" in str(exc) else str(exc)
        raise bad_request(f"The {what} is not valid JSON: {problem}.", ProblemCode.INVALID_JSON) from None
    if _depth(value, what) > MAX_JSON_DEPTH:
        raise too_deep
    return value


def _optional(payload: dict[str, Any], key: str, kind: type, described: str) -> Any:
    value = payload.get(key)
    if value is not None and not isinstance(value, kind):
        raise bad_request(f"The request's `{key}` must be {described} or null, if provided.")
    return value


def request_data(payload: Any) -> GraphQLRequestData:
    """The one operation a decoded body or query string carries."""
    if isinstance(payload, list):
        raise bad_request(
            "Batched requests (a JSON array) are not supported: send one operation per request.",
            ProblemCode.BATCHING_NOT_SUPPORTED,
        )
    if not isinstance(payload, dict):
        raise bad_request("The request body must be a JSON object with a `query` string.")
    extensions = _optional(payload, "extensions", dict, "an object")
    document_id = _optional(payload, "documentId", str, "a string")
    if document_id is not None:  # a trusted document (schema/extensions/trusted.py) travels with them
        extensions = {**(extensions or {}), "documentId": document_id}
    return GraphQLRequestData(
        query=_optional(payload, "query", str, "a string"),
        variables=_optional(payload, "variables", dict, "an object"),
        operation_name=_optional(payload, "operationName", str, "a string"),
        extensions=extensions,
        protocol="http",
    )


def query_params_payload(params: Mapping[str, Any]) -> dict[str, Any]:
    """A GET request's parameters as a request object; `variables`/`extensions` are JSON text."""
    payload: dict[str, Any] = {}
    for key in ("query", "operationName", "documentId"):
        if params.get(key) not in (None, ""):
            payload[key] = params[key]
    for key in ("variables", "extensions"):
        text = params.get(key)
        if text not in (None, ""):
            payload[key] = decode_json(text, f"`{key}` parameter")
    return payload
