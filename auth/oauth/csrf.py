"""Signed cookies for the sign-in pages: the CSRF token and the short sign-in session.

CSRF is a signed double submit: a random value lives in an HttpOnly cookie, and every form
carries that value signed with the server secret. A cross-site page can neither read the cookie
nor forge the signature. The sign-in session lets the consent step (and the next authorization
request, a few minutes later) go through without asking for the password again.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

CSRF_COOKIE = "pg_csrf"
SESSION_COOKIE = "pg_session"
COOKIE_PATH = "/oauth"
CSRF_MAX_AGE = 3600
SESSION_MAX_AGE = 30 * 60


@dataclass(frozen=True)
class CookieSigner:
    secret: bytes
    secure: bool  # set the Secure flag when the issuer is https

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=f"peoplegraph.{purpose}")

    # CSRF

    @staticmethod
    def new_csrf_value() -> str:
        return secrets.token_urlsafe(24)

    def csrf_token(self, cookie_value: str) -> str:
        return self._serializer("csrf").dumps(cookie_value)

    def check_csrf(self, cookie_value: str | None, form_token: str | None) -> bool:
        if not cookie_value or not form_token:
            return False
        try:
            signed = self._serializer("csrf").loads(form_token, max_age=CSRF_MAX_AGE)
        except BadSignature:
            return False
        return isinstance(signed, str) and hmac.compare_digest(signed, cookie_value)

    def set_csrf_cookie(self, response: Response, value: str) -> None:
        response.set_cookie(
            CSRF_COOKIE,
            value,
            max_age=CSRF_MAX_AGE,
            path=COOKIE_PATH,
            httponly=True,
            secure=self.secure,
            samesite="lax",
        )

    # Sign-in session

    def session_cookie(self, employee_id: int) -> str:
        return self._serializer("session").dumps({"eid": employee_id})

    def session_employee(self, cookie_value: str | None) -> int | None:
        if not cookie_value:
            return None
        try:
            data = self._serializer("session").loads(cookie_value, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        employee_id = data.get("eid") if isinstance(data, dict) else None
        return employee_id if isinstance(employee_id, int) else None

    def set_session_cookie(self, response: Response, employee_id: int) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            self.session_cookie(employee_id),
            max_age=SESSION_MAX_AGE,
            path=COOKIE_PATH,
            httponly=True,
            secure=self.secure,
            samesite="lax",
        )

    def clear_session_cookie(self, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
