"""In-process timing of the two read paths (issue 12): resolvers against compiled SQL.

    .venv/bin/python bench/compiled_smoke.py                       # SQLite, a fresh temp file
    .venv/bin/python bench/compiled_smoke.py --database-url postgres://postgres@127.0.0.1:5432/bench_x

Seeds `seed --scale 1` into an empty database (a PostgreSQL database whose name starts with
`bench_` or `test_` is emptied first), builds two apps on it, one per read path, and drives the
floors (`{ __typename }`, and a cached plan reading one name by id) and Q1-Q3 of the issue
through each with an HR token, in this process (httpx on the ASGI app, no sockets), with
`--concurrency` requests in flight. It checks that both paths give the same body (after
the seed's `ANALYZE`, so that both plan with statistics), then prints requests/s, p50/p99 and the
compiled/resolvers ratio. The compiled path's repeated requests take the endpoint's fast path
(web/fast_reads.py).
Not a test and not `make bench`: no server, no pinning, no peers; ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import httpx  # noqa: E402
import seeded_app  # noqa: E402
from reads_queries import FLOOR, PEOPLEGRAPH, TRIVIAL  # noqa: E402


async def _drive(
    client: httpx.AsyncClient, body: str, headers: dict[str, str], seconds: float, concurrency: int
) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = await client.post("/graphql", content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def main(args: argparse.Namespace) -> None:
    import db
    from server import create_app

    tmp = Path(tempfile.mkdtemp(prefix="compiled-smoke-"))
    url = args.database_url or f"sqlite://{tmp / 'smoke.db'}?busy_timeout=5000"
    try:
        seeded = await seeded_app.seeded(tmp, url)
        settings, headers, variables = seeded.settings, seeded.headers, seeded.variables()
        requests = {
            "floor": (FLOOR, {}),
            "trivial": (TRIVIAL, variables["Q1"]),
            **{name: (PEOPLEGRAPH[name], variables[name]) for name in ("Q1", "Q2", "Q3")},
        }
        apps = {
            path: create_app(replace(settings, read_path=path, show_read_path=True), manage_db=False)
            for path in ("resolvers", "compiled")
        }
        dialect = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        print(f"{dialect}, scale 1, HR token, {args.concurrency} in flight, {args.seconds:g} s per cell")
        print(
            "| query | resolvers req/s | compiled req/s | ratio | resolvers p50/p99 ms | compiled p50/p99 ms |"
        )
        print("| --- | --- | --- | --- | --- | --- |")
        for name, (query, variables) in requests.items():
            body = json.dumps({"query": query, "variables": variables})
            figures: dict[str, tuple[float, float, float]] = {}
            answers: dict[str, Any] = {}
            for path, app in apps.items():
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                    answer = (await client.post("/graphql", content=body, headers=headers)).json()
                    served = answer.get("extensions", {}).pop("readPath", None)
                    answers[path] = answer
                    if served != path:
                        print(f"  {name}: served by {served}, not {path}")
                    await _drive(client, body, headers, args.warmup, args.concurrency)
                    latencies = sorted(await _drive(client, body, headers, args.seconds, args.concurrency))
                rate = len(latencies) / args.seconds
                p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
                figures[path] = (rate, statistics.median(latencies) * 1000, p99 * 1000)
            if answers["resolvers"] != answers["compiled"]:
                print(f"  {name}: the two paths answer differently!")
            slow, fast = figures["resolvers"], figures["compiled"]
            print(
                f"| {name} | {slow[0]:,.0f} | {fast[0]:,.0f} | {fast[0] / slow[0]:.2f}× "
                f"| {slow[1]:.1f} / {slow[2]:.1f} | {fast[1]:.1f} / {fast[2]:.1f} |"
            )
    finally:
        await db.close_db()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=10)
    asyncio.run(main(parser.parse_args()))
