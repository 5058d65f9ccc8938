"""The process's broker: how committed events reach the hub (events/hub.py) of every process.

- `LocalBroker` (default): the after-commit hook (events/after_commit.py) hands its events straight
  to this process's hub;
- `RedisBroker` (`REDIS_URL` set, events/redis_broker.py): the ids travel through a Redis channel
  and every process's listener feeds its own hub.

The app's lifespan calls `start_broker` and `stop_broker`; subscriptions find the running one
with `current_broker()`. Without Redis on PostgreSQL, `start_broker` also starts the process's
`RevocationSignal` (events/revocation_signal.py; `revocation_signal()`), which hears every
process's revocations through LISTEN/NOTIFY.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from events import after_commit
from events.hub import Hub
from events.redis_broker import RedisBroker, channel_for
from events.revocation_signal import RevocationSignal, is_postgres
from models.events import Event


class BrokerNotRunning(RuntimeError):
    """Subscriptions need the broker the app's lifespan starts."""


class Broker(Protocol):
    hub: Hub
    # While not None, every process's commits reach this hub: None for a local broker, which
    # hears nothing of other processes (a second worker, `peoplegraph client revoke`).
    epoch: int | None

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, events: Sequence[Event]) -> None: ...


class LocalBroker:
    """One process: committed events go straight to this process's hub."""

    def __init__(self, hub: Hub | None = None) -> None:
        self.hub = hub or Hub()
        self.epoch: int | None = None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def publish(self, events: Sequence[Event]) -> None:
        self.hub.deliver(events)


_current: Broker | None = None
_signal: RevocationSignal | None = None


def make_broker(redis_url: str | None, database_url: str = "") -> Broker:
    if redis_url:
        return RedisBroker(redis_url, channel_for(database_url))
    return LocalBroker()


async def start_broker(redis_url: str | None, database_url: str = "") -> Broker:
    """Start the process's broker and hear every commit; the app's lifespan calls this."""
    global _current, _signal
    if _current is not None:
        await stop_broker()
    broker = make_broker(redis_url, database_url)
    await broker.start()
    after_commit.add_listener(broker.publish)
    _current = broker
    if not redis_url and is_postgres(database_url):
        _signal = RevocationSignal(database_url)
        await _signal.start()
    return broker


async def stop_broker() -> None:
    global _current, _signal
    broker, _current = _current, None
    signal, _signal = _signal, None
    if signal is not None:
        await signal.stop()
    if broker is not None:
        after_commit.remove_listener(broker.publish)
        await broker.stop()


def revocation_signal() -> RevocationSignal | None:
    """The running LISTEN session for revocations (PostgreSQL without Redis), or None."""
    return _signal


def current_broker() -> Broker:
    if _current is None:
        raise BrokerNotRunning("The live-update broker is not running.")
    return _current
