"""peoplegraph (compiled path) with variants of its environment, in alternating rounds (not a test).

    .venv/bin/python bench/front_ab.py                       # the lean front against the full stack
    .venv/bin/python bench/front_ab.py --rounds 3 --duration 5 --warmup 2 --backend postgres
    .venv/bin/python bench/front_ab.py --variant "full stack:PEOPLEGRAPH_NO_FRONT=1" --variant "front:"

It prepares the data as `make bench` does (bench/reads_vs_peers.py: `seed --scale 1` into a fresh
PostgreSQL database, BENCH_DATABASE_URL, and a fresh SQLite file), then, round after round, starts
each variant on each backend alone on core 1 and drives the floors and Q1-Q3 with wrk on core 0
(one thread, `--connections`), as `make bench` does; PostGraphile too with `--peer`. Each line
also says how much of the measured time the server ran on its core and how much it waited,
runnable, while another process had the core (/proc/PID/task/*/schedstat). On a shared
machine single figures are noise: it prints every round, then per query the mean req/s and p99
over the rounds and each variant's req/s as a ratio to the first variant's, round by round.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from peer_servers import System, peoplegraph, postgraphile  # noqa: E402
from reads_vs_peers import (  # noqa: E402
    DEFAULT_PG,
    HR_EMAIL,
    LABELS,
    LOAD_CORE,
    QUERIES,
    SCOPES,
    SERVER_CORE,
    _peoplegraph_cli,
    pick_probes,
    recreate_postgres,
    seed_both,
)
from wrk_runner import Figures, run_wrk  # noqa: E402

DEFAULT_VARIANTS = ["full stack:PEOPLEGRAPH_NO_FRONT=1", "front:"]


def _variant(text: str) -> tuple[str, dict[str, str]]:
    name, _, assignments = text.partition(":")
    env = dict(item.split("=", 1) for item in assignments.split(",") if item)
    return name, env


def _server_pid(port: int) -> int | None:
    """The process whose command line ends with `--port PORT` (the server `System` started)."""
    wanted = [b"--port", str(port).encode()]
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if (
                entry.name.isdigit()
                and (entry / "cmdline").read_bytes().rstrip(b"\0").split(b"\0")[-2:] == wanted
            ):
                return int(entry.name)
    return None


def _scheduled(pid: int | None) -> tuple[float, float]:
    """Seconds the server's threads ran on a CPU and waited, runnable, for one (schedstat)."""
    if pid is None:
        return 0.0, 0.0
    ran = waited = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            on_cpu, on_queue, _ = (task / "schedstat").read_text().split()
            ran, waited = ran + int(on_cpu), waited + int(on_queue)
    return ran / 1e9, waited / 1e9


def _drive(system: System, args: argparse.Namespace) -> dict[str, Figures]:
    """Each query's figures; printed with the share of the measured time the server ran on its
    core and the share it waited, runnable, for the core (another process had it)."""
    figures: dict[str, Figures] = {}
    with system.running(SERVER_CORE):
        pid = _server_pid(system.port)
        for query in QUERIES:
            request = system.requests[query]
            run_wrk(
                system.base_url, request, seconds=args.warmup, connections=args.connections, core=LOAD_CORE
            )
            before, started = _scheduled(pid), time.monotonic()
            result = run_wrk(
                system.base_url, request, seconds=args.duration, connections=args.connections, core=LOAD_CORE
            )
            after, wall = _scheduled(pid), time.monotonic() - started
            figures[query] = result
            shares = (
                f", on its core {(after[0] - before[0]) / wall:4.0%}, waiting for it "
                f"{(after[1] - before[1]) / wall:4.0%}"
                if pid is not None
                else ""
            )
            print(
                f"  {system.name:<34} {query:<8} {result.requests_per_s:7.0f} req/s "
                f"p50 {result.p50_ms:5.1f} p99 {result.p99_ms:5.1f} ms{shares}"
                + (f" {result.failures} failed" if result.failures else ""),
                flush=True,
            )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--backend", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--peer", action="store_true", help="PostGraphile too, once per round")
    parser.add_argument(
        "--variant", action="append", help="NAME:KEY=VALUE,... (the server's extra environment)"
    )
    args = parser.parse_args()
    variants = [_variant(v) for v in (args.variant or DEFAULT_VARIANTS)]
    pg_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
    workdir = Path(tempfile.mkdtemp(prefix="peoplegraph-front-ab-"))
    sqlite_url = f"sqlite://{workdir / 'bench.db'}?busy_timeout=5000"
    recreate_postgres(pg_url)
    seed_both(pg_url, sqlite_url, workdir)
    probes = pick_probes(pg_url)
    backends = {"postgres": pg_url, "sqlite": sqlite_url}
    chosen = list(backends) if args.backend == "both" else [args.backend]
    tokens = {
        b: _peoplegraph_cli(
            "token", "--employee", HR_EMAIL, "--scopes", SCOPES, database_url=backends[b], data_dir=workdir
        ).strip()
        for b in chosen
    }
    results: dict[str, list[dict[str, Figures]]] = {}
    for round_number in range(1, args.rounds + 1):
        print(f"== round {round_number} (load {os.getloadavg()[0]:.2f})", flush=True)
        if args.peer:
            peer = postgraphile(pg_url, probes, workdir / "postgraphile.log")
            results.setdefault("PostGraphile", []).append(_drive(peer, args))
        for backend in chosen:
            for name, env in variants:
                label = f"{name}, {backend}"
                system = peoplegraph(
                    label, backends[backend], workdir, tokens[backend], probes, workdir / "pg.log", "compiled"
                )
                system.env.update(env)
                results.setdefault(label, []).append(_drive(system, args))
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(summary(results, [n for n, _ in variants], chosen))
    return 0


def summary(results: dict[str, list[dict[str, Figures]]], variants: list[str], backends: list[str]) -> str:
    """Per query and column: mean req/s (mean p99 ms), and the ratio of req/s to the first
    variant on the same backend, one per round."""
    columns = list(results)
    lines = ["| query | " + " | ".join(columns) + " |", "| --- |" + " --- |" * len(columns)]
    for query in QUERIES:
        cells = []
        for column in columns:
            rounds = results[column]
            rate = statistics.mean(r[query].requests_per_s for r in rounds)
            p99 = statistics.mean(r[query].p99_ms for r in rounds)
            cell = f"{rate:,.0f} ({p99:.1f})"
            backend = next((b for b in backends if column.endswith(f", {b}")), None)
            base = results.get(f"{variants[0]}, {backend}") if backend else None
            if base is not None and base is not rounds:
                ratios = [
                    r[query].requests_per_s / b[query].requests_per_s
                    for r, b in zip(rounds, base, strict=True)
                ]
                cell += " " + "/".join(f"{x:.2f}x" for x in ratios)
            cells.append(cell)
        lines.append(f"| {LABELS[query]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
