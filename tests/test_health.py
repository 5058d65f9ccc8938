HEALTH_PATHS = ["/healthz", "/readyz"]


async def test_healthz_says_the_server_is_alive(http):
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_the_database(http):
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
