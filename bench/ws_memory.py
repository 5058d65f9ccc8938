"""Where an idle subscriber's memory goes (not a test): a tracemalloc diff on one server process.

    .venv/bin/python bench/ws_memory.py [--subscribers 300] [--ws websockets-sansio] [--top 25]

One uvicorn server process (as bench/fanout.py starts it, plus tracemalloc) serves a fresh
SQLite file; this process opens `--subscribers` `taskEvents` subscribers over
graphql-transport-ws (as bench/fanout_clients.py does), waits until the server is idle, and
asks it for a snapshot diff against the one it took before the first connection. Printed: the
Python heap per subscriber, grouped by package and by file:line (the top `--top`), and the
server's resident memory per subscriber. tracemalloc sees the Python heap only (not the
kernel's socket buffers or the allocator's slack), so its total is below the resident figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import _free_port, prepare, rss_kib  # noqa: E402
from bench.fanout_clients import Subscriber  # noqa: E402

# Runs in the server process: tracemalloc from the start, a snapshot at each SIGUSR1 (the first
# is the baseline; each later one writes its diff to the report file).
_SERVER = r"""
import gc, signal, sys, tracemalloc
import uvicorn
tracemalloc.start(1)
report, port, ws = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if ":" in ws:
    module, _, name = ws.partition(":")
    ws = getattr(__import__(module, fromlist=[name]), name)
state = {}

def snap(*_):
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    if "base" not in state:
        state["base"] = snapshot
        return
    with open(report, "w") as out:
        for stat in snapshot.compare_to(state["base"], "lineno"):
            frame = stat.traceback[0]
            out.write(f"{stat.size_diff}\t{stat.count_diff}\t{frame.filename}:{frame.lineno}\n")

signal.signal(signal.SIGUSR1, snap)
uvicorn.run("server:create_app", factory=True, port=port, ws=ws, log_level="warning", ws_ping_interval=0,
            ws_per_message_deflate=False)
"""


def _package(filename: str) -> str:
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if str(path).startswith(str(ROOT)):
        return "peoplegraph"
    return "stdlib:" + path.stem  # the standard library: asyncio, json, ...


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=300)
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn's `ws` (a name or module:Class)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/memory.db?busy_timeout=5000"
        data_dir = Path(tmp) / "data"
        token = await prepare(url, data_dir)
        env = os.environ | {"DATABASE_URL": url, "PEOPLEGRAPH_DATA_DIR": str(data_dir)}
        env |= {"PEOPLEGRAPH_ISSUER": "http://bench", "PEOPLEGRAPH_NO_DISPATCHER": "1"}
        env |= {"PEOPLEGRAPH_RATE_LIMIT_MAXIMUM": "0"}
        env.pop("REDIS_URL", None)
        report, port = Path(tmp) / "report.tsv", _free_port()
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _SERVER, str(report), str(port), args.ws, cwd=ROOT, env=env
        )
        try:
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient() as http:
                for _ in range(1200):  # tracemalloc makes start-up slow
                    assert server.returncode is None, "the server did not start"
                    with contextlib.suppress(httpx.TransportError):
                        if (await http.get(base + "/readyz")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
            subscribers = [Subscriber() for _ in range(args.subscribers)]
            await asyncio.sleep(1)
            rss_before = rss_kib(server.pid)
            os.kill(server.pid, signal.SIGUSR1)
            await asyncio.sleep(2)
            ws_url = base.replace("http://", "ws://") + "/graphql"
            for i in range(0, len(subscribers), 100):
                await asyncio.gather(*(s.open(ws_url, token) for s in subscribers[i : i + 100]))
            await asyncio.sleep(3)  # the last subscriptions park
            rss_after = rss_kib(server.pid)
            os.kill(server.pid, signal.SIGUSR1)
            for _ in range(600):
                if report.exists() and report.stat().st_size:
                    await asyncio.sleep(0.5)
                    break
                await asyncio.sleep(0.1)
            rows = [line.split("\t") for line in report.read_text().splitlines()]
            n = args.subscribers
            by_package: dict[str, int] = {}
            for size, _count, where in rows:
                package = _package(where.rsplit(":", 1)[0])
                by_package[package] = by_package.get(package, 0) + int(size)
            total = sum(int(size) for size, _, _ in rows)
            print(f"Python heap per subscriber: {total / n / 1024:.1f} KiB ({n} subscribers, ws={args.ws})")
            print(f"resident memory per subscriber: {(rss_after - rss_before) / n:.1f} KiB")
            for package, size in sorted(by_package.items(), key=lambda item: -item[1])[: args.top]:
                print(f"  {size / n / 1024:6.2f} KiB  {package}")
            print("by line:")
            for size, count, where in sorted(rows, key=lambda row: -int(row[0]))[: args.top]:
                print(f"  {int(size) / n:8.0f} B  {int(count) / n:5.1f} blocks  {where}")
            for s in subscribers:
                assert s.ws is not None
                await s.ws.close()
        finally:
            server.send_signal(signal.SIGTERM)
            await server.wait()


if __name__ == "__main__":
    asyncio.run(main())
