"""The tokens this process found not revoked lately, so that a repeated request by a known token
runs no revocation statement (auth/tokens.py `is_revoked`), and what forgets them at once.

An answer is kept only while every revocation is certain to reach this process the moment it is
committed: the caller passes the `epoch` of that certainty (web/token_checks.py: the Redis
listener's current subscription, which hears every process's `access.revoked` events), and an
answer found under another epoch, or none, counts for nothing. `forget_all()` drops every answer
and starts a new generation; an answer whose statement began before it (a revocation may have
committed meanwhile) is not kept. What forgets them:

- `auth/revocation.py` `announce`, in the process that revoked, before its events are written;
- this process's commits and the hub's events (other processes, through Redis) that revoke
  (web/token_checks.py);
- `ttl` seconds in any case, for a revocation whose event was never written or heard.

Only "not revoked" is kept: a revoked token runs the statement every time and is refused.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

REVOCATION_TTL = 10.0
MAX_CHECKED = 4096


class RevocationChecks:
    def __init__(
        self,
        ttl: float = REVOCATION_TTL,
        size: int = MAX_CHECKED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl, self.size, self.clock = ttl, size, clock
        self.generation = 0
        self._entries: OrderedDict[str, tuple[float, Hashable]] = OrderedDict()

    def known_good(self, token_id: str | None, epoch: Hashable | None) -> bool:
        """Whether this token was found not revoked, under this epoch, within `ttl` seconds."""
        if token_id is None or epoch is None:
            return False
        entry = self._entries.get(token_id)
        if entry is None:
            return False
        checked_at, checked_epoch = entry
        if checked_epoch != epoch or self.clock() - checked_at > self.ttl:
            del self._entries[token_id]
            return False
        return True

    def remember(self, token_id: str | None, epoch: Hashable | None, generation: int, started: float) -> None:
        """Keep a "not revoked" whose statement began at `started` (`self.clock()`), in
        `generation`: unless something was forgotten since, or there is no epoch to trust."""
        if token_id is None or epoch is None or generation != self.generation:
            return
        self._entries[token_id] = (started, epoch)
        self._entries.move_to_end(token_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget_all(self) -> None:
        self.generation += 1
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


CHECKS = RevocationChecks()
