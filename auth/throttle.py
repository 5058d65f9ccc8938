"""Slowing down password guessing on the sign-in page.

Failures are counted per (e-mail, client address). After `max_failures` in a row the pair is
locked out for a minute, then twice as long each further lockout (capped). In memory, per
process: with N workers an attacker gets at most N times the attempts, still few.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Entry:
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0
    last_seen: float = 0.0


@dataclass
class LoginThrottle:
    max_failures: int = 5
    lockout_seconds: float = 60.0
    max_lockout_seconds: float = 15 * 60.0
    forget_after: float = 3600.0
    clock: Callable[[], float] = time.monotonic
    _entries: dict[tuple[str, str], _Entry] = field(default_factory=dict)

    @staticmethod
    def key(email: str, address: str) -> tuple[str, str]:
        return (email.strip().lower(), address)

    def retry_after(self, key: tuple[str, str]) -> float:
        """Seconds until this pair may try again; 0 when it may try now."""
        entry = self._entries.get(key)
        if entry is None:
            return 0.0
        return max(0.0, entry.locked_until - self.clock())

    def record_failure(self, key: tuple[str, str]) -> None:
        now = self.clock()
        self._forget_old(now)
        entry = self._entries.setdefault(key, _Entry())
        entry.failures += 1
        entry.last_seen = now
        if entry.failures >= self.max_failures:
            delay = min(self.lockout_seconds * 2**entry.lockouts, self.max_lockout_seconds)
            entry.locked_until = now + delay
            entry.lockouts += 1
            entry.failures = 0

    def record_success(self, key: tuple[str, str]) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()

    def _forget_old(self, now: float) -> None:
        if len(self._entries) < 10_000:
            return
        stale = [k for k, e in self._entries.items() if now - e.last_seen > self.forget_after]
        for k in stale:
            del self._entries[k]
