"""Ending a sign-in everywhere at once: the events of a revocation, and what it disables.

A revocation (auth/revocation.py) is written to the log as an `access.revoked` event whose data
says what ended: `clientId` (every token of an OAuth client), `employeeId` (every token of an
employee who left) or `tokenIds` (access-token ids: one token, or a refresh-token family), with a
`reason`. In the same transaction the webhooks that the revoked credentials set up are disabled
(`webhook.disabled` with the reason). After the commit the events go to the broker, so every
process's live connections hear them and those of the ended sign-in are closed
(resolvers/live/stream.py); HTTP requests are refused by the per-request check (auth/tokens.py).
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auth import revocation as hook
from auth.oauth.store import revoke_refresh_tokens
from auth.revocation import Revocation
from events.after_commit import notify_committed
from events.log import EventType, append_events, new_event
from events.webhooks.store import disabling
from models.events import Event
from models.webhooks import Webhook

REVOKED = EventType.ACCESS_REVOKED.value


def revoked_event(
    revocation: Revocation, *, actor_id: int | None = None, client_id: str | None = None
) -> Event:
    """The `access.revoked` event of a revocation (not yet written)."""
    data: dict[str, Any] = {"reason": revocation.reason}
    subject = ("AccessToken", 0)
    if revocation.client_id is not None:
        data["clientId"], subject = revocation.client_id, ("OAuthClient", 0)
    if revocation.employee_id is not None:
        data["employeeId"], subject = revocation.employee_id, ("Employee", revocation.employee_id)
    if revocation.token_ids:
        data["tokenIds"] = list(revocation.token_ids)
    return new_event(
        REVOKED,
        subject_type=subject[0],
        subject_id=subject[1],
        actor_id=actor_id,
        client_id=client_id,
        data=data,
    )


async def _disable_webhooks(conn: BaseDBAsyncClient, revocation: Revocation) -> list[Event]:
    """Disable the endpoints set up through the revoked client or by the employee who left."""
    owned = Q(id__in=[])
    if revocation.client_id is not None:
        owned |= Q(owner_client_id=revocation.client_id) | Q(changed_by_client_id=revocation.client_id)
    if revocation.employee_id is not None:
        owned |= Q(changed_by_employee_id=revocation.employee_id)
    events = []
    for webhook in await Webhook.filter(owned, enabled=True).using_db(conn):
        event = await disabling(conn, webhook, revocation.reason)
        if event is not None:
            events.append(event)
    return events


async def ending(
    conn: BaseDBAsyncClient,
    revocation: Revocation,
    *,
    actor_id: int | None = None,
    client_id: str | None = None,
) -> list[Event]:
    """In the caller's transaction: disable the webhooks; return the events to write last."""
    return [
        *await _disable_webhooks(conn, revocation),
        revoked_event(revocation, actor_id=actor_id, client_id=client_id),
    ]


async def publish(revocation: Revocation) -> None:
    """The announcer the app installs: what the auth layer revoked reaches webhooks and live
    connections (auth/revocation.py)."""
    async with in_transaction() as conn:
        events = await ending(conn, revocation)
        await append_events(conn, events)
    await notify_committed(events)


async def end_employee(
    conn: BaseDBAsyncClient, employee_id: int, *, actor_id: int | None, client_id: str | None
) -> list[Event]:
    """An employee has left, in the caller's transaction: their refresh tokens end (their access
    tokens are refused by the per-request check) and their webhooks are disabled; returns the
    events to write last."""
    revocation = Revocation("the employee who set it up has left", employee_id=employee_id)
    await revoke_refresh_tokens(using_db=conn, employee_id=employee_id)
    return await ending(conn, revocation, actor_id=actor_id, client_id=client_id)


def install() -> None:
    hook.install(publish)
