"""Automatic persisted queries: the Apollo/urql protocol, and a cache no flood can grow."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

import httpx
import pytest

from config import HttpLimits, Settings
from schema.extensions.persisted import ENTRY_OVERHEAD, PersistedQueryCache
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker, error_codes

VIEWER = "{ viewer { email } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(query)}}


async def send(
    http: httpx.AsyncClient, method: str, query: str | None, digest_of: str, **headers: str
) -> httpx.Response:
    extensions = persisted(digest_of)
    if method == "GET":
        params = {"extensions": json.dumps(extensions), **({"query": query} if query else {})}
        return await http.get("/graphql", params=params, headers=headers)
    body = {"extensions": extensions, **({"query": query} if query else {})}
    return await http.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_the_protocol_runs_as_apollo_and_urql_expect(
    http: httpx.AsyncClient, tokens: TokenMaker, method: str, accept: str
) -> None:
    await f.employee(email="ada@example.com")
    headers = {"Authorization": f"Bearer {await tokens('ada@example.com')}", "Accept": accept}

    unknown = await send(http, method, None, VIEWER, **headers)
    registered = await send(http, method, VIEWER, VIEWER, **headers)
    known = await send(http, method, None, VIEWER, **headers)

    assert unknown.status_code == 200 and error_codes(unknown.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert registered.status_code == 200 and registered.json()["data"] == {
        "viewer": {"email": "ada@example.com"}
    }
    assert known.status_code == 200 and known.json()["data"] == {"viewer": {"email": "ada@example.com"}}


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_hash_that_does_not_match_the_query_is_200_with_its_code(
    http: httpx.AsyncClient, method: str, accept: str
) -> None:
    response = await send(http, method, "{ __typename }", "{ other }", Accept=accept)

    assert response.status_code == 200
    assert error_codes(response.json()) == ["PERSISTED_QUERY_HASH_MISMATCH"]


@pytest.mark.parametrize(
    "value",
    [
        "x",
        {"version": 2, "sha256Hash": sha(VIEWER)},
        {"version": 1, "sha256Hash": 5},
        {"version": 1, "sha256Hash": "abc"},
    ],
)
async def test_a_malformed_persisted_query_is_refused_with_a_code(
    http: httpx.AsyncClient, value: Any
) -> None:
    response = await http.post("/graphql", json={"extensions": {"persistedQuery": value}})

    assert response.status_code == 200
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]


async def test_a_document_that_does_not_validate_is_not_remembered(http: httpx.AsyncClient) -> None:
    invalid = "{ noSuchField }"

    first = await send(http, "POST", invalid, invalid)
    again = await send(http, "POST", None, invalid)

    assert error_codes(first.json()) == ["GRAPHQL_VALIDATION_FAILED"]
    assert error_codes(again.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_a_flood_of_registrations_leaves_the_cache_within_its_bounds(settings: Settings) -> None:
    from server import create_app

    limits = HttpLimits(apq_max_bytes=16 * 1024, apq_client_max_bytes=8 * 1024)
    app = create_app(replace(settings, http=limits), manage_db=False)
    cache = next(r.endpoint for r in app.routes if getattr(r, "path", "") == "/graphql").persisted_queries  # type: ignore[attr-defined]  # a Route

    def client(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://testserver")

    async with client("192.0.2.10") as someone, client("198.51.100.7") as flooder:
        # given a query someone registered
        app_query = "query App { __typename }"
        await send(someone, "POST", app_query, app_query)

        # when another address registers many times its quota of distinct valid documents
        for i in range(600):
            flood = f"query Flood{i} {{ __typename a: __typename b: __typename }}"
            await send(flooder, "POST", flood, flood)

        # then the cache holds no more than its bounds, the flood evicted only its own entries,
        # and a valid document still registers
        assert cache.total_bytes <= limits.apq_max_bytes
        assert cache.owner_bytes("address:198.51.100.7") <= limits.apq_client_max_bytes
        assert (await send(someone, "POST", None, app_query)).json()["data"] == {"__typename": "Query"}
        late = "query Late { __typename }"
        await send(flooder, "POST", late, late)
        assert (await send(flooder, "POST", None, late)).json()["data"] == {"__typename": "Query"}


def _limits(**changes: Any) -> HttpLimits:
    return replace(HttpLimits(apq_max_bytes=10_000, apq_client_max_bytes=4_000), **changes)


def _query(i: int, size: int = 1000 - ENTRY_OVERHEAD) -> str:
    return f"query Q{i} {{ __typename }}".ljust(size)


def test_one_client_over_its_quota_evicts_only_its_own_entries() -> None:
    cache = PersistedQueryCache(_limits())
    cache.put("a" * 64, _query(0), owner="client:app")

    for i in range(1, 5000):
        cache.put(f"{i:064x}", _query(i), owner="address:203.0.113.9")

    assert cache.get("a" * 64) == _query(0)
    assert cache.owner_bytes("address:203.0.113.9") <= 4_000
    assert cache.total_bytes <= 10_000


def test_many_clients_together_stay_within_the_total_bound() -> None:
    cache = PersistedQueryCache(_limits())

    for i in range(5000):
        cache.put(f"{i:064x}", _query(i), owner=f"address:198.51.100.{i}")

    assert cache.total_bytes <= 10_000
    assert len(cache) == 10  # each entry costs 1,000 bytes
    assert cache.get(f"{4999:064x}") == _query(4999)


def test_an_entry_unused_for_its_ttl_expires_and_a_used_one_stays() -> None:
    now = [0.0]
    cache = PersistedQueryCache(_limits(apq_ttl=60), clock=lambda: now[0])
    cache.put("a" * 64, _query(0), owner="client:app")
    cache.put("b" * 64, _query(1), owner="client:app")

    now[0] = 50
    assert cache.get("b" * 64) == _query(1)
    now[0] = 70

    assert cache.get("a" * 64) is None
    assert cache.get("b" * 64) == _query(1)
    assert cache.total_bytes == 1000


def test_a_document_larger_than_a_client_quota_is_not_kept() -> None:
    cache = PersistedQueryCache(_limits())

    assert cache.put("a" * 64, _query(0, size=5000), owner="client:app") is False
    assert cache.total_bytes == 0
