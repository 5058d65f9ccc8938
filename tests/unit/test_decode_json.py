"""web/graphql_request.py `decode_json` reads a body with orjson when it can and with the
standard library otherwise: either way the value, or the refusal, is the standard library's."""

from __future__ import annotations

import math

import pytest

from web.errors import RequestRefused
from web.graphql_request import MAX_JSON_DEPTH, decode_json, decode_json_strictly

TEXTS = [
    '{"query": "{ __typename }"}',
    '{"query": "query Q($id: ID!) { node(id: $id) { id } }", "variables": {"id": "RW1wbG95ZWU6MQ"}}',
    '{"variables": {"n": 9223372036854775807, "m": -9223372036854775808, "f": 1.5e-7, "z": -0.0}}',
    '{"variables": {"big": 123456789012345678901234567890}}',
    '{"variables": {"big": -99999999999999999999}}',
    '{"a": 1, "a": 2}',
    "[1, 2, 3]",
    '"\\ud83d\\ude00 \\u2028 \\u0000"',
    '"\\ud800"',
    '{"x": "\\udc00 lone"}',
    '{"x": NaN}',
    '{"x": Infinity}',
    '{"x": -Infinity}',
    '{"x": 1e400}',
    '{"x": 2e308}',
    '{"x": 1e308}',
    "[1,]",
    '{"a":1,}',
    "01",
    '"a\tb"',
    "\ufeff{}",
    "   {}   ",
    "{} x",
    "",
    "1" * 5000,
    "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH,
    "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
    '{"q": "' + "[" * 100 + '"}',
    "[" * 5000 + "]" * 5000,
    '{"true": true, "false": false, "null": null, "list": [{}, [], ""]}',
]


def _outcome(read: object, raw: bytes | str) -> object:
    try:
        value = read(raw, "request body")  # type: ignore[operator]
    except RequestRefused as refusal:
        return ("refused", refusal.status, refusal.code, refusal.message)
    return ("value", repr(value), _types(value))


def _types(value: object) -> object:
    if isinstance(value, dict):
        return {key: _types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_types(item) for item in value]
    if isinstance(value, float) and math.copysign(1.0, value) < 0:
        return "negative float"
    return type(value).__name__


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("as_bytes", [True, False])
def test_decode_json_reads_as_the_standard_library_does(text: str, as_bytes: bool) -> None:
    raw: bytes | str = text.encode("utf-8", "surrogatepass") if as_bytes else text
    assert _outcome(decode_json, raw) == _outcome(decode_json_strictly, raw)


def test_bytes_that_are_not_utf8_are_refused_alike() -> None:
    raw = b'{"query": "\xff"}'
    outcome = _outcome(decode_json, raw)
    assert outcome == _outcome(decode_json_strictly, raw)
    assert isinstance(outcome, tuple) and outcome[2] == "INVALID_ENCODING"
