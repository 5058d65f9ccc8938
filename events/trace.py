"""Fan-out timestamps for bench/fanout.py `--trace` (`PEOPLEGRAPH_FANOUT_TRACE`: a file path).

Lines `pid stage event_id unix_time [occurred_at]`, appended one write per call: the Redis
broker's stages (events/redis_broker.py) and the end of each copy of a leader's frame to its
group's parked members (web/ws_relay.py: `written`, once this worker's last socket of the group
took the frame).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

TRACE_VARIABLE = "PEOPLEGRAPH_FANOUT_TRACE"


class Trace:
    def __init__(self, path: str) -> None:
        self.path = path
        self.pid = os.getpid()

    def write(self, stage: str, events: Iterable[tuple[int, str]]) -> None:
        now = time.time()
        lines = "".join(f"{self.pid} {stage} {event_id} {now:.6f} {extra}\n" for event_id, extra in events)
        with open(self.path, "a") as out:
            out.write(lines)


def from_environment() -> Trace | None:
    path = os.environ.get(TRACE_VARIABLE)
    return Trace(path) if path else None
