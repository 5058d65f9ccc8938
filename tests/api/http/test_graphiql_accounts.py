"""GraphiQL's bar: who is signed in, with which scopes, and switching between demo accounts."""

from __future__ import annotations

from datetime import date

import httpx
from starlette.applications import Starlette

import config
from auth.passwords import hash_password
from cli.seed.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from config import Settings
from models.employees import Employee, EmployeeRole
from tests.support.oauth_helpers import browser, graphiql_authorize_url, submit_login
from web.graphiql import render_graphiql_html

SCRIPT = (config.ROOT / "static" / "graphiql.js").read_text()


async def _seed(accounts: int, password: str = DEMO_PASSWORD) -> None:
    password_hash = hash_password(password)
    for account in DEMO_ACCOUNTS[:accounts]:
        given, family = account.name.split(" ", 1)
        await Employee.create(
            email=account.email,
            given_name=given,
            family_name=family,
            hire_date=date(2020, 1, 6),
            role=EmployeeRole(account.role),
            password_hash=password_hash,
        )


async def test_no_demo_accounts_are_offered_without_demo_data(
    oauth_app: Starlette, http: httpx.AsyncClient
) -> None:
    response = await http.get("/oauth/demo-accounts")
    assert response.status_code == 200
    assert response.json() == {"accounts": []}


async def test_seeded_demo_accounts_are_offered(oauth_app: Starlette, http: httpx.AsyncClient) -> None:
    # given two demo accounts seeded with the demo password
    await _seed(2)
    # when GraphiQL asks which accounts it may offer
    response = await http.get("/oauth/demo-accounts")
    # then it gets them, with what makes each one interesting
    accounts = response.json()["accounts"]
    assert [a["email"] for a in accounts] == [a.email for a in DEMO_ACCOUNTS[:2]]
    assert accounts[0]["name"] == DEMO_ACCOUNTS[0].name
    assert accounts[0]["role"] == "employee"
    assert "password" not in response.text


async def test_demo_emails_with_a_real_password_are_not_offered(
    oauth_app: Starlette, http: httpx.AsyncClient
) -> None:
    # a real deployment that happens to have an admin@example.com of its own
    await _seed(2, password="a real secret password")
    assert (await http.get("/oauth/demo-accounts")).json() == {"accounts": []}


async def test_switching_account_opens_the_sign_in_with_the_email_filled_in(oauth_app: Starlette) -> None:
    async with browser(oauth_app) as web:
        page = await web.get(graphiql_authorize_url("login", login_hint="grace.hopper@example.com"))
    assert page.status_code == 200
    assert 'value="grace.hopper@example.com"' in page.text
    assert "demo password is filled in" not in page.text  # no demo data here


async def test_switching_to_a_seeded_demo_account_needs_no_typing(oauth_app: Starlette) -> None:
    # given the demo data seeded
    await _seed(2)
    grace = DEMO_ACCOUNTS[1].email
    # when GraphiQL switches to Grace
    async with browser(oauth_app) as web:
        page = await web.get(graphiql_authorize_url("login", login_hint=grace))
        # then the form comes with her e-mail and the demo password: one click signs her in
        assert f'value="{grace}"' in page.text
        assert f'value="{DEMO_PASSWORD}"' in page.text
        signed_in = await submit_login(
            web, graphiql_authorize_url("login", login_hint=grace), grace, DEMO_PASSWORD
        )
    assert signed_in.status_code == 302


async def test_a_demo_email_with_a_real_password_gets_no_password_filled_in(oauth_app: Starlette) -> None:
    await _seed(2, password="a real secret password")
    async with browser(oauth_app) as web:
        page = await web.get(graphiql_authorize_url("login", login_hint=DEMO_ACCOUNTS[1].email))
    assert DEMO_PASSWORD not in page.text


def test_bar_has_room_for_the_scopes_and_the_account_switch(settings: Settings) -> None:
    html = render_graphiql_html(settings)
    assert 'id="pg-scopes"' in html
    assert 'id="pg-switch"' in html


def test_script_shows_who_and_which_scopes_and_switches_with_a_login_hint() -> None:
    # who: the viewer's name and e-mail; scopes: those the token carries
    assert "viewer { displayName email }" in SCRIPT
    assert "tokenClaims(auth.access_token).scope" in SCRIPT
    # switching signs out, then asks for the password of the chosen account
    assert 'params.set("login_hint", loginHint)' in SCRIPT
    assert "/oauth/demo-accounts" in SCRIPT
