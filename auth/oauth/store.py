"""OAuth storage: the async queries behind the authorization server's hooks.

Secrets never rest in the database in the clear: client secrets, authorization codes and
refresh tokens are random 256-bit strings, stored as SHA-256 digests (a slow password hash
adds nothing for values that cannot be guessed). What the queries return is in
auth/oauth/records.py.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from auth.oauth.records import ClientInfo, CodeRecord, Owner, RefreshRecord, digest
from auth.revocation import Revocation, announce
from models.employees import Employee, EmployeeStatus
from models.oauth import OAuthClient, OAuthCode, OAuthToken

CODE_TTL = timedelta(minutes=5)


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def utcnow() -> datetime:
    return datetime.now(UTC)


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
