"""Subscriptions fan-out benchmark (not a test): N subscribers on one or more server processes.

    .venv/bin/python bench/fanout.py [--subscribers 100 1000 5000] [--mutations 30]
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/fanout.py \\
        --workers 1 2 --subscribers 2000 4000 --mutations 30          # scale-out mode
    .venv/bin/python bench/fanout.py --code /tmp/main . --rounds 3    # main's server code beside this

Each server process is its own uvicorn process on a fresh SQLite file (or DATABASE_URL); with
`--workers N` (N > 1: PostgreSQL and REDIS_URL) there are N of them on N ports, as behind a load
balancer, and subscribers are spread evenly over them (`--pin`: worker i on core i). The
subscribers live in `--clients` separate client processes (multiprocessing), not in the
benchmark's own: each holds its share of `taskEvents` WebSocket subscribers, all with the same
employee's token, so every subscriber receives every event. The benchmark process sends one
`createTask` every 100 ms over HTTP (to the workers in turn; it waits for each response, so a
server that is behind gets fewer: `events_per_s`). `--busy N` runs N processes that spin on
the CPU while the events go out (a loaded machine, reproducibly). `--code` runs the servers of
other checkouts (each its own code, this one's clients), in turn within each of `--rounds`.

Measured: latency from the event's `occurredAt` (stamped in the transaction, just before
commit; same machine, same clock) to its receipt, p50/p99 over the receipts of a uniform random
`--sample` of each client process's subscribers (default 10%; `timed` in the JSON line); the
others are not read until the run is over (bench/fanout_clients.py), but every frame of every
subscriber is counted in `received`. Also: subscribers ended as too slow; the servers'
resident memory per idle subscriber; the servers' CPU time per event and per delivered message
(mutation and fan-out, all workers together; steadier than latency on a busy machine), and of it
the part outside the kernel. The clients close their sockets only once that CPU time has been read.

The client processes read frames off bare sockets (bench/fanout_clients.py `LeanSubscriber`, a
few µs a message) so that their own queue does not pass for the servers' latency;
`--websockets-clients` uses the websockets library and a full JSON parse instead (every
subscriber timed). `--trace` splits each event's latency into stages (publish, each worker's
receipt and hand-off to its hub, the first and last arrival) from timestamps the servers write
(events/redis_broker.py).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout_clients import client_main  # noqa: E402
from bench.fanout_servers import cpu_seconds, cpu_split, prepare, rss_kib, serving  # noqa: E402
from cli.serve import LEAN_WS  # noqa: E402
from events.trace import TRACE_VARIABLE  # noqa: E402

CREATE = "mutation($t: String!) { createTask(input: {title: $t}) { errors { code } } }"


# --- the run ----------------------------------------------------------------------------------


async def run(
    n: int,
    mutations: int,
    servers: list[tuple[str, int]],
    token: str,
    clients: int,
    trace: Path | None = None,
    lean: bool = True,
    sample: float = 1.0,
    busy: int = 0,
) -> dict[str, object]:
    pids = [pid for _, pid in servers]
    ws_urls = [url.replace("http://", "ws://") + "/graphql" for url, _ in servers]
    placed = [ws_urls[i % len(ws_urls)] for i in range(n)]  # spread evenly over the workers
    before = sum(rss_kib(pid) for pid in pids)
    context = multiprocessing.get_context("spawn")
    pipes, processes = [], []
    for c in range(clients):
        ours, theirs = context.Pipe()
        process = context.Process(
            target=client_main, args=(theirs, placed[c::clients], token, lean, sample), daemon=True
        )
        process.start()
        pipes.append(ours)
        processes.append(process)
    loop = asyncio.get_running_loop()
    for pipe in pipes:
        assert await loop.run_in_executor(None, pipe.recv) == "ready"
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    for _ in range(120):  # let the servers finish subscribing everyone before measuring them
        await asyncio.sleep(0.5)
        now = sum(cpu_seconds(pid) for pid in pids)
        cpu_before, used = now, now - cpu_before
        if used < 0.05 * len(pids):
            break
    system_before = sum(cpu_split(pid)[1] for pid in pids)
    clients_before = sum(cpu_seconds(process.pid or 0) for process in processes)
    per_subscriber = (sum(rss_kib(pid) for pid in pids) - before) / n
    headers = {"Authorization": f"Bearer {token}"}
    spinning = [context.Process(target=_spin, daemon=True) for _ in range(busy)]
    for process in spinning:
        process.start()
    sending = time.monotonic()
    async with httpx.AsyncClient(headers=headers, timeout=60) as http:
        for i in range(mutations):
            started = time.monotonic()
            url = servers[i % len(servers)][0]
            response = await http.post(f"{url}/graphql", json={"query": CREATE, "variables": {"t": f"t{i}"}})
            assert response.json()["data"]["createTask"]["errors"] == []
            await asyncio.sleep(max(0.0, 0.1 - (time.monotonic() - started)))
    rate = mutations / (time.monotonic() - sending)  # below 10 when a response waits for the fan-out
    for pipe in pipes:
        pipe.send(mutations)
    latencies: list[float] = []
    received = 0
    errors: list[int] = []
    spans: dict[float, list[float]] = {}
    for pipe in pipes:
        got, counted, failed, theirs = await loop.run_in_executor(None, pipe.recv)
        latencies += got
        received += counted
        errors += failed
        for occurred, (first, last) in theirs.items():
            span = spans.setdefault(occurred, [first, last])
            span[0], span[1] = min(span[0], first), max(span[1], last)
    load = os.getloadavg()[0]
    for process in spinning:
        process.terminate()
        process.join()
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before  # ends once every client has counted
    clients_cpu = sum(cpu_seconds(process.pid or 0) for process in processes) - clients_before
    system = sum(cpu_split(pid)[1] for pid in pids) - system_before
    for pipe in pipes:  # the clients close their sockets only now: closing is not fan-out
        pipe.send("close")
    for process in processes:
        process.join(30)
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    traced = {"trace_ms": stages(trace, spans)} if trace is not None else {}
    return {
        **traced,
        "subscribers": n,
        "workers": len(servers),
        "received": f"{received}/{n * mutations}",
        "timed": len(latencies),  # the sampled receipts p50 and p99 are taken over
        "too_slow": sum(1 for e in errors if e),
        "p50_ms": round(q[49] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "kib_per_idle_subscriber": round(per_subscriber, 1),
        "server_cpu_ms_per_event": round(cpu * 1000 / mutations, 1),
        "server_cpu_us_per_message": round(cpu * 1e6 / max(received, 1), 1),
        "server_user_us_per_message": round((cpu - system) * 1e6 / max(received, 1), 1),
        "client_cpu_us_per_message": round(clients_cpu * 1e6 / max(received, 1), 1),  # drains included
        "events_per_s": round(rate, 1),
        "load": round(load, 1),
    }


def _spin() -> None:
    """A busy process (`--busy`): the load of other work on the machine, while the events go out."""
    while True:
        pass


def stages(trace: Path, spans: dict[float, list[float]]) -> dict[str, list[float]]:
    """Where an event's time goes, from its commit (`occurredAt`), in ms: [median, max] over the
    run's events of each stage's end. `published`: the committing worker's Redis publish returned;
    `heard` / `read` / `offered`: each worker got the ids, re-read the rows, handed them to its
    hub (the leaders' tasks write the frames after that); `written`: a worker had copied the
    leader's frame to the group's parked members (its last socket took the frame: on loopback, the frame is in the
    client's receive buffer; the server's side of the latency, without the clients' reading);
    `first` / `last`: the first and last sampled subscriber's frame arrived in a client process."""
    occurred: dict[int, float] = {}
    ends: dict[str, list[float]] = {}
    lines = [line.split() for line in trace.read_text().splitlines()]
    for _, stage, event_id, _at, *extra in lines:
        if stage == "published":
            occurred[int(event_id)] = float(extra[0])
    for _, stage, event_id, at, *_ in lines:
        if int(event_id) in occurred:
            ends.setdefault(stage, []).append(float(at) - occurred[int(event_id)])
    for at, (first, last) in spans.items():
        ends.setdefault("first", []).append(first - at)
        ends.setdefault("last", []).append(last - at)
    order = ["published", "heard", "read", "offered", "written", "first", "last"]
    return {
        stage: [round(statistics.median(ends[stage]) * 1000, 1), round(max(ends[stage]) * 1000, 1)]
        for stage in order
        if stage in ends
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--mutations", type=int, default=30)
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1],
        help="server processes per run (more than one needs DATABASE_URL=postgres://... and REDIS_URL)",
    )
    parser.add_argument("--clients", type=int, default=2, help="client processes holding the subscribers")
    parser.add_argument(
        "--websockets-clients",
        action="store_true",
        help="subscribers on the websockets library with a full JSON parse (the clients before the lean ones)",
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="servers log fan-out timestamps (events/redis_broker.py); adds `trace_ms` (needs REDIS_URL)",
    )
    parser.add_argument(
        "--ws",
        default=LEAN_WS,
        help=f"the servers' WebSocket protocol (uvicorn's --ws); default {LEAN_WS}, as `serve` runs",
    )
    parser.add_argument(
        "--ws-deflate", action="store_true", help="servers compress messages (as `serve --ws-deflate`)"
    )
    parser.add_argument(
        "--sample",
        type=float,
        default=0.1,
        help="share of each client process's subscribers whose receipts are timed during the run; "
        "the others are read and counted after it (bench/fanout_clients.py); 1: every one",
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        help="processes that spin on the CPU while the events go out (a loaded machine)",
    )
    parser.add_argument(
        "--pin", action="store_true", help="pin worker i to core i (taskset); clients unpinned"
    )
    parser.add_argument(
        "--code",
        type=Path,
        nargs="+",
        default=[ROOT],
        help="checkouts whose server code runs, in turn within each round (e.g. main's beside this one)",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="rounds over --code, --workers and --subscribers"
    )
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "")
    if max(args.workers) > 1 and not (
        os.environ.get("DATABASE_URL", "").startswith("postgres") and redis_url
    ):
        parser.error("--workers above 1 needs DATABASE_URL=postgres://... and REDIS_URL")
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite://{tmp}/fanout.db?busy_timeout=5000"
        data_dir = Path(tmp) / "data"
        token = await prepare(url, data_dir)
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env |= {"DATABASE_URL": url, "PEOPLEGRAPH_DATA_DIR": str(data_dir)}
        env |= {"PEOPLEGRAPH_ISSUER": "http://bench", "PEOPLEGRAPH_NO_DISPATCHER": "1"}
        env |= {"PEOPLEGRAPH_RATE_LIMIT_MAXIMUM": "0"}  # one token opening thousands of sockets is the point
        extra = ["--ws-per-message-deflate", str(args.ws_deflate).lower()]
        runs = itertools.product(range(args.rounds), args.code, args.workers, args.subscribers)
        for number, code, workers, n in runs:
            run_env = env | ({"REDIS_URL": redis_url} if redis_url else {})
            trace = Path(tmp) / f"trace-{number}-{workers}-{n}.txt" if args.trace else None
            if trace is not None:
                run_env = run_env | {TRACE_VARIABLE: str(trace)}
            async with serving(workers, run_env, extra, args.ws, code.resolve(), args.pin) as servers:
                result = await run(
                    n,
                    args.mutations,
                    servers,
                    token,
                    args.clients,
                    trace,
                    not args.websockets_clients,
                    args.sample,
                    args.busy,
                )
            labels = {"round": number + 1, "code": str(code)} if args.rounds > 1 or len(args.code) > 1 else {}
            print(json.dumps(labels | result), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
