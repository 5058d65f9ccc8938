"""The authorization endpoint's pages: sign in, consent, then back to the app with a code.

GET /oauth/authorize validates the request (client, exact redirect URI, scopes, PKCE), then shows
the sign-in form, the consent page, or, for a signed-in employee and a first-party client,
redirects straight back. POST carries the form (always with the CSRF token) to the same URL.

`prompt=login` (as in OpenID Connect) shows the sign-in form even to a browser that is still
signed in: GraphiQL sends it after "Sign out", so the next sign-in can be someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anyio import to_thread
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.util import scope_to_list
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from auth import store
from auth.csrf import CSRF_COOKIE, SESSION_COOKIE, CookieSigner
from auth.passwords import verify_password
from auth.scopes import SCOPE_DESCRIPTIONS, Scope
from auth.server import PeopleGraphAuthorizationServer, PlainOAuth2Request
from auth.throttle import LoginThrottle
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


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=_NO_STORE)


def _to_response(result: tuple[int, Any, list[tuple[str, str]]]) -> Response:
    status, body, headers = result
    if status == 302:
        return Response(status_code=302, headers={**dict(headers), **_NO_STORE})
    # An error Authlib cannot redirect: the client or its redirect URI is not trusted.
    text = body.get("error_description") or body.get("error") if isinstance(body, dict) else str(body)
    return render("message.html", status, title="This sign-in link is not valid", message=text)


@dataclass
class AuthorizePages:
    server: PeopleGraphAuthorizationServer
    cookies: CookieSigner
    throttle: LoginThrottle

    async def __call__(self, request: Request) -> Response:
        form = await request.form() if request.method == "POST" else None
        oauth_request = PlainOAuth2Request(
            request.method, str(request.url), request.headers, request.query_params.multi_items(), []
        )
        try:
            grant = await to_thread.run_sync(self.server.get_consent_grant, oauth_request, None)
        except OAuth2Error as error:
            return _to_response(self.server.handle_error_response(oauth_request, error))

        csrf_value = request.cookies.get(CSRF_COOKIE) or self.cookies.new_csrf_value()
        page = _Page(self, request, grant, oauth_request, csrf_value)
        owner_id = self.cookies.session_employee(request.cookies.get(SESSION_COOKIE))
        owner = await store.get_owner(owner_id) if owner_id is not None else None

        if form is not None:
            if not self.cookies.check_csrf(request.cookies.get(CSRF_COOKIE), str(form.get("csrf_token", ""))):
                return page.message(
                    403, "Please try again", "The form expired or was not sent from this page.", retry=True
                )
            action = str(form.get("action", ""))
            if action == "login":
                return await page.sign_in(str(form.get("email", "")), str(form.get("password", "")))
            if owner is None:
                return page.login()
            if action in {"approve", "deny"}:
                return await page.finish(owner if action == "approve" else None)
        if owner is None or _prompts_for_login(request):
            return page.login()
        return await page.decide(owner)


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

    @property
    def client(self) -> store.ClientInfo:
        return self.grant.request.client

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

    def login(self, *, error: str | None = None, email: str = "", status: int = 200) -> Response:
        page = render("login.html", status, error=error, email=email, **self._context())
        return self._with_csrf(page)

    def message(self, status: int, title: str, message: str, *, retry: bool = False) -> Response:
        # retry: link back to this (valid) authorization request, which shows a fresh form.
        retry_url = self._context()["action"] if retry else None
        page = render("message.html", status, title=title, message=message, retry_url=retry_url)
        return self._with_csrf(page)

    async def sign_in(self, email: str, password: str) -> Response:
        throttle = self.pages.throttle
        address = self.request.client.host if self.request.client else ""
        key = throttle.key(email, address)
        if (wait := throttle.retry_after(key)) > 0:
            return self._too_many(wait)
        employee = await Employee.filter(email__iexact=email.strip()).first() if email.strip() else None
        password_hash = employee.password_hash if employee else None
        valid = await to_thread.run_sync(verify_password, password_hash, password)
        if not valid or employee is None or employee.status == EmployeeStatus.TERMINATED:
            throttle.record_failure(key)
            if (wait := throttle.retry_after(key)) > 0:
                return self._too_many(wait)
            # Same words whether the e-mail is unknown or the password wrong.
            return self.login(error=BAD_CREDENTIALS, email=email, status=400)
        throttle.record_success(key)
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

    async def decide(self, owner: store.Owner) -> Response:
        if self.client.first_party:
            return await self.finish(owner)
        scopes = owner.allowed_scopes(scope_to_list(self.oauth_request.scope) or [])
        listed = [(s, SCOPE_DESCRIPTIONS.get(Scope(s), s)) for s in scopes if s in Scope._value2member_map_]
        page = render(
            "consent.html",
            owner_name=owner.name,
            owner_email=owner.email,
            scopes=listed,
            **self._context(),
        )
        return self._with_csrf(page)

    async def finish(self, owner: store.Owner | None) -> Response:
        result = await to_thread.run_sync(
            self.pages.server.create_authorization_response, self.oauth_request, owner, self.grant
        )
        return _to_response(result)
