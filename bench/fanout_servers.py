"""The server side of bench/fanout.py: a prepared database, uvicorn processes, their CPU and memory."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import db  # noqa: E402
from cli.serve import LEAN_WS  # noqa: E402
from config import load_settings  # noqa: E402


def cpu_split(pid: int) -> tuple[float, float]:
    """User and system CPU time the process has used (system: the kernel's share, which on
    loopback includes delivering each write to the client's socket)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used."""
    return sum(cpu_split(pid))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def prepare(url: str, data_dir: Path) -> str:
    """Migrate, add one employee, mint their token with the server's keys."""
    from dataclasses import replace

    from auth.oauth import routes
    from auth.oauth.clients import mint_token
    from models.employees import Employee

    await db.migrate(url)
    await db.init_db(url)
    settings = replace(load_settings(), data_dir=data_dir, database_url=url, issuer="http://bench")
    await routes.startup(settings)
    email = f"bench{time.time_ns()}@example.com"
    await Employee.create(
        email=email, given_name="B", family_name="Ench", job_title="x", hire_date="2020-01-01"
    )
    token = (await mint_token(settings, scopes="tasks:read tasks:write", employee_email=email))[
        "access_token"
    ]
    await db.close_db()
    return str(token)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(
    workers: int,
    env: dict[str, str],
    extra: list[str],
    ws: str = LEAN_WS,
    code: Path = ROOT,
    pin: bool = False,
) -> AsyncIterator[list[tuple[str, int]]]:
    """`workers` uvicorn processes on their own ports, running the server code of checkout `code`
    and speaking WebSocket through `ws` (uvicorn's `--ws`), worker i on core i if `pin`; yields
    (base URL, pid) of each, once they answer."""
    started: list[tuple[str, asyncio.subprocess.Process]] = []
    try:
        for _ in range(workers):
            port = _free_port()
            command = [sys.executable, "-m", "uvicorn", "server:create_app", "--factory", "--port", str(port)]
            command += [
                "--ws",
                ws,
                "--log-level",
                "warning",
                "--ws-ping-interval",
                "0",
                *extra,
            ]
            process = await asyncio.create_subprocess_exec(
                *command, cwd=code, env=env | {"PYTHONPATH": str(code)}
            )
            if pin:
                os.sched_setaffinity(process.pid, {len(started) % (os.cpu_count() or 1)})
            started.append((f"http://127.0.0.1:{port}", process))
        async with httpx.AsyncClient() as http:
            for base, _ in started:
                for _ in range(400):
                    with contextlib.suppress(httpx.TransportError):
                        if (await http.get(base + "/readyz")).status_code == 200:
                            break
                    await asyncio.sleep(0.05)
        yield [(base, process.pid) for base, process in started]
    finally:
        for _, process in started:
            process.terminate()
        for _, process in started:
            await process.wait()
