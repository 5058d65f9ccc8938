"""A real server process on the test's database, to kill with SIGKILL at a known moment."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from tests.test_subscriptions_scaleout import _free_port, _ready
from tests.ws_client import WAIT
from web import crash_points

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ServerProcess:
    url: str
    process: asyncio.subprocess.Process

    async def reached(self, point: str) -> None:
        """Wait until a request stops at `point` (the server says so on stderr)."""
        assert self.process.stderr is not None
        while True:
            line = await asyncio.wait_for(self.process.stderr.readline(), WAIT)
            if not line:
                raise AssertionError(f"server exited before {point}")
            if f"crash point reached: {point}" in line.decode():
                return

    async def kill(self) -> None:
        self.process.kill()
        await asyncio.wait_for(self.process.wait(), WAIT)


@contextlib.asynccontextmanager
async def server_process(settings, crash_point: str | None = None) -> AsyncIterator[ServerProcess]:  # type: ignore[no-untyped-def]
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", crash_points.VARIABLE}}
    env |= {
        "DATABASE_URL": settings.database_url,
        "PEOPLEGRAPH_DATA_DIR": str(settings.data_dir),  # the test's signing keys
        "PEOPLEGRAPH_ISSUER": settings.issuer,
        "PEOPLEGRAPH_NO_DISPATCHER": "1",
    }
    if crash_point:
        env[crash_points.VARIABLE] = crash_point
    command = [sys.executable, "-m", "uvicorn", "server:create_app", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning"]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    server = ServerProcess(f"http://127.0.0.1:{port}", process)
    try:
        await _ready(server.url, process)
        yield server
    finally:
        if process.returncode is None:
            process.terminate()
            await asyncio.wait_for(process.wait(), WAIT)
