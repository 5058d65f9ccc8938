"""Q1 read throughput with 1 and 2 workers (issue 13's scale-out mode): benchmark, not a test.

    .venv/bin/python bench/reads_scaleout.py [--rounds 2] [--duration 10] [--connections 16]

Seeds `seed --scale 1` into a fresh PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_scale_reads; the name must start with bench_), mints
an HR token as bench/reads_vs_peers.py does, and starts `peoplegraph serve --workers N` on it
with REDIS_URL (default redis://127.0.0.1:6379/11) and the compiled read path. wrk (one thread)
asks Q1 of bench/reads_queries.py for `--duration` seconds after a warm-up, for N = 1 and 2 in
turn, `--rounds` times. Nothing is pinned: two workers need both cores, and both runs share
them with wrk alike. Prints one JSON line per run and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.peer_servers import BIN, peoplegraph  # noqa: E402
from bench.reads_vs_peers import HR_EMAIL, SCOPES, pick_probes, recreate_postgres  # noqa: E402
from bench.wrk_runner import run_wrk  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/bench_scale_reads"
DEFAULT_REDIS = "redis://127.0.0.1:6379/11"


def _cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([str(BIN / "peoplegraph"), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"peoplegraph {args[0]} failed:\n{done.stderr}")
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    database = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = {**os.environ, "DATABASE_URL": database, "PEOPLEGRAPH_DATA_DIR": str(workdir)}
        recreate_postgres(database)
        subprocess.run(
            [str(BIN / "python"), str(Path(__file__).with_name("reads_vs_peers.py")), "_seed", _midnight()],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        probes = pick_probes(database)
        token = _cli("token", "--employee", HR_EMAIL, "--scopes", SCOPES, env=env).strip()
        for _ in range(args.rounds):
            for workers in (1, 2):
                system = peoplegraph(
                    f"{workers} workers", database, workdir, token, probes, workdir / "serve.log", "compiled"
                )
                system.command += ["--workers", str(workers)]
                system.env["REDIS_URL"] = redis_url
                with system.running(None):
                    run_wrk(
                        system.base_url, system.requests["Q1"], seconds=args.warmup, connections=4, core=None
                    )
                    before = cpu_by_kind()
                    figures = run_wrk(
                        system.base_url,
                        system.requests["Q1"],
                        seconds=args.duration,
                        connections=args.connections,
                        core=None,
                    )
                    after = cpu_by_kind()
                # CPU seconds per second of the run (the machine has 2.0): who used the cores.
                cores = cores_used(before, after, args.duration)
                row = {"workers": workers, **figures.__dict__, "cores": cores, "load": os.getloadavg()[0]}
                print(json.dumps(row), flush=True)
    return 0


def cpu_by_kind() -> dict[str, dict[int, float] | float]:
    """CPU seconds used so far: per process of this checkout's servers and of PostgreSQL (all of
    the machine's: other work may use it too), by this process's finished children (wrk), and
    by the whole machine; from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    workers: dict[int, float] = {}
    postgres: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        if stat[stat.index("(") + 1 : stat.rindex(")")] == "postgres":
            postgres[int(entry.name)] = seconds
        elif str(BIN) in command and int(entry.name) != os.getpid():
            workers[int(entry.name)] = seconds
    total = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    mine = os.times()
    return {
        "workers": workers,
        "postgres": postgres,
        "wrk": mine.children_user + mine.children_system,
        "machine_busy": (sum(total) - total[3] - total[4]) / ticks,
    }


def cores_used(
    before: dict[str, dict[int, float] | float], after: dict[str, dict[int, float] | float], seconds: float
) -> dict[str, float]:
    """CPU seconds per second between two `cpu_by_kind()` (the machine has 2.0), counting only
    processes alive at both."""
    used: dict[str, float] = {}
    for kind, now in after.items():
        then = before[kind]
        if isinstance(now, dict) and isinstance(then, dict):
            used[kind] = sum(now[pid] - then[pid] for pid in now.keys() & then.keys())
        elif isinstance(now, float) and isinstance(then, float):
            used[kind] = now - then
    return {kind: round(value / seconds, 2) for kind, value in used.items()}


def _midnight() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0).isoformat()


if __name__ == "__main__":
    raise SystemExit(main())
