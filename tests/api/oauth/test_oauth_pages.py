"""The sign-in and consent pages an employee sees at /oauth/authorize."""

from __future__ import annotations

from typing import Any

import httpx

from auth.oauth.clients import GRAPHIQL_CLIENT_ID
from config import Settings
from tests.support.oauth_helpers import (
    PASSWORD,
    authorize_url,
    browser,
    csrf_token,
    form_action,
    make_employee,
    make_web_client,
    query_of,
    submit_login,
)


async def test_sign_in_page_is_self_contained_and_mobile_friendly(oauth_app: Any) -> None:
    client = await make_web_client(public=True)
    async with browser(oauth_app) as web:
        page = await web.get(authorize_url(client.client_id))
    assert page.status_code == 200
    assert 'name="viewport"' in page.text
    assert "http" not in page.text.split("<main>")[0].replace("http-equiv", ""), "no CDN assets"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert "Tasks web app" in page.text


async def test_login_without_csrf_token_is_refused(oauth_app: Any) -> None:
    employee = await make_employee()
    client = await make_web_client(public=True)
    url = authorize_url(client.client_id)
    async with browser(oauth_app) as web:
        page = await web.get(url)
        response = await web.post(
            form_action(page.text), data={"action": "login", "email": employee.email, "password": PASSWORD}
        )
    assert response.status_code == 403
    assert "location" not in response.headers


async def test_csrf_token_from_another_browser_is_refused(oauth_app: Any) -> None:
    employee = await make_employee()
    client = await make_web_client(public=True)
    url = authorize_url(client.client_id)
    async with browser(oauth_app) as attacker:
        stolen = csrf_token((await attacker.get(url)).text)
    async with browser(oauth_app) as victim:
        page = await victim.get(url)
        response = await victim.post(
            form_action(page.text),
            data={"csrf_token": stolen, "action": "login", "email": employee.email, "password": PASSWORD},
        )
    assert response.status_code == 403


async def test_unknown_email_and_wrong_password_get_the_same_answer(oauth_app: Any) -> None:
    employee = await make_employee()
    client = await make_web_client(public=True)
    url = authorize_url(client.client_id)
    async with browser(oauth_app) as web:
        wrong_password = await submit_login(web, url, employee.email, "nope")
        unknown = await submit_login(web, url, "nobody@example.com", "nope")
    assert wrong_password.status_code == unknown.status_code == 400
    assert "Incorrect e-mail or password." in wrong_password.text
    assert "Incorrect e-mail or password." in unknown.text


async def test_repeated_failures_are_throttled(oauth_app: Any) -> None:
    employee = await make_employee()
    client = await make_web_client(public=True)
    url = authorize_url(client.client_id)
    async with browser(oauth_app) as web:
        answers = [(await submit_login(web, url, employee.email, "nope")).status_code for _ in range(5)]
        # even the right password waits now
        locked = await submit_login(web, url, employee.email, PASSWORD)
    assert answers == [400, 400, 400, 400, 429]
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0


async def test_deny_sends_the_employee_back_with_access_denied(oauth_app: Any) -> None:
    employee = await make_employee()
    client = await make_web_client(public=True)
    async with browser(oauth_app) as web:
        consent = await submit_login(web, authorize_url(client.client_id), employee.email, PASSWORD)
        assert "Allow" in consent.text
        response = await web.post(
            form_action(consent.text), data={"csrf_token": csrf_token(consent.text), "action": "deny"}
        )
    assert response.status_code == 302
    answer = query_of(response.headers["location"])
    assert (answer["error"], answer["state"]) == ("access_denied", "s1")


async def test_signed_in_session_skips_the_password_next_time(oauth_app: Any) -> None:
    employee = await make_employee()
    client = await make_web_client(first_party=True)
    async with browser(oauth_app) as web:
        first = await submit_login(web, authorize_url(client.client_id), employee.email, PASSWORD)
        assert first.status_code == 302
        again = await web.get(authorize_url(client.client_id))
    assert again.status_code == 302
    assert "code" in query_of(again.headers["location"])


async def test_graphiql_client_is_built_in_and_first_party(oauth_app: Any) -> None:
    employee = await make_employee()
    url = authorize_url(GRAPHIQL_CLIENT_ID, redirect_uri="http://testserver/graphql", scope="employees:read")
    async with browser(oauth_app) as web:
        response = await submit_login(web, url, employee.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["location"].startswith("http://testserver/graphql?code=")


async def test_unknown_client_gets_an_error_page(oauth_app: Any) -> None:
    async with browser(oauth_app) as web:
        response = await web.get(authorize_url("no-such-client"))
    assert response.status_code in {400, 401}
    assert "location" not in response.headers


async def test_revoking_from_the_browser_ends_the_sign_in_session(
    http: httpx.AsyncClient, auth_started: Settings
) -> None:
    response = await http.post(
        "/oauth/revoke",
        data={"token": "not-a-token", "client_id": "peoplegraph-graphiql"},
        headers={"Cookie": "pg_session=anything"},
    )

    assert response.status_code == 200
    assert 'pg_session=""' in response.headers.get("set-cookie", "")


async def test_consent_page_shows_where_the_browser_will_be_sent(oauth_app: Any) -> None:
    # given a third-party app asking for consent
    employee = await make_employee()
    client = await make_web_client(public=True)
    async with browser(oauth_app) as web:
        consent = await submit_login(web, authorize_url(client.client_id), employee.email, PASSWORD)
    # then the page names the redirect URI's origin, so the employee can check it
    assert consent.status_code == 200
    assert "your browser then goes to <strong>https://app.example.com</strong>" in consent.text
