"""Revocations as facts the rest of the system hears about at once.

The auth layer ends credentials (a client, a refresh-token family, one access token) in its own
tables; it then calls `announce(Revocation(...))`. The announcer that the app installs at start-up
(resolvers/core/revocation.py) writes an `access.revoked` event to the log and disables the webhooks
the revoked credentials set up; the event reaches every process's live connections through the
broker (with Redis, across processes), and those of the revoked sign-in are closed.

The auth layer imports nothing above the models, hence the hook rather than a direct call.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from auth.revocation_checks import CHECKS

log = logging.getLogger("peoplegraph.auth.revocation")


@dataclass(frozen=True)
class Revocation:
    """What was revoked: every token of a client, of an employee, or these access tokens."""

    reason: str
    client_id: str | None = None
    employee_id: int | None = None
    token_ids: tuple[str, ...] = ()


Announcer = Callable[[Revocation], Awaitable[None]]

_announcer: Announcer | None = None


def install(announcer: Announcer | None) -> None:
    global _announcer
    _announcer = announcer


async def announce(revocation: Revocation) -> None:
    """Tell the installed announcer; the revocation itself is already committed, so its failure
    only delays live connections until their periodic check (resolvers/live/stream.py). This
    process forgets the tokens it found not revoked first (auth/revocation_checks.py)."""
    CHECKS.forget_all()
    if _announcer is None:
        return
    try:
        await _announcer(revocation)
    except Exception:
        log.exception("announcing %r failed", revocation)
