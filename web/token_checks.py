"""Whether a request's token has been revoked: the statement (auth/tokens.py `is_revoked`), or
the answer this process found for the token lately (auth/revocation_checks.py), when every
revocation is certain to reach this process the moment it is committed.

That certainty is the Redis broker's: while its listener is subscribed (`Broker.epoch`), the
`access.revoked` events of every process (a server worker, `peoplegraph client revoke`, a
termination) reach this process's hub, and its watcher forgets every answer before any later
event is offered; this process's own commits forget them before the revoking request answers
(an after-commit listener), and `auth/revocation.py` `announce` before its event is even
written. A lost subscription ends the epoch: its answers count for nothing, and the statement
runs until the listener is subscribed again (and has caught up with the log).

Without Redis, on PostgreSQL, the certainty is the process's LISTEN session
(events/revocation_signal.py): the database's triggers notify every listening session at the
commit of any revocation, whoever wrote it, and each notification forgets every answer; this
process's own commits forget them at once as above. A lost session ends its epoch in the same
way, and so does a database without the triggers (not migrated): the statement then runs.

On SQLite nothing tells this process of another's revocation, so every request runs the
statement (on the read connection, in the loop's thread: cheaper than any signal we measured);
an app without its lifespan (no broker) runs it too.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Sequence

from auth.principal import Principal
from auth.revocation_checks import CHECKS
from auth.tokens import is_revoked
from events import after_commit
from events.brokers import BrokerNotRunning, current_broker, revocation_signal
from events.hub import Hub
from events.log import EventType
from events.revocation_signal import RevocationSignal
from models.events import Event
from web.metrics import REVOCATIONS_HEARD, TOKEN_CHECKS

_REVOKED = EventType.ACCESS_REVOKED.value
_watched: weakref.WeakSet[Hub] = weakref.WeakSet()
_signals: weakref.WeakSet[RevocationSignal] = weakref.WeakSet()
_BY_STATEMENT, _REMEMBERED = TOKEN_CHECKS.labels("statement"), TOKEN_CHECKS.labels("remembered")


def _forget(event: Event) -> None:
    if event.type == _REVOKED:
        CHECKS.forget_all()


def _heard() -> None:
    CHECKS.forget_all()
    REVOCATIONS_HEARD.inc()


async def _forget_on_commit(events: Sequence[Event]) -> None:
    for event in events:
        _forget(event)


def _epoch() -> Hashable | None:
    """What an answer is trusted under: the running broker's subscription, the LISTEN session
    of the revocation signal, or None."""
    try:
        broker = current_broker()
    except BrokerNotRunning:
        return None
    if broker.epoch is None:
        return _signal_epoch()
    hub = broker.hub
    if hub not in _watched:  # a new broker: watch it before trusting anything under it
        hub.watch(_forget)
        _watched.add(hub)
        after_commit.add_listener(_forget_on_commit)
        CHECKS.forget_all()
    return (id(hub), broker.epoch)


def _signal_epoch() -> Hashable | None:
    signal = revocation_signal()
    if signal is None or signal.epoch is None:
        return None
    if signal not in _signals:  # a new signal: hear it before trusting anything under it
        signal.on_revocation.append(_heard)
        _signals.add(signal)
        after_commit.add_listener(_forget_on_commit)
        CHECKS.forget_all()
    return (id(signal), signal.epoch)


async def revoked(principal: Principal) -> bool:
    """auth/tokens.py `is_revoked`, from this process's answers when they can be trusted."""
    epoch = _epoch()
    if CHECKS.known_good(principal.token_id, epoch):
        _REMEMBERED.inc()
        return False
    _BY_STATEMENT.inc()
    generation, started = CHECKS.generation, CHECKS.clock()
    if await is_revoked(principal):
        return True
    CHECKS.remember(principal.token_id, epoch, generation, started)
    return False
