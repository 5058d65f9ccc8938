"""Malformed requests get the RFC's error, never an HTTP 500 (RFC 6749 4.1.2.1, 5.2)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from tests.support.oauth_helpers import (
    AUTHORIZE_URL,
    BASE,
    INTROSPECT_URL,
    REDIRECT_URI,
    REVOKE_URL,
    TOKEN_URL,
    browser,
    csrf_token,
    form_action,
    make_employee,
    make_web_client,
    new_verifier,
    query_of,
)

# Appended, already percent-encoded, to one parameter: quote, backslash, NUL, a control
# character, a newline, a huge value, bytes that are not UTF-8.
BAD_SUFFIXES = {
    "quote": "%22",
    "backslash": "%5C",
    "nul": "%00",
    "control": "%1F",
    "newline": "%0A",
    "huge": "x" * 5000,
    "not-utf8": "%FF%FE",
}
# A quote or backslash is legal in `state` (any visible ASCII character, RFC 6749 appendix A).
STATE_MAY_HOLD = {"quote", "backslash"}
AUTHORIZE_PARAMS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "prompt",
)


def _params(client_id: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "tasks:read",
        "state": "s1",
        "code_challenge": create_s256_code_challenge(new_verifier()),
        "code_challenge_method": "S256",
        "prompt": "login",
    }


def _query(pairs: list[tuple[str, str]], raw_suffix: dict[str, str] | None = None) -> str:
    suffix = raw_suffix or {}
    return "&".join(f"{quote(k)}={quote(v, safe='')}{suffix.get(k, '')}" for k, v in pairs)


def assert_error_page(response: Any) -> None:
    # The client or redirect URI is not trusted: an HTML page, never a redirect.
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "This sign-in link is not valid" in response.text


def assert_error_redirect(response: Any, error: str, *, state: str | None = "s1") -> None:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    params = query_of(location)
    assert params["error"] == error
    assert params["iss"] == BASE
    assert params.get("state") == state


async def _authorize(app: Any, query: str) -> Any:
    async with browser(app) as web:
        return await web.get(f"{AUTHORIZE_URL}?{query}")


@pytest.mark.parametrize("suffix", BAD_SUFFIXES)
@pytest.mark.parametrize("param", AUTHORIZE_PARAMS)
async def test_malformed_authorize_parameter_gets_the_rfc_error(
    oauth_app: Any, param: str, suffix: str
) -> None:
    # given a valid authorization request for a registered public client
    client = await make_web_client(public=True)
    pairs = list(_params(client.client_id).items())
    # when one parameter carries a character or length its grammar forbids
    response = await _authorize(oauth_app, _query(pairs, {param: BAD_SUFFIXES[suffix]}))
    # then: an error page when the client or redirect URI cannot be trusted, otherwise the
    # error goes back to the app (with state when state itself was sound)
    if param in {"client_id", "redirect_uri"}:
        assert_error_page(response)
    elif param == "state" and suffix in STATE_MAY_HOLD:
        assert response.status_code == 200
        assert "Sign in" in response.text
    else:
        error = "invalid_scope" if param == "scope" else "invalid_request"
        assert_error_redirect(response, error, state=None if param == "state" else "s1")


@pytest.mark.parametrize("param", AUTHORIZE_PARAMS)
async def test_repeated_authorize_parameter_is_refused(oauth_app: Any, param: str) -> None:
    client = await make_web_client(public=True)
    pairs = list(_params(client.client_id).items())
    pairs.append((param, dict(pairs)[param]))
    response = await _authorize(oauth_app, _query(pairs))
    if param in {"client_id", "redirect_uri"}:
        assert_error_page(response)
    else:
        error = "invalid_scope" if param == "scope" else "invalid_request"
        assert_error_redirect(response, error, state=None if param == "state" else "s1")


@pytest.mark.parametrize(
    ("param", "value", "outcome"),
    [
        ("client_id", None, "page"),
        ("client_id", "pgc_unknown", "page"),
        ("redirect_uri", "https://evil.example.com/callback", "page"),
        ("redirect_uri", None, "login"),  # the client's only registered URI is used
        ("response_type", None, "invalid_request"),
        ("response_type", "token", "unsupported_response_type"),
        ("scope", "nope:read", "invalid_scope"),
        ("code_challenge", None, "invalid_request"),  # public clients must use PKCE
        ("code_challenge", "too-short", "invalid_request"),
        ("code_challenge_method", "plain", "invalid_request"),
        ("state", None, "login"),
    ],
    ids=lambda value: str(value),
)
async def test_missing_or_wrong_authorize_parameter(
    oauth_app: Any, param: str, value: Any, outcome: str
) -> None:
    client = await make_web_client(public=True)
    params = _params(client.client_id)
    if value is None:
        del params[param]
    else:
        params[param] = value
    response = await _authorize(oauth_app, _query(list(params.items())))
    if outcome == "page":
        assert_error_page(response)
    elif outcome == "login":
        assert response.status_code == 200
        assert "Sign in" in response.text
    else:
        assert_error_redirect(response, outcome, state=params.get("state"))


def _basic(raw: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MALFORMED_ENDPOINT_REQUESTS = {
    "quote-in-grant-type": (b"grant_type=%22&token=t", FORM, 400, "invalid_request"),
    "backslash-in-grant-type": (b"grant_type=a%5Cb&token=t", FORM, 400, "invalid_request"),
    "nul-in-client-id": (b"client_id=a%00b&token=t&grant_type=refresh_token", FORM, 400, "invalid_request"),
    "nul-in-refresh-token": (
        b"grant_type=refresh_token&refresh_token=%00&client_id=c",
        FORM,
        400,
        "invalid_request",
    ),
    "not-utf8-body": (b"grant_type=\xff\xfe&token=\xff", FORM, 400, "invalid_request"),
    "not-utf8-escapes": (
        b"grant_type=authorization_code&code=%FF%FE&client_id=c",
        FORM,
        400,
        "invalid_request",
    ),
    "repeated-token": (
        b"token=a&token=b&client_id=c&grant_type=client_credentials",
        FORM,
        400,
        "invalid_request",
    ),
    "huge-token": (b"token=" + b"x" * 5000 + b"&client_id=c", FORM, 400, "invalid_request"),
    "too-many-fields": (b"&".join(b"f%d=1" % i for i in range(100)), FORM, 400, "invalid_request"),
    "oversized-field": (b"f=" + b"x" * 20000, FORM, 400, "invalid_request"),
    "broken-multipart": (
        b"--x\r\nbroken",
        {"Content-Type": "multipart/form-data; boundary=x"},
        400,
        "invalid_request",
    ),
    "basic-not-base64": (
        b"grant_type=client_credentials&token=t",
        {**FORM, "Authorization": "Basic !!!"},
        401,
        "invalid_client",
    ),
    "basic-not-utf8": (
        b"grant_type=client_credentials&token=t",
        {**FORM, **_basic(b"\xff\xfe:x")},
        401,
        "invalid_client",
    ),
    "basic-no-colon": (
        b"grant_type=client_credentials&token=t",
        {**FORM, **_basic(b"nocolon")},
        401,
        "invalid_client",
    ),
    "basic-nul": (
        b"grant_type=client_credentials&token=t",
        {**FORM, **_basic(b"a%00:b")},
        401,
        "invalid_client",
    ),
}


@pytest.mark.parametrize("case", MALFORMED_ENDPOINT_REQUESTS)
@pytest.mark.parametrize(
    "url", [TOKEN_URL, REVOKE_URL, INTROSPECT_URL], ids=["token", "revoke", "introspect"]
)
async def test_malformed_endpoint_request_gets_rfc_error_json(
    oauth_app: Any, http: Any, url: str, case: str
) -> None:
    body, headers, status, error = MALFORMED_ENDPOINT_REQUESTS[case]
    # when a malformed form or client authentication reaches a token endpoint
    response = await http.post(url, content=body, headers=headers)
    # then it gets the RFC 6749 5.2 error JSON, never a 500, and nothing is cached
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.headers["cache-control"] == "no-store"
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ada\x00@example.com", "x"),
        ("\x07", "x"),
        ("a" * 5000 + "@example.com", "x"),
        ("ada@example.com", "p" * 5000),
        ("ada@example.com\udcff", "x"),
    ],
    ids=["nul-email", "control-email", "huge-email", "huge-password", "lone-surrogate"],
)
async def test_malformed_sign_in_form_is_just_a_wrong_password(
    oauth_app: Any, email: str, password: str
) -> None:
    await make_employee()
    client = await make_web_client(public=True)
    url = f"{AUTHORIZE_URL}?{_query(list(_params(client.client_id).items()))}"
    async with browser(oauth_app) as web:
        page = await web.get(url)
        body = urlencode(
            {"csrf_token": csrf_token(page.text), "action": "login", "email": email, "password": password},
            errors="surrogateescape",
        )
        response = await web.post(
            form_action(page.text),
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 400
    assert "Incorrect e-mail or password." in response.text
