"""Operator tools: register, list and revoke OAuth clients; mint a token by hand.

Also keeps the built-in clients in place: `peoplegraph-graphiql`, the public first-party client
the GraphiQL page signs in with (redirect URI exactly `{issuer}/graphql`), `peoplegraph-web`, the
one the self-service web app at `/` signs in with (redirect URI exactly `{issuer}/`, self-service
scopes only), and
`peoplegraph-cli`, the client named in tokens an operator mints with `peoplegraph token`
(it has no secret and no grant: nobody can use it at the token endpoint).
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from tortoise.exceptions import IntegrityError

from auth import tokens
from auth.oauth import store
from auth.oauth.params import is_valid
from auth.oauth.records import digest
from auth.revocation import Revocation, announce
from auth.scopes import ALL_SCOPES, EMPLOYEE_SCOPES, Scope, parse_scopes
from config import Settings
from models.employees import Employee
from models.oauth import OAuthClient

GRAPHIQL_CLIENT_ID = "peoplegraph-graphiql"
WEB_CLIENT_ID = "peoplegraph-web"
# What an employee does for themselves in the web app: EMPLOYEE_SCOPES without a team lead's
# member management and an instructor's outcomes (no screen for them), and never webhooks, the
# audit log or HR writes, so a token taken from a browser can do no more than the app shows.
WEB_SCOPES: tuple[str, ...] = tuple(
    s for s in EMPLOYEE_SCOPES if s not in {Scope.TEAMS_WRITE, Scope.TRAINING_MANAGE}
)
CLI_CLIENT_ID = "peoplegraph-cli"
GRANTS = {
    "client_credentials": ["client_credentials"],
    "authorization_code": ["authorization_code", "refresh_token"],
}


class ClientError(ValueError):
    """A client registration the operator should fix."""


@dataclass(frozen=True)
class NewClient:
    client_id: str
    client_secret: str | None  # shown once; only its digest is stored

    def as_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "client_secret": self.client_secret}


def graphiql_redirect_uri(settings: Settings) -> str:
    return f"{settings.issuer}/graphql"


def web_redirect_uri(settings: Settings) -> str:
    return f"{settings.issuer}/"


async def _upsert_builtin(client_id: str, **values: Any) -> None:
    row = await OAuthClient.get_or_none(client_id=client_id)
    if row is None:
        # Another worker starting at the same moment may make it first: that is fine.
        with contextlib.suppress(IntegrityError):
            await OAuthClient.create(client_id=client_id, **values)
        return
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if changed or row.revoked_at is not None:
        await OAuthClient.filter(id=row.id).update(revoked_at=None, **changed)


async def ensure_graphiql_client(settings: Settings) -> None:
    """Create or update the built-in clients (idempotent; safe with several workers).

    Only a serving process calls this: it ADDS its own `/graphql` to GraphiQL's redirect URIs
    and its own `/` to the web app's, so servers on other ports or hosts sharing the database
    keep theirs.
    """
    await _ensure_browser_client(GRAPHIQL_CLIENT_ID, "GraphiQL", graphiql_redirect_uri(settings), ALL_SCOPES)
    await ensure_web_client(settings)
    await ensure_cli_client()


async def _ensure_browser_client(
    client_id: str, name: str, uri: str, scopes: tuple[str, ...], *, trusted_documents_only: bool = False
) -> None:
    """A built-in public, first-party page client; ADDS `uri` to those other servers registered."""
    row = await OAuthClient.get_or_none(client_id=client_id)
    uris = list(row.redirect_uris) if row is not None else []
    await _upsert_builtin(
        client_id,
        name=name,
        client_secret_hash=None,
        grant_types=GRANTS["authorization_code"],
        redirect_uris=uris if uri in uris else [*uris, uri],
        scopes=" ".join(scopes),
        public=True,
        first_party=True,
        # GraphiQL: analysts type their own queries. The web app sends only its own operations
        # (registered at start-up by auth/oauth/documents.py `ensure_web_documents`).
        trusted_documents_only=trusted_documents_only,
    )


async def ensure_web_client(settings: Settings) -> None:
    """The web app's client: public, first party, and limited to the operations it ships."""
    await _ensure_browser_client(
        WEB_CLIENT_ID,
        "peoplegraph web app",
        web_redirect_uri(settings),
        WEB_SCOPES,
        trusted_documents_only=True,
    )


async def ensure_cli_client() -> None:
    """The client named in operator-minted tokens; touches no other registration."""
    await _upsert_builtin(
        CLI_CLIENT_ID,
        name="peoplegraph command line",
        client_secret_hash=None,
        grant_types=[],
        redirect_uris=[],
        scopes=" ".join(ALL_SCOPES),
        public=False,
        first_party=True,
    )


