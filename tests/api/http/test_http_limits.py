"""What the HTTP layer bounds for anyone, token or not: body time and size, metrics series, CORS."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from prometheus_client import generate_latest

from config import HttpLimits, Settings
from tests.support.graphql_client import error_codes
from web.metrics import REGISTRY

WAIT = 5.0  # an upper bound for a broken server, never reached by a working one
APP_ORIGIN = "https://app.example.com"


def _scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


async def _drive(
    app: Any, scope: dict[str, Any], chunks: list[bytes], then_stall: bool
) -> tuple[int, dict[str, Any]]:
    """Run the ASGI app with a client that sends `chunks` (more to come) and then stalls."""
    sent: list[dict[str, Any]] = []
    pending = list(chunks)
    never = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if pending:
            return {"type": "http.request", "body": pending.pop(0), "more_body": then_stall or bool(pending)}
        await never.wait()  # the client never sends the rest
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await asyncio.wait_for(app(scope, receive, send), WAIT)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body)


def _app(settings: Any, **changes: Any) -> Any:
    from server import create_app

    return create_app(replace(settings, **changes), manage_db=False)


async def test_a_body_that_never_finishes_is_answered_408(settings: Settings) -> None:
    app = _app(settings, http=HttpLimits(body_timeout=0.05))

    status, body = await _drive(app, _scope([]), [b'{"query": "{ __typ'], then_stall=True)

    assert status == 408
    assert error_codes(body) == ["REQUEST_TIMEOUT"]


async def test_headers_without_any_body_are_answered_408(settings: Settings) -> None:
    app = _app(settings, http=HttpLimits(body_timeout=0.05))

    status, body = await _drive(app, _scope([(b"content-length", b"20")]), [], then_stall=True)

    assert status == 408
    assert error_codes(body) == ["REQUEST_TIMEOUT"]


async def test_a_body_without_length_that_grows_too_large_is_413(settings: Settings) -> None:
    app = _app(settings, http=HttpLimits(max_body_bytes=1000))

    status, body = await _drive(app, _scope([]), [b"x" * 600, b"x" * 600], then_stall=True)

    assert status == 413
    assert error_codes(body) == ["REQUEST_TOO_LARGE"]
    scraped = generate_latest(REGISTRY).decode()
    assert 'peoplegraph_http_requests_total{route="/graphql",status="413"}' in scraped


async def test_a_body_within_the_bounds_is_served(settings: Settings) -> None:
    app = _app(settings, http=HttpLimits(body_timeout=0.5))

    status, body = await _drive(app, _scope([]), [b'{"query": "{ __typ', b'ename }"}'], then_stall=False)

    assert status == 200
    assert body["data"] == {"__typename": "Query"}


def _http_series() -> int:
    return sum(
        len(metric.samples)
        for metric in REGISTRY.collect()
        if metric.name.startswith("peoplegraph_http_request")
    )


async def test_random_paths_add_no_metric_series(http: httpx.AsyncClient) -> None:
    await http.get(f"/{uuid.uuid4()}")
    await http.get(f"/oauth/{uuid.uuid4()}")
    before = _http_series()
    marker = uuid.uuid4().hex

    for i in range(500):
        await http.get(f"/{'oauth/' if i % 2 else ''}{marker}/{i}")

    assert _http_series() == before
    scraped = (await http.get("/metrics")).text
    assert 'route="unmatched"' in scraped and marker not in scraped


async def test_metrics_are_labelled_by_route_template(http: httpx.AsyncClient) -> None:
    await http.post("/graphql", json={"query": "{ __typename }"})

    scraped = (await http.get("/metrics")).text

    assert 'peoplegraph_http_requests_total{route="/graphql",status="200"}' in scraped


@contextlib.asynccontextmanager
async def _client(settings: Any, origins: tuple[str, ...]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(settings, cors_origins=origins))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def _preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


@pytest.mark.parametrize("path", ["/graphql", "/oauth/token"])
async def test_a_preflight_from_an_allowed_origin_is_granted(settings: Settings, path: str) -> None:
    async with _client(settings, (APP_ORIGIN,)) as client:
        response = await client.options(path, headers=_preflight(APP_ORIGIN))

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]


@pytest.mark.parametrize("origins", [(APP_ORIGIN,), ()], ids=["cors set", "cors unset"])
@pytest.mark.parametrize("path", ["/graphql", "/oauth/token"])
async def test_a_preflight_from_another_origin_is_answered_without_a_grant(
    settings: Settings, origins: tuple[str, ...], path: str
) -> None:
    async with _client(settings, origins) as client:
        response = await client.options(path, headers=_preflight("https://evil.example.net"))

    assert response.status_code == 204
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("origins", [(APP_ORIGIN,), ()], ids=["cors set", "cors unset"])
async def test_a_call_from_another_origin_carries_no_grant(
    settings: Settings, origins: tuple[str, ...]
) -> None:
    async with _client(settings, origins) as client:
        response = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://evil.example.net"}
        )

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_a_call_from_the_allowed_origin_is_granted(settings: Settings) -> None:
    async with _client(settings, (APP_ORIGIN,)) as client:
        response = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": APP_ORIGIN}
        )

    assert response.headers["access-control-allow-origin"] == APP_ORIGIN


def test_a_flood_of_large_distinct_documents_leaves_the_document_cache_within_its_bound() -> None:
    from schema.extensions.document_cache import DocumentCacheStore

    store = DocumentCacheStore(max_tokens=20_000)
    big = " ".join(["__typename"] * 4990)

    for i in range(12):
        store.parsed(f"query Big{i} {{ {big} }}", {"max_tokens": 5000})

    assert 15_000 < store.total_tokens <= 20_000
    assert len(store) == 4  # each document is 4,996 tokens with its braces and start/end marks


async def test_served_documents_are_parsed_once_into_the_bounded_cache(http: httpx.AsyncClient) -> None:
    from schema.extensions.document_cache import STORE

    query = f"query Cached{uuid.uuid4().hex} {{ __typename }}"
    before = len(STORE)

    await http.post("/graphql", json={"query": query})
    await http.post("/graphql", json={"query": query})

    assert query in STORE
    assert len(STORE) <= before + 1


def test_the_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from config import load_settings

    monkeypatch.setenv("PEOPLEGRAPH_MAX_BODY_BYTES", "1000")
    monkeypatch.setenv("PEOPLEGRAPH_BODY_TIMEOUT", "2.5")
    monkeypatch.setenv("PEOPLEGRAPH_APQ_MAX_BYTES", "3000")
    monkeypatch.setenv("PEOPLEGRAPH_APQ_CLIENT_MAX_BYTES", "2000")
    monkeypatch.setenv("PEOPLEGRAPH_APQ_TTL", "60")

    assert load_settings().http == HttpLimits(
        max_body_bytes=1000, body_timeout=2.5, apq_max_bytes=3000, apq_client_max_bytes=2000, apq_ttl=60.0
    )
