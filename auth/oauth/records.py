"""What Authlib's hooks see of our rows: plain snapshots of clients, owners, codes and refresh tokens.

Snapshots, not ORM rows, so that they are safe to use in the worker thread the authorization
server runs in (auth/oauth/server.py). The queries that make them are in auth/oauth/store.py.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list

from auth.rules.base import is_privileged
from auth.scopes import HR_ONLY_SCOPES
from models.oauth import OAuthClient, OAuthCode, OAuthToken


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


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
    trusted_documents_only: bool = False

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
            trusted_documents_only=row.trusted_documents_only,
        )

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        # No scope asked: everything the client is registered for (RFC 6749 section 3.3 default).
        if not scope:
            everything: str = list_to_scope(list(self.scopes))
            return everything
        allowed = set(self.scopes)
        granted: str = list_to_scope([s for s in scope_to_list(scope) if s in allowed])
        return granted

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
        return is_privileged(self.role)

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
        client_id: str = client.get_client_id()
        return self.client_id == client_id
