"""Places where a test can stop a real server process, to kill it there (tests only).

Inert unless PEOPLEGRAPH_TEST_CRASH_POINT names the point: then the request announces the
point on stderr and waits forever, so that the test can send SIGKILL at a known moment.
"""

from __future__ import annotations

import asyncio
import os
import sys

VARIABLE = "PEOPLEGRAPH_TEST_CRASH_POINT"
BEFORE_COMMIT = "before-commit"  # the mutation and its response are written, not committed
AFTER_COMMIT = "after-commit"  # committed, the response not yet sent


async def reach(point: str) -> None:
    if os.environ.get(VARIABLE) != point:
        return
    print(f"crash point reached: {point}", file=sys.stderr, flush=True)
    await asyncio.Event().wait()
