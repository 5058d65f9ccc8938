import httpx
import pytest

HEALTH_PATHS = ["/healthz", "/readyz"]


async def test_healthz_says_the_server_is_alive(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_the_database(http: httpx.AsyncClient) -> None:
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_metrics_count_requests_and_graphql_errors(http: httpx.AsyncClient) -> None:
    await http.post("/graphql", json={"query": "{ viewer { email } }"})

    response = await http.get("/metrics")

    assert response.status_code == 200
    assert 'peoplegraph_http_requests_total{route="/graphql",status="401"}' in response.text
    assert 'peoplegraph_graphql_errors_total{code="UNAUTHENTICATED"}' in response.text


async def test_readyz_says_the_database_is_down_without_its_error(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tortoise import connections

    class Down:
        async def execute_query(self, sql: str) -> None:
            raise ConnectionError("connect to db.internal:5432 as admin failed")

    monkeypatch.setattr(connections, "get", lambda name: Down())

    response = await http.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "error": "the database does not answer"}
