"""The authorization endpoint's pages: sign in, consent, then back to the app with a code.

GET /oauth/authorize validates the request (client, exact redirect URI, scopes, PKCE), then shows
the sign-in form, the consent page, or, for a signed-in employee and a first-party client,
redirects straight back. POST carries the form (always with the CSRF token) to the same URL.

`prompt=login` (as in OpenID Connect) shows the sign-in form even to a browser that is still
signed in: GraphiQL sends it after "Sign out", so the next sign-in can be someone else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from anyio import to_thread
from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.util import scope_to_list
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from auth.oauth import params, store
from auth.oauth.csrf import CSRF_COOKIE, SESSION_COOKIE, CookieSigner
from auth.oauth.records import ClientInfo, Owner
from auth.oauth.server import PeopleGraphAuthorizationServer, PlainOAuth2Request
from auth.oauth.throttle import Throttles
from auth.passwords import verify_password
from auth.scopes import SCOPE_DESCRIPTIONS, Scope
from models.employees import Employee, EmployeeStatus

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
_NO_STORE = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}
BAD_CREDENTIALS = "Incorrect e-mail or password."
_MAX_EMAIL = 320
DemoPassword = Callable[[str], Awaitable[str | None]]
_MAX_PASSWORD = 1024


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=_NO_STORE)


def _error_page(status: int, message: str) -> HTMLResponse:
    # The client or its redirect URI cannot be trusted: never redirect (RFC 6749 4.1.2.1).
    return render("message.html", status, title="This sign-in link is not valid", message=message)


def _origin(uri: str) -> str:
    """Where the browser will be sent, as a person can check it: scheme and host, or the app's
    private-use scheme (RFC 8252) for a native app."""
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"


@dataclass(frozen=True)
class _Target:
    """A client and a redirect URI registered for it: errors may be sent there from now on."""

    client: ClientInfo
    redirect_uri: str
    state: str | None


async def _trusted_target(items: list[tuple[str, str]]) -> _Target | HTMLResponse:
    if problem := params.find_problem(items, params.TRUST):
        return _error_page(400, problem.description)
    fields = dict(items)
    client_id = fields.get("client_id")
    client = await store.get_client(client_id) if client_id else None
    if client is None:
        return _error_page(400, "The application (client_id) is missing or not registered.")
    redirect_uri = fields.get("redirect_uri") or client.get_default_redirect_uri()
    if redirect_uri is None:
        return _error_page(400, "The request has no redirect_uri and the client has several.")
    if not client.check_redirect_uri(redirect_uri):
        return _error_page(400, "The redirect URI is not supported by this client.")
    # Echoed back only when there is exactly one, and a sound one.
    states = [value for key, value in items if key == "state"]
    state = states[0] if len(states) == 1 and params.is_valid("state", states[0]) else None
    return _Target(client, redirect_uri, state)


@dataclass
class AuthorizePages:
    server: PeopleGraphAuthorizationServer
    cookies: CookieSigner
    throttles: Throttles
    issuer: str
    # The demo password of a seeded demo account, given its e-mail (None otherwise); a hook, so
    # that auth/ knows nothing of the demo data.
    demo_password: DemoPassword | None = None

    def redirect(self, location: str, extra: list[tuple[str, str]]) -> Response:
        # RFC 9207: every authorization response names its issuer, so that a client talking
        # to several servers can tell which one answered (mix-up attacks).
        target = add_params_to_uri(location, [*extra, ("iss", self.issuer)])
        return Response(status_code=302, headers={"Location": target, **_NO_STORE})

    def to_response(self, result: tuple[int, Any, list[tuple[str, str]]]) -> Response:
        status, body, headers = result
        if status == 302:
            return self.redirect(dict(headers)["Location"], [])
        # An error Authlib cannot redirect: the client or its redirect URI is not trusted.
        text = body.get("error_description") or body.get("error") if isinstance(body, dict) else body
        return _error_page(status, str(text or "The sign-in request was refused."))

    def redirect_error(self, target: _Target, error: str, description: str) -> Response:
        extra = [("error", error)] + ([("error_description", description)] if description else [])
        if target.state is not None:
            extra.append(("state", target.state))
        return self.redirect(target.redirect_uri, extra)

    async def __call__(self, request: Request) -> Response:
        items = request.query_params.multi_items()
        target = await _trusted_target(items)
        if isinstance(target, HTMLResponse):
            return target
        if problem := params.find_problem(items, required=("response_type",)):
            return self.redirect_error(target, problem.error, problem.description)
        try:
            form = dict(await params.read_form(request)) if request.method == "POST" else None
        except params.MalformedBody as exc:
            return self.redirect_error(target, "invalid_request", str(exc))
        oauth_request = PlainOAuth2Request(request.method, str(request.url), request.headers, items, [])
        try:
            grant = await to_thread.run_sync(self.server.get_consent_grant, oauth_request, None)
        except OAuth2Error as error:
            # The client and redirect URI are checked above, so every other error goes back to
            # the app (an unknown response_type included), as RFC 6749 4.1.2.1 asks.
            return self.redirect_error(target, error.error or "invalid_request", error.description or "")

        csrf_value = request.cookies.get(CSRF_COOKIE) or self.cookies.new_csrf_value()
        page = _Page(self, request, grant, oauth_request, csrf_value, target)
        owner_id = self.cookies.session_employee(request.cookies.get(SESSION_COOKIE))
        owner = await store.get_owner(owner_id) if owner_id is not None else None

        if form is not None:
            if not self.cookies.check_csrf(request.cookies.get(CSRF_COOKIE), form.get("csrf_token", "")):
                return page.message(
                    403, "Please try again", "The form expired or was not sent from this page.", retry=True
                )
            action = form.get("action", "")
            if action == "login":
                return await page.sign_in(form.get("email", ""), form.get("password", ""))
            if owner is None:
                return await page.login()
            if action in {"approve", "deny"}:
                return await page.finish(owner if action == "approve" else None)
        if owner is None or _prompts_for_login(request):
            return await page.login()
        return await page.decide(owner)


async def _employee_by_email(email: str) -> Employee | None:
    email = email.strip()
    # Anything that cannot be an e-mail address (NUL bytes, control characters, huge values)
    # is an unknown account, without asking the database.
    if not email or len(email) > _MAX_EMAIL or not email.isprintable():
        return None
    return await Employee.filter(email__iexact=email).first()


def _prompts_for_login(request: Request) -> bool:
    """GET with `prompt=login`: ask for the password whatever the sign-in session says.

    Only the GET: the form then posts back to the same URL, prompt included, and that POST is
    the sign-in the prompt asked for.
    """
    return request.method == "GET" and "login" in request.query_params.get("prompt", "").split()


@dataclass
class _Page:
    pages: AuthorizePages
    request: Request
    grant: Any
    oauth_request: PlainOAuth2Request
    csrf_value: str
    target: _Target

    @property
    def client(self) -> ClientInfo:
        client: ClientInfo = self.grant.request.client
        return client

    def _context(self) -> dict[str, Any]:
        url = self.request.url
        return {
            "action": url.path + ("?" + url.query if url.query else ""),
            "csrf_token": self.pages.cookies.csrf_token(self.csrf_value),
            "client_name": self.client.name,
        }

    def _with_csrf(self, response: Response) -> Response:
        self.pages.cookies.set_csrf_cookie(response, self.csrf_value)
        return response

    async def login(
        self, *, error: str | None = None, email: str | None = None, status: int = 200
    ) -> Response:
        password = None
        if email is None:
            # login_hint (OpenID Connect): GraphiQL's "switch account" fills the e-mail in, and
            # for a seeded demo account the (published) demo password too.
            email = self.request.query_params.get("login_hint", "")
            if email and self.pages.demo_password is not None:
                password = await self.pages.demo_password(email)
        page = render("login.html", status, error=error, email=email, password=password, **self._context())
        return self._with_csrf(page)

    def message(self, status: int, title: str, message: str, *, retry: bool = False) -> Response:
        # retry: link back to this (valid) authorization request, which shows a fresh form.
        retry_url = self._context()["action"] if retry else None
        page = render("message.html", status, title=title, message=message, retry_url=retry_url)
        return self._with_csrf(page)

    async def sign_in(self, email: str, password: str) -> Response:
        throttle = self.pages.throttles.login
        address = self.request.client.host if self.request.client else ""
        if (wait := await throttle.retry_after(email, address)) > 0:
            return self._too_many(wait)
        employee = await _employee_by_email(email)
        # Verified even for an unknown e-mail, so that both failures take the same time.
        password_hash = employee.password_hash if employee else None
        valid = len(password) <= _MAX_PASSWORD and await to_thread.run_sync(
            verify_password, password_hash, password
        )
        if not valid or employee is None or employee.status == EmployeeStatus.TERMINATED:
            if (wait := await throttle.record_failure(email, address)) > 0:
                return self._too_many(wait)
            # Same words whether the e-mail is unknown or the password wrong.
            return await self.login(error=BAD_CREDENTIALS, email=email, status=400)
        await throttle.record_success(email, address)
        owner = await store.get_owner(employee.id)
        assert owner is not None
        response = await self.decide(owner)
        self.pages.cookies.set_session_cookie(response, owner.id)
        return response

    def _too_many(self, wait: float) -> Response:
        minutes = max(1, round(wait / 60))
        response = self.message(
            429,
            "Too many attempts",
            f"Too many failed sign-ins. Try again in about {minutes} minute(s).",
            retry=True,
        )
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response

    async def decide(self, owner: Owner) -> Response:
        if self.client.first_party:
            return await self.finish(owner)
        scopes = owner.allowed_scopes(scope_to_list(self.oauth_request.scope) or [])
        listed = [(s, SCOPE_DESCRIPTIONS.get(Scope(s), s)) for s in scopes if s in Scope._value2member_map_]
        page = render(
            "consent.html",
            owner_name=owner.name,
            owner_email=owner.email,
            scopes=listed,
            redirect_origin=_origin(self.target.redirect_uri),
            **self._context(),
        )
        return self._with_csrf(page)

    async def finish(self, owner: Owner | None) -> Response:
        result = await to_thread.run_sync(
            self.pages.server.create_authorization_response, self.oauth_request, owner, self.grant
        )
        return self.pages.to_response(result)
