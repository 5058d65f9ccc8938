"""Subscriptions fan-out benchmark (not a test): N subscribers on one server process.

    .venv/bin/python bench/fanout.py [--subscribers 100 1000 5000] [--mutations 30]

The server runs as its own uvicorn process on a fresh SQLite file (or DATABASE_URL); this
process holds the N WebSocket subscribers (`taskEvents`, each with the same employee's token,
so every subscriber receives every event) and sends one `createTask` every 100 ms over HTTP.

Measured: latency from the event's `occurredAt` (stamped in the transaction, just before
commit; same machine, same clock) to its receipt by each subscriber, p50/p99 over all
receipts; subscribers ended as too slow; the server's resident memory per idle subscriber; the
server's CPU time per event (mutation and fan-out; steadier than latency on a busy machine).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import db  # noqa: E402
from config import load_settings  # noqa: E402

SUBSCRIPTION = "subscription { taskEvents { id occurredAt task { title } } }"
CREATE = "mutation($t: String!) { createTask(input: {title: $t}) { errors { code } } }"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    email = f"bench{int(time.time())}@example.com"
    await Employee.create(
        email=email, given_name="B", family_name="Ench", job_title="x", hire_date="2020-01-01"
    )
    token = (await mint_token(settings, scopes="tasks:read tasks:write", employee_email=email))[
        "access_token"
    ]
    await db.close_db()
    return str(token)


class Subscriber:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.ws: websockets.ClientConnection | None = None
        self.task: asyncio.Task[None] | None = None

    async def open(self, url: str, token: str) -> None:
        self.ws = await websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")])
        await self.ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert json.loads(await self.ws.recv())["type"] == "connection_ack"
        await self.ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
        self.task = asyncio.create_task(self.read())

    async def read(self) -> None:
        assert self.ws is not None
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "next" and "errors" not in message["payload"]:
                    occurred = datetime.fromisoformat(message["payload"]["data"]["taskEvents"]["occurredAt"])
                    self.latencies.append(time.time() - occurred.timestamp())
                elif message["type"] in {"next", "error"}:
                    self.errors += 1


async def run(n: int, mutations: int, url: str, token: str, pid: int) -> dict[str, object]:
    ws_url = url.replace("http://", "ws://") + "/graphql"
    before = rss_kib(pid)
    subscribers = [Subscriber() for _ in range(n)]
    for i in range(0, n, 200):  # connect in waves: the server accepts a few hundred at a time
        await asyncio.gather(*(s.open(ws_url, token) for s in subscribers[i : i + 200]))
    cpu_before = cpu_seconds(pid)
    for _ in range(120):  # let the server finish subscribing everyone before measuring it
        await asyncio.sleep(0.5)
        cpu_before, busy = cpu_seconds(pid), cpu_seconds(pid) - cpu_before
        if busy < 0.05:
            break
    per_subscriber = (rss_kib(pid) - before) / n
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as http:
        for i in range(mutations):
            started = time.monotonic()
            response = await http.post("/graphql", json={"query": CREATE, "variables": {"t": f"t{i}"}})
            assert response.json()["data"]["createTask"]["errors"] == []
            await asyncio.sleep(max(0.0, 0.1 - (time.monotonic() - started)))
    deadline = time.monotonic() + 120
    while (
        time.monotonic() < deadline and sum(len(s.latencies) + s.errors for s in subscribers) < n * mutations
    ):
        if all(s.errors for s in subscribers):
            break
        await asyncio.sleep(0.2)  # a benchmark may poll its own counters
    cpu = cpu_seconds(pid) - cpu_before
    latencies = sorted(x for s in subscribers for x in s.latencies)
    for s in subscribers:
        assert s.ws is not None and s.task is not None
        await s.ws.close()
        s.task.cancel()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {
        "subscribers": n,
        "received": f"{len(latencies)}/{n * mutations}",
        "too_slow": sum(1 for s in subscribers if s.errors),
        "p50_ms": round(q[49] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "kib_per_idle_subscriber": round(per_subscriber, 1),
        "server_cpu_ms_per_event": round(cpu * 1000 / mutations, 1),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--mutations", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite://{tmp}/fanout.db?busy_timeout=5000"
        data_dir = Path(tmp) / "data"
        token = await prepare(url, data_dir)
        for n in args.subscribers:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            env = {**os.environ, "DATABASE_URL": url, "PEOPLEGRAPH_DATA_DIR": str(data_dir)}
            env |= {"PEOPLEGRAPH_ISSUER": "http://bench", "PEOPLEGRAPH_NO_DISPATCHER": "1"}
            command = [sys.executable, "-m", "uvicorn", "server:create_app", "--factory", "--port", str(port)]
            command += ["--ws", "websockets-sansio", "--log-level", "warning", "--ws-ping-interval", "0"]
            server = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env)
            try:
                base = f"http://127.0.0.1:{port}"
                async with httpx.AsyncClient() as http:
                    for _ in range(200):
                        with contextlib.suppress(httpx.TransportError):
                            if (await http.get(base + "/healthz")).status_code == 200:
                                break
                        await asyncio.sleep(0.05)
                print(json.dumps(await run(n, args.mutations, base, token, server.pid)), flush=True)
            finally:
                server.terminate()
                await server.wait()


if __name__ == "__main__":
    asyncio.run(main())
