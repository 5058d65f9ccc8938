HEALTH_PATHS = ["/healthz", "/readyz"]


async def test_healthz_says_the_server_is_alive(http):
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_the_database(http):
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_metrics_count_requests_and_graphql_errors(http):
    await http.post("/graphql", json={"query": "{ viewer { email } }"})

    response = await http.get("/metrics")

    assert response.status_code == 200
    assert 'peoplegraph_http_requests_total{route="/graphql",status="401"}' in response.text
    assert 'peoplegraph_graphql_errors_total{code="UNAUTHENTICATED"}' in response.text
