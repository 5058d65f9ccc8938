"""OAuth storage: the async queries behind the authorization server's hooks.

Secrets never rest in the database in the clear: client secrets, authorization codes and
refresh tokens are random 256-bit strings, stored as SHA-256 digests (a slow password hash
adds nothing for values that cannot be guessed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from auth.revocation import Revocation, announce
from auth.scopes import HR_ONLY_SCOPES
from models.employees import Employee, EmployeeRole, EmployeeStatus
from models.oauth import OAuthClient, OAuthCode, OAuthToken

CODE_TTL = timedelta(minutes=5)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _is_loopback_ip(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in {"127.0.0.1", "::1"} and parts.username is None


def _without_loopback_port(uri: str) -> str | None:
    """The URI with its port dropped, for an http://127.0.0.1 or http://[::1] URI; else None."""
    if not _is_loopback_ip(uri):
        return None
    parts = urlsplit(uri)
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number)
    except ValueError:
        return None
    host = "[::1]" if parts.hostname == "::1" else "127.0.0.1"
    return urlunsplit(parts._replace(netloc=host))


@dataclass(frozen=True)
class ClientInfo(ClientMixin):
    """A registered client as Authlib sees it (a plain snapshot: safe to use in a worker thread)."""

    client_id: str
    name: str
    secret_hash: str | None
    grant_types: tuple[str, ...]
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    public: bool
    first_party: bool
    resource_server: bool

    @classmethod
    def from_row(cls, row: OAuthClient) -> ClientInfo:
        return cls(
            client_id=row.client_id,
            name=row.name,
            secret_hash=row.client_secret_hash,
            grant_types=tuple(row.grant_types),
            redirect_uris=tuple(row.redirect_uris),
            scopes=tuple(scope_to_list(row.scopes) or ()),
            public=row.public,
            first_party=row.first_party,
            resource_server=row.resource_server,
        )

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        # No scope asked: everything the client is registered for (RFC 6749 section 3.3 default).
        if not scope:
            return list_to_scope(list(self.scopes))
        allowed = set(self.scopes)
        return list_to_scope([s for s in scope_to_list(scope) if s in allowed])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # Exact string match, as RFC 9700 asks: no prefix or pattern matching. The one
        # exception is RFC 8252 7.3: a native app listening on a loopback IP gets a port from
        # the system at each run, so for public clients the port of such a URI may vary.
        if redirect_uri in self.redirect_uris:
            return True
        return self.public and _without_loopback_port(redirect_uri) in {
            _without_loopback_port(uri) for uri in self.redirect_uris if _is_loopback_ip(uri)
        }

    def check_client_secret(self, client_secret: str) -> bool:
        if self.secret_hash is None:
            return False
        return hmac.compare_digest(self.secret_hash, digest(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.public:
            return method == "none"
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


@dataclass(frozen=True)
class Owner:
    """The employee a user token acts for."""

    id: int
    email: str
    name: str
    role: str

    def get_user_id(self) -> int:
        return self.id

    @property
    def is_hr(self) -> bool:
        return self.role in {EmployeeRole.HR, EmployeeRole.ADMIN}

    def allowed_scopes(self, scopes: list[str]) -> list[str]:
        """HR-only scopes are dropped from an employee's token unless they are HR or admin."""
        return scopes if self.is_hr else [s for s in scopes if s not in HR_ONLY_SCOPES]


@dataclass(frozen=True)
class CodeRecord:
    """A claimed authorization code, as Authlib's grant reads it."""

    client_id: str
    employee_id: int
    redirect_uri: str
    scope: str
    code_challenge: str | None
    code_challenge_method: str | None
    family_id: str | None

    @classmethod
    def from_row(cls, row: OAuthCode) -> CodeRecord:
        return cls(
            client_id=row.client_id,
            employee_id=row.employee_id,
            redirect_uri=row.redirect_uri,
            scope=row.scope,
            code_challenge=row.code_challenge,
            code_challenge_method=row.code_challenge_method,
            family_id=row.family_id,
        )

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass(frozen=True)
class RefreshRecord:
    """A stored refresh token, as the refresh grant and the revoke/introspect endpoints read it."""

    client_id: str
    employee_id: int | None
    scope: str
    family_id: str | None
    issued_at: datetime
    expires_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, row: OAuthToken) -> RefreshRecord:
        return cls(
            client_id=row.client_id,
            employee_id=row.employee_id,
            scope=row.scope,
            family_id=row.family_id,
            issued_at=row.issued_at,
            expires_at=row.expires_at,
            rotated_at=row.rotated_at,
            revoked_at=row.revoked_at,
        )

    def get_scope(self) -> str:
        return self.scope

    def check_client(self, client: ClientMixin) -> bool:
        return self.client_id == client.get_client_id()


async def get_client(client_id: str) -> ClientInfo | None:
    row = await OAuthClient.get_or_none(client_id=client_id, revoked_at__isnull=True)
    return ClientInfo.from_row(row) if row else None


async def get_owner(employee_id: int) -> Owner | None:
    row = await Employee.get_or_none(id=employee_id)
    if row is None or row.status == EmployeeStatus.TERMINATED:
        return None
    return Owner(id=row.id, email=row.email, name=row.display_name, role=str(row.role))


async def save_code(
    code: str,
    *,
    client_id: str,
    employee_id: int,
    redirect_uri: str,
    scope: str,
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> None:
    await OAuthCode.create(
        code_hash=digest(code),
        client_id=client_id,
        employee_id=employee_id,
        redirect_uri=redirect_uri,
        scope=scope,
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
        family_id=secrets.token_hex(16),
        expires_at=utcnow() + CODE_TTL,
    )


async def claim_code(code: str, client_id: str) -> CodeRecord | None:
    """Use a code once. A second use revokes every token the first one produced (RFC 6749 4.1.2)."""
    row = await OAuthCode.get_or_none(code_hash=digest(code), client_id=client_id)
    if row is None:
        return None
    now = utcnow()
    claimed = await OAuthCode.filter(id=row.id, used_at__isnull=True).update(used_at=now)
    if not claimed:
        if row.family_id:
            await revoke_family(row.family_id)
        return None
    if row.expires_at <= now:
        return None
    return CodeRecord.from_row(row)


async def save_refresh_token(
    token: str,
    *,
    family_id: str,
    client_id: str,
    employee_id: int | None,
    scope: str,
    access_token_jti: str | None,
    ttl: int,
) -> None:
    now = utcnow()
    await OAuthToken.create(
        kind="refresh",
        refresh_token_hash=digest(token),
        family_id=family_id,
        client_id=client_id,
        employee_id=employee_id,
        scope=scope,
        access_token_jti=access_token_jti,
        issued_at=now,
        expires_at=now + timedelta(seconds=ttl),
    )


async def find_refresh_token(token: str) -> RefreshRecord | None:
    row = await OAuthToken.get_or_none(refresh_token_hash=digest(token), kind="refresh")
    return RefreshRecord.from_row(row) if row else None


async def claim_refresh_token(token: str, client_id: str) -> RefreshRecord | None:
    """Rotate a refresh token: it works once. Presenting a rotated one again means it leaked:
    the whole family (every token descended from the same sign-in) is revoked."""
    row = await OAuthToken.get_or_none(refresh_token_hash=digest(token), kind="refresh")
    if row is None or row.client_id != client_id or row.revoked_at is not None:
        return None
    now = utcnow()
    claimed = await OAuthToken.filter(id=row.id, rotated_at__isnull=True, revoked_at__isnull=True).update(
        rotated_at=now
    )
    if not claimed:
        await revoke_family(row.family_id or "")
        return None
    if row.expires_at <= now:
        return None
    return RefreshRecord.from_row(row)


async def revoke_family(family_id: str) -> None:
    if family_id:
        ended = await revoke_refresh_tokens(family_id=family_id)
        if ended:
            await announce(Revocation("the sign-in was revoked", token_ids=ended))


async def revoke_refresh_tokens(using_db: BaseDBAsyncClient | None = None, **match: Any) -> tuple[str, ...]:
    """End the live tokens matching `match` (family_id=, client_id= or employee_id=); returns
    the ids of the access tokens issued with them, which are refused from now on too."""
    live = OAuthToken.filter(revoked_at__isnull=True, **match).using_db(using_db)
    ended = await live.values_list("access_token_jti", flat=True)
    await live.update(revoked_at=utcnow())
    return tuple(str(jti) for jti in ended if jti)


async def revoke_access_token(jti: str, *, client_id: str, employee_id: int | None, expires_at: int) -> None:
    if await OAuthToken.filter(Q(access_token_jti=jti), Q(revoked_at__isnull=False)).exists():
        return
    now = utcnow()
    await OAuthToken.create(
        kind="revoked_access",
        client_id=client_id,
        employee_id=employee_id,
        access_token_jti=jti,
        issued_at=now,
        expires_at=datetime.fromtimestamp(expires_at, UTC),
        revoked_at=now,
    )
    await announce(Revocation("the access token was revoked", token_ids=(jti,)))