def _check_redirect_uri(uri: str) -> None:
    parts = urlsplit(uri)
    if "#" in uri or not is_valid("redirect_uri", uri):
        raise ClientError(f"redirect URI {uri!r} must be an absolute URI without a fragment")
    # A native app's private-use scheme (RFC 8252 7.1): a reversed domain name such as
    # com.example.tasks:/oauth, which has no host. javascript:, data: and the like have no dot.
    if parts.scheme not in {"http", "https"} and "." in parts.scheme and parts.path.startswith("/"):
        return
    loopback = parts.hostname in {"localhost", "127.0.0.1", "::1"}
    if not parts.hostname:
        raise ClientError(f"redirect URI {uri!r} must be absolute and have no fragment")
    if parts.scheme == "https" or (parts.scheme == "http" and loopback):
        return
    raise ClientError(f"redirect URI {uri!r} must use https (http only for localhost)")


async def create_client(
    *,
    name: str,
    grant: str,
    scopes: str,
    redirect_uris: list[str] | None = None,
    public: bool = False,
    first_party: bool = False,
    resource_server: bool = False,
) -> NewClient:
    if grant not in GRANTS:
        raise ClientError(f"grant must be one of {', '.join(GRANTS)}")
    wanted = scopes.split()
    unknown = sorted(set(wanted) - set(ALL_SCOPES))
    if unknown or not wanted:
        raise ClientError(f"unknown or missing scopes: {' '.join(unknown) or '(none given)'}")
    uris = list(redirect_uris or [])
    if grant == "authorization_code" and not uris:
        raise ClientError("an authorization_code client needs at least one --redirect-uri")
    if grant == "client_credentials" and public:
        raise ClientError("a client_credentials client must be confidential (it has a secret)")
    if resource_server and public:
        raise ClientError("a resource server must be confidential (it introspects with its secret)")
    for uri in uris:
        _check_redirect_uri(uri)
    client_id = "pgc_" + secrets.token_urlsafe(16)
    secret = None if public else store.new_secret("pgs_")
    await OAuthClient.create(
        client_id=client_id,
        client_secret_hash=digest(secret) if secret else None,
        name=name,
        grant_types=GRANTS[grant],
        redirect_uris=uris,
        scopes=" ".join(s for s in ALL_SCOPES if s in wanted),
        public=public,
        first_party=first_party,
        resource_server=resource_server,
    )
    return NewClient(client_id=client_id, client_secret=secret)


async def list_clients() -> list[dict[str, Any]]:
    rows = await OAuthClient.all().order_by("id")
    return [
        {
            "client_id": row.client_id,
            "name": row.name,
            "grant_types": row.grant_types,
            "redirect_uris": row.redirect_uris,
            "scopes": row.scopes,
            "public": row.public,
            "first_party": row.first_party,
            "resource_server": row.resource_server,
            "trusted_documents_only": row.trusted_documents_only,
            "revoked": row.revoked_at is not None,
        }
        for row in rows
    ]


async def revoke_client(client_id: str) -> bool:
    """Refuse the client from now on and end everything it holds: its access tokens are refused
    on the next request (auth/tokens.py checks the client), its refresh tokens end, and the
    announcement disables its webhooks and closes its open subscriptions (auth/revocation.py)."""
    now = datetime.now(UTC)
    updated = await OAuthClient.filter(client_id=client_id, revoked_at__isnull=True).update(revoked_at=now)
    await store.revoke_refresh_tokens(client_id=client_id)
    if updated:
        await announce(Revocation("its OAuth client was revoked", client_id=client_id))
    return bool(updated)


async def mint_token(
    settings: Settings, *, scopes: str, employee_email: str | None = None, client_id: str | None = None
) -> dict[str, Any]:
    """An access token for an employee (client `peoplegraph-cli`) or a service client, by hand."""
    from auth.oauth.server import build_server

    if not tokens.is_configured():
        tokens.configure(settings)
    # Never ensure_graphiql_client here: this command's environment (issuer, port) may not be
    # the server's, and rewriting GraphiQL's redirect URI would break its sign-in.
    await ensure_cli_client()
    owner = None
    if employee_email is not None:
        employee = await Employee.filter(email__iexact=employee_email.strip()).first()
        owner = await store.get_owner(employee.id) if employee else None
        if owner is None:
            raise ClientError(f"no active employee with e-mail {employee_email}")
    client = await store.get_client(client_id or CLI_CLIENT_ID)
    if client is None:
        raise ClientError(f"no active client {client_id}")
    if not parse_scopes(scopes) and scopes.strip():
        raise ClientError(f"unknown scopes: {scopes}")
    server = build_server(settings)
    token: dict[str, Any] = server.generate_token(
        grant_type="operator", client=client, user=owner, scope=scopes or None, include_refresh_token=False
    )
    return token
