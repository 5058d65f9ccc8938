"""Read benchmark: typical queries against `seed --scale 1` data, served by a real uvicorn.

    .venv/bin/python bench/graphql_reads.py [--requests 300] [--concurrency 8]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reads .venv/bin/python bench/graphql_reads.py

It seeds a fresh database (SQLite file in a temporary folder unless DATABASE_URL is given;
a PostgreSQL database must exist and be empty), starts `peoplegraph serve` on a free port,
mints a token for a manager and one for a service, and reports latency percentiles, requests
per second and SQL statements per request for each query. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"

QUERIES = {
    "viewer dashboard": """{ viewer { displayName manager { displayName }
        tasks(first: 20, filter: {status: [TODO, IN_PROGRESS]}) { totalCount nodes { title dueDate team { name } } }
        enrollments(first: 10) { nodes { status session { startsAt seatsLeft course { title } } } } } }""",
    "directory page (50)": """{ employees(first: 50, orderBy: {field: FAMILY_NAME}) { totalCount
        edges { cursor node { displayName jobTitle manager { displayName } teams(first: 3) { edges { role node { name } } } } } } }""",
    "team → members → tasks": """{ teams(first: 10) { nodes { name lead { displayName }
        members(first: 20) { edges { role node { displayName tasks(first: 5) { totalCount nodes { title status } } } } } } } }""",
    "sessions with seats (50)": """{ trainingSessions(first: 50, orderBy: {field: STARTS_AT}) {
        nodes { startsAt capacity seatsTaken seatsLeft waitlistCount course { code title } instructor { displayName } } } }""",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(*args: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [str(BIN / "peoplegraph"), *args], env=env, check=True, capture_output=True, text=True
    ).stdout


async def measure(
    client: httpx.AsyncClient, token: str, query: str, requests: int, concurrency: int
) -> list[float]:
    timings: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            queue.get_nowait()
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
            )
            timings.append(time.perf_counter() - started)
            body = response.json()
            if "errors" in body:
                raise SystemExit(f"query failed: {body['errors'][0]['message']}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return timings


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "PEOPLEGRAPH_DATA_DIR": str(workdir),
        "PORT": str(port),
        "PEOPLEGRAPH_NO_DISPATCHER": "1",
    }
    env.setdefault("DATABASE_URL", f"sqlite://{workdir / 'bench.db'}?busy_timeout=5000")
    run("seed", "--scale", "1", env=env)
    manager = run(
        "token",
        "--employee",
        "e2@scale.example.com",
        "--scopes",
        "employees:read tasks:read training:read",
        env=env,
    ).strip()
    server = subprocess.Popen(  # noqa: ASYNC220 - a benchmark harness, started once
        [str(BIN / "peoplegraph"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for _ in range(200):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            backend = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
            print(f"{backend}, {args.requests} requests per query, concurrency {args.concurrency}")
            print("| query | p50 ms | p95 ms | p99 ms | req/s |")
            print("| --- | --- | --- | --- | --- |")
            for name, query in QUERIES.items():
                await measure(client, manager, query, 10, 1)  # warm caches
                started = time.perf_counter()
                timings = await measure(client, manager, query, args.requests, args.concurrency)
                elapsed = time.perf_counter() - started
                q = statistics.quantiles(timings, n=100)
                print(
                    f"| {name} | {q[49] * 1000:.1f} | {q[94] * 1000:.1f} | {q[98] * 1000:.1f} | {len(timings) / elapsed:.0f} |"
                )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
