"""The lean front (web/front.py) against the full stack alone: the same requests, sent as raw
ASGI messages to an app with the front and to one without it, get the same status, the same
headers in the same order, the same body bytes and the same metrics deltas.

Given two apps on one database, one built with `front=False`, when a request is sent to each
(each app starting from the same registered documents), then both answers and both changes to
/metrics are equal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from starlette.applications import Starlette

from auth.oauth.clients import mint_token, revoke_client
from config import HttpLimits, RateLimits, Settings
from db_recovery import DatabaseUnavailable
from ids import to_global_id
from tests.support import factories as f
from tests.support.graphql_client import EVERY_SCOPE
from tests.support.revocation_helpers import client_of
from web.metrics import REGISTRY

pytestmark = pytest.mark.usefixtures("nothing_served")

ORIGIN = "http://app.example"
TRIVIAL = "query Trivial($id: ID!) { node(id: $id) { ... on Employee { givenName } } }"
FLOOR = "{ __typename }"
LIMITS = HttpLimits(max_body_bytes=4096, body_timeout=0.05)
Sent = tuple[int, list[tuple[bytes, bytes]], bytes]


@dataclass
class Case:
    """A request: `chunks` is its body as sent (more_body on all but the last); `warm`: the
    document is registered first (by the same request, answered by the full path)."""

    headers: dict[str, str]
    chunks: list[bytes]
    method: str = "POST"
    query_string: bytes = b""
    warm: bool = False
    trickle: bool = False  # the client never sends the last chunk
    extra_headers: list[tuple[bytes, bytes]] = field(default_factory=list)


def _body(query: str, variables: Any = None, **more: Any) -> bytes:
    payload: dict[str, Any] = {"query": query, **more}
    if variables is not None:
        payload["variables"] = variables
    return json.dumps(payload).encode()


async def _call(app: Starlette, case: Case) -> Sent | type[BaseException]:
    """The request through `app` as uvicorn would hand it over; the exception's type when the
    app raises (after its 500: ServerErrorMiddleware re-raises)."""
    headers = [(k.lower().encode(), v.encode()) for k, v in case.headers.items()] + case.extra_headers
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": case.method,
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": case.query_string,
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    pending = list(case.chunks)
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if pending:
            chunk = pending.pop(0)
            more = bool(pending) or case.trickle
            return {"type": "http.request", "body": chunk, "more_body": more}
        if case.trickle:
            await _forever()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    try:
        await app(scope, receive, send)
    except Exception as exc:
        return type(exc)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], list(start.get("headers", [])), body


async def _forever() -> None:
    import asyncio

    await asyncio.Event().wait()  # a client that stopped sending: the server's timeout ends it


def _metrics() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every counter and gauge, and each histogram's count (its sum and buckets are times)."""
    values = {}
    for metric in REGISTRY.collect():
        for sample in metric.samples:
            if sample.name.endswith(("_bucket", "_sum", "_created")):
                continue
            values[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return values


def _delta(before: dict[Any, float], after: dict[Any, float]) -> dict[Any, float]:
    return {k: v - before.get(k, 0.0) for k, v in after.items() if v != before.get(k, 0.0)}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The compiled path, an allowed origin, small body limits, and a bucket that refills at once
    (so that what it reports is the same for every request)."""
    return replace(
        settings,
        read_path="compiled",
        cors_origins=(ORIGIN,),
        http=replace(settings.http, max_body_bytes=LIMITS.max_body_bytes, body_timeout=LIMITS.body_timeout),
        rate_limits=RateLimits(maximum_available=1_000_000, restore_rate=1e15),
    )


Compare = Callable[[Case], Awaitable[Sent | type[BaseException]]]


@pytest.fixture
def compare(settings: Settings) -> Compare:
    """Send a case to the app with the front and to the app without it; assert the same answer
    and metrics deltas; return the answer."""
    from planner.plans import SERVED
    from server import create_app

    fronted = create_app(settings, manage_db=False)
    full = create_app(settings, manage_db=False, front=False)

    async def run(case: Case) -> Sent | type[BaseException]:
        results = []
        for app in (full, fronted):
            SERVED.clear()
            if case.warm:
                await _call(full, replace(case, warm=False))
            before = _metrics()
            answer = await _call(app, case)
            results.append((answer, _delta(before, _metrics())))
        (full_answer, full_delta), (front_answer, front_delta) = results
        assert front_answer == full_answer
        assert front_delta == full_delta
        return full_answer

    return run


@pytest.fixture
async def people(tokens: Callable[..., Awaitable[str]], settings: Settings) -> dict[str, str]:
    hr = await f.employee(email="hr@example.com", role="hr", given_name="Hedy")
    service = await tokens()
    expired = await mint_token(
        replace(settings, access_token_ttl=-60), scopes=EVERY_SCOPE, employee_email=hr.email
    )
    return {
        "hr": await tokens(hr.email),
        "service": service,
        "expired": str(expired["access_token"]),
        "id": to_global_id("Employee", hr.id),
    }


def _json_headers(token: str | None, **more: str) -> dict[str, str]:
    headers = {"content-type": "application/json", **more}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return headers


def _status(answer: Sent | type[BaseException]) -> int:
    assert isinstance(answer, tuple), answer
    return answer[0]


async def test_a_cached_read_is_answered_alike_and_by_the_fast_path(
    compare: Compare, people: dict[str, str]
) -> None:
    case = Case(_json_headers(people["hr"]), [_body(TRIVIAL, {"id": people["id"]})], warm=True)
    answer = await compare(case)
    assert _status(answer) == 200
    assert isinstance(answer, tuple)
    assert json.loads(answer[2])["data"] == {"node": {"givenName": "Hedy"}}
    assert (b"vary", b"Origin") in answer[1]


@pytest.mark.parametrize(
    "accept", [None, "application/graphql-response+json", "application/json;q=0.5, */*", "text/html"]
)
async def test_every_accept_is_answered_alike(
    compare: Compare, people: dict[str, str], accept: str | None
) -> None:
    more = {"accept": accept} if accept else {}
    await compare(Case(_json_headers(people["hr"], **more), [_body(FLOOR)], warm=True))


@pytest.mark.parametrize("warm", [False, True])
async def test_reads_and_their_body_in_pieces_are_answered_alike(
    compare: Compare, people: dict[str, str], warm: bool
) -> None:
    body = _body(TRIVIAL, {"id": people["id"]})
    await compare(Case(_json_headers(people["hr"]), [body[:10], body[10:30], body[30:]], warm=warm))


@pytest.mark.parametrize("token", ["nonsense", "expired", "revoked", None])
async def test_tokens_that_do_not_pass_are_refused_alike(
    compare: Compare, people: dict[str, str], token: str | None
) -> None:
    if token == "revoked":
        assert await revoke_client(client_of(people["service"]))
    text = {"nonsense": "nonsense", "expired": people["expired"], "revoked": people["service"]}.get(
        token or ""
    )
    answer = await compare(Case(_json_headers(text), [_body(FLOOR)], warm=True))
    assert _status(answer) == (200 if token is None else 401)


async def test_another_authorization_scheme_is_anonymous_alike(
    compare: Compare, people: dict[str, str]
) -> None:
    headers = {"content-type": "application/json", "authorization": "Basic YTpi"}
    await compare(Case(headers, [_body(FLOOR)], warm=True))


@pytest.mark.parametrize("origin", [ORIGIN, "http://elsewhere.example"])
async def test_requests_from_other_origins_are_answered_alike(
    compare: Compare, people: dict[str, str], origin: str
) -> None:
    await compare(Case(_json_headers(people["hr"], origin=origin), [_body(FLOOR)], warm=True))


@pytest.mark.parametrize("announced", [True, False])
async def test_bodies_too_large_are_refused_alike(
    compare: Compare, people: dict[str, str], announced: bool
) -> None:
    body = _body(FLOOR, {"pad": "x" * LIMITS.max_body_bytes})
    headers = _json_headers(people["hr"], **({"content-length": str(len(body))} if announced else {}))
    answer = await compare(Case(headers, [body[:100], body[100:]]))
    assert _status(answer) == 413


async def test_a_body_too_slow_is_refused_alike(compare: Compare, people: dict[str, str]) -> None:
    answer = await compare(Case(_json_headers(people["hr"]), [b'{"query": '], trickle=True))
    assert _status(answer) == 408


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"query": 5}',
        json.dumps({"query": TRIVIAL, "variables": [1]}).encode(),
        json.dumps({"query": TRIVIAL, "variables": {"id": {"a": 1}}}).encode(),
        json.dumps({"query": TRIVIAL}).encode(),
        json.dumps({"query": TRIVIAL, "variables": {"id": "x"}, "operationName": "Other"}).encode(),
        json.dumps({"query": FLOOR, "extensions": {"other": 1}}).encode(),
        json.dumps({"query": "mutation { __typename }"}).encode(),
        json.dumps({"query": "subscription { __typename }"}).encode(),
    ],
)
async def test_bodies_the_fast_path_cannot_take_are_answered_alike(
    compare: Compare, people: dict[str, str], body: bytes
) -> None:
    await compare(Case(_json_headers(people["hr"]), [body], warm=True))


@pytest.mark.parametrize("content_type", ["text/plain", "application/json; charset=latin-1", None])
async def test_other_content_types_are_refused_alike(
    compare: Compare, people: dict[str, str], content_type: str | None
) -> None:
    headers = {"authorization": f"Bearer {people['hr']}"}
    if content_type:
        headers["content-type"] = content_type
    await compare(Case(headers, [_body(FLOOR)], warm=True))


async def test_a_get_is_answered_alike(compare: Compare, people: dict[str, str]) -> None:
    query = f"query={FLOOR}".replace(" ", "%20").encode()
    await compare(Case(_json_headers(people["hr"]), [b""], method="GET", query_string=query, warm=True))


async def test_a_persisted_query_by_its_hash_is_answered_alike(
    compare: Compare, people: dict[str, str]
) -> None:
    digest = hashlib.sha256(FLOOR.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    register = Case(_json_headers(people["hr"]), [_body(FLOOR, extensions=persisted)])
    await compare(register)
    by_hash = json.dumps({"extensions": persisted}).encode()
    await compare(Case(_json_headers(people["hr"]), [by_hash], warm=True))
    await compare(Case(_json_headers(people["hr"]), [_body(FLOOR, extensions=persisted)], warm=True))


async def test_a_request_with_an_idempotency_key_is_answered_alike(
    compare: Compare, people: dict[str, str]
) -> None:
    await compare(Case(_json_headers(people["hr"], **{"idempotency-key": "k-1"}), [_body(FLOOR)], warm=True))


async def test_repeated_headers_are_read_alike(compare: Compare, people: dict[str, str]) -> None:
    extra = [(b"authorization", b"Bearer nonsense"), (b"accept", b"text/html")]
    await compare(Case(_json_headers(people["hr"]), [_body(FLOOR)], warm=True, extra_headers=extra))


@pytest.mark.parametrize(
    "failure", [DatabaseUnavailable(), RuntimeError("a bug")], ids=["unavailable", "bug"]
)
async def test_a_token_check_that_fails_is_answered_alike(
    compare: Compare, people: dict[str, str], monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    async def failing(principal: Any) -> bool:
        raise failure

    monkeypatch.setattr("web.authentication.revoked", failing)
    answer = await compare(Case(_json_headers(people["hr"]), [_body(FLOOR)]))
    if isinstance(failure, RuntimeError):
        assert answer is RuntimeError  # after the 500, re-raised to the server, which logs it
    else:
        assert _status(answer) == 503
