"""Real server processes on the test's database: one to kill with SIGKILL at a known moment
(`server_process`), workers sharing PostgreSQL and Redis for the scale-out tests (`worker`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from config import Settings
from tests.support.ws_client import WAIT
from web import crash_points

ROOT = Path(__file__).resolve().parents[2]

NEEDS_POSTGRES_AND_REDIS = pytest.mark.skipif(
    os.environ.get("PEOPLEGRAPH_TEST_BACKEND") != "postgres" or not os.environ.get("TEST_REDIS_URL"),
    reason="needs PEOPLEGRAPH_TEST_BACKEND=postgres and TEST_REDIS_URL",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# A server process starts in about a second on a quiet machine, but imports alone can take
# ten times that on a loaded CI runner: wait on the clock, generously, not for a number of polls.
START_WAIT = 60.0


async def ready(url: str, process: asyncio.subprocess.Process, within: float = START_WAIT) -> None:
    deadline = asyncio.get_running_loop().time() + within
    async with httpx.AsyncClient(base_url=url) as http:
        while asyncio.get_running_loop().time() < deadline:
            if process.returncode is not None:
                raise AssertionError(f"server exited with {process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if (await http.get("/readyz")).status_code == 200:
                    return
            await asyncio.sleep(0.05)  # polling a process we cannot be notified by
    raise AssertionError("server did not become ready")


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
async def server_process(
    settings: Settings,
    crash_point: str | None = None,
    *,
    port: int | None = None,
    ready_within: float = START_WAIT,
    env: dict[str, str] | None = None,
    lean_ws: bool = False,
) -> AsyncIterator[ServerProcess]:
    """`port`: when the issuer must name the server's own address (a browser signing in), pick it
    first; `ready_within`: seconds to wait for /readyz (a slow test may start it on a busy machine);
    `env`: more of the server's environment (never Redis: this is a one-process deployment);
    `lean_ws`: uvicorn runs the WebSocket protocol `peoplegraph serve` runs (web/ws_server.py)."""
    port = port or free_port()
    extra = env or {}
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", crash_points.VARIABLE}}
    env |= extra
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
    if lean_ws:
        command += ["--ws", "web.ws_server:LeanWebSocketProtocol"]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    server = ServerProcess(f"http://127.0.0.1:{port}", process)
    try:
        await ready(server.url, process, ready_within)
        yield server
    finally:
        if process.returncode is None:
            process.terminate()
            await asyncio.wait_for(process.wait(), WAIT)


@contextlib.asynccontextmanager
async def worker(settings: Settings, **extra: str) -> AsyncIterator[str]:
    """A server process on the test's database and Redis (scale-out: one of several), with the
    environment variables `extra` set too; yields its URL."""
    port = free_port()
    env = _command_env(settings, PEOPLEGRAPH_NO_DISPATCHER="1", **extra)
    command = [sys.executable, "-m", "uvicorn", "server:create_app", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--ws", "web.ws_server:LeanWebSocketProtocol", "--log-level", "warning"]
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        await ready(url, process)
        yield url
    finally:
        await stop(process)


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, as an orchestrator stops a worker; one that does not exit in time is killed (no
    process outlives the test) and the test fails: a worker that cannot shut down is a bug."""
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), WAIT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"the server did not stop within {WAIT:g} s of SIGTERM") from None


def _command_env(settings: Settings, **extra: str) -> dict[str, str]:
    """A `peoplegraph` command's environment: the test's database, Redis and signing keys."""
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": os.environ["TEST_REDIS_URL"],
        "PEOPLEGRAPH_DATA_DIR": str(settings.data_dir),
        "PEOPLEGRAPH_ISSUER": settings.issuer,
        **extra,
    }


_CLI = [sys.executable, "-c", "import sys, cli; sys.exit(cli.main())"]


@contextlib.asynccontextmanager
async def peoplegraph(
    settings: Settings, *args: str, running: str | None = None, **env: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`peoplegraph ARGS...` running on the test's database and Redis until the block ends (SIGTERM).

    `running`: a text the command logs once it is running (its signal handlers set); the block
    starts only after it, so that its SIGTERM is the command's orderly stop, not a kill during
    start-up. The command's log goes on to this process's stderr."""
    stderr = asyncio.subprocess.PIPE if running else None
    process = await asyncio.create_subprocess_exec(
        *_CLI,
        *args,
        cwd=ROOT,
        env=_command_env(settings, **env),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=stderr,
    )
    relay: asyncio.Task[None] | None = None
    try:
        if running and process.stderr is not None:
            await asyncio.wait_for(_until_logged(process.stderr, running), WAIT)
            relay = asyncio.create_task(_relay(process.stderr))
        yield process
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), WAIT * 2)
        if relay is not None:
            await relay


async def _until_logged(stream: asyncio.StreamReader, text: str) -> None:
    while line := await stream.readline():
        sys.stderr.write(line.decode(errors="replace"))
        if text in line.decode(errors="replace"):
            return
    raise AssertionError(f"the command ended before logging {text!r}")


async def _relay(stream: asyncio.StreamReader) -> None:
    while line := await stream.readline():
        sys.stderr.write(line.decode(errors="replace"))


@contextlib.asynccontextmanager
async def serve_workers(settings: Settings, workers: int) -> AsyncIterator[str]:
    """`peoplegraph serve --workers N` on one port; yields its URL once it answers."""
    port = free_port()
    args = ("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers))
    async with peoplegraph(settings, *args, PEOPLEGRAPH_NO_DISPATCHER="1") as process:
        url = f"http://127.0.0.1:{port}"
        await ready(url, process)
        yield url
