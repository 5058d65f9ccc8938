"""Side-by-side read benchmark of issue 12: peoplegraph against PostGraphile and a raw endpoint.

    make bench                                     # the defaults below
    .venv/bin/python bench/reads_vs_peers.py --duration 3 --warmup 1   # a quick look

It seeds `seed --scale 1` into a fresh PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_reads; dropped and created again) and into a fresh SQLite
file, with one clock for both so that both hold the same rows. Then, one system at a time, it
starts the server alone on core 1 (`taskset -c 1`), checks that its answers to Q1-Q3 carry the
same rows as PostGraphile's (the selected scalars in order; ids differ in form and are left out),
warms it up, and drives the two floors (`{ __typename }`, and a cached plan whose statement reads
one employee's name by id) and Q1-Q3 with wrk on core 0 (one thread, 10 connections). A
query that answers with errors is shown as "error" and not driven. It prints one table:
requests/s per core, p50/p99 and each throughput's ratio to PostGraphile's. Not a test: nothing
is asserted, and figures from a machine doing other work are noise.

The database server itself is not pinned: every system's SQL runs in the same PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
from peer_servers import BIN, PEOPLEGRAPH_ENV, Probes, System, peoplegraph, postgraphile, raw_endpoint
from reads_queries import normalised
from wrk_runner import Figures, run_wrk

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/bench_reads"
HR_EMAIL = "e50@scale.example.com"  # the scale seed makes every hundredth employee from 50 on HR
SCOPES = "employees:read tasks:read training:read mentorships:read"
QUERIES = ("floor", "trivial", "Q1", "Q2", "Q3")
LABELS = {
    "floor": "floor `{ __typename }`",
    "trivial": "floor: a cached trivial plan (one name by id)",
    "Q1": "Q1 dashboard",
    "Q2": "Q2 team page",
    "Q3": "Q3 analyst list",
}
SERVER_CORE, LOAD_CORE = "1", "0"

Result = Figures | str  # figures, or why there are none ("error", "differs", "-")


def _peoplegraph_cli(*args: str, database_url: str, data_dir: Path) -> str:
    command = [str(BIN / "peoplegraph"), *args]
    done = subprocess.run(command, env=_env(database_url, data_dir), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"peoplegraph {args[0]} failed:\n{done.stderr}")
    return done.stdout


def recreate_postgres(url: str) -> None:
    base, _, name = url.rpartition("/")
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database's name must start with bench_")
    for statement in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", f"{base}/postgres", "-qc", statement], check=True)


def seed_both(pg_url: str, sqlite_url: str, data_dir: Path) -> None:
    """`seed --scale 1` into both databases at once, with one clock (midnight today, UTC)."""
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0).isoformat()
    runs = [
        subprocess.Popen(
            [str(BIN / "python"), __file__, "_seed", now],
            env=_env(url, data_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for url in (pg_url, sqlite_url)
    ]
    for run in runs:
        _, err = run.communicate()
        if run.returncode != 0:
            raise SystemExit(f"seeding failed:\n{err}")
    # The seed ends with ANALYZE on each database: every system plans with statistics.


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PEOPLEGRAPH_DATA_DIR": str(data_dir),
        **PEOPLEGRAPH_ENV,
    }


def _seed_here(now: str) -> None:
    from cli._run import run_with_db
    from cli.seed.scale import seed_scale

    run_with_db(lambda settings: seed_scale(1, now=datetime.fromisoformat(now)))


def pick_probes(pg_url: str) -> Probes:
    employee = """SELECT e.id FROM employees e WHERE e.manager_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM team_memberships m WHERE m.employee_id = e.id)
        AND EXISTS (SELECT 1 FROM enrollments r WHERE r.employee_id = e.id)
        AND EXISTS (SELECT 1 FROM mentorships s WHERE s.mentee_id = e.id)
        ORDER BY (SELECT count(*) FROM tasks k WHERE k.assignee_id = e.id
                  AND k.status IN ('todo', 'in_progress')) DESC, e.id LIMIT 1"""
    team = "SELECT team_id, count(*) FROM team_memberships GROUP BY team_id ORDER BY 2 DESC, 1 LIMIT 1"
    out = [
        subprocess.run(["psql", pg_url, "-Atc", sql], check=True, capture_output=True, text=True).stdout
        for sql in (employee, team)
    ]
    team_id, members = out[1].strip().split("|")
    probes = Probes(employee=int(out[0]), team=int(team_id))
    print(f"probes: employee {probes.employee} (Q1), team {probes.team} with {members} members (Q2)")
    return probes


def check(system: System, reference: dict[str, list] | None) -> dict[str, str | list]:
    """Per query: the normalised rows, or 'error' / 'differs' with the reason printed."""
    found: dict[str, str | list] = {}
    with httpx.Client(timeout=60) as client:
        for query in QUERIES[1:]:
            body = system.ask(client, query)
            if body.get("errors") or body.get("data") is None:
                message = (body.get("errors") or [{}])[0].get("message", "no data")
                print(f"  {system.name} {query}: error: {message}")
                found[query] = "error"
                continue
            rows = normalised(body["data"])
            if reference is not None and reference.get(query) not in (None, rows):
                print(
                    f"  {system.name} {query}: differs from PostGraphile ({_first_difference(reference[query], rows)})"
                )
                found[query] = "differs"
                continue
            found[query] = rows
            same = "the rows" if reference is None else "the same rows as PostGraphile"
            print(f"  {query}: {same} ({len(rows)} scalars, ids left out)")
    return found


def _first_difference(expected: list, got: list) -> str:
    for index, (a, b) in enumerate(zip(expected, got, strict=False)):
        if a != b:
            return f"scalar {index}: {a!r} vs {b!r}"
    return f"{len(expected)} scalars vs {len(got)}"


def measure(
    system: System, args: argparse.Namespace, reference: dict[str, list] | None
) -> tuple[dict[str, Result], dict[str, str | list]]:
    """Check the system's answers, then drive every query that answered the same rows."""
    print(f"== {system.name}")
    results: dict[str, Result] = {}
    with system.running(SERVER_CORE):
        checked = check(system, reference)
        for query in QUERIES:
            state = checked.get(query)
            if isinstance(state, str):
                results[query] = state
                continue
            request = system.requests[query]
            for seconds in (args.warmup, args.duration):  # the first run only warms up
                figures = run_wrk(
                    system.base_url, request, seconds=seconds, connections=args.connections, core=LOAD_CORE
                )
            results[query] = figures
            failed = f", {figures.failures} failed" if figures.failures else ""
            print(
                f"  {query}: {figures.requests_per_s:.0f} req/s, p50 {figures.p50_ms:.1f} ms, "
                f"p99 {figures.p99_ms:.1f} ms{failed}"
            )
    return results, checked


def _cell(result: Result, peer: Result) -> str:
    if isinstance(result, str):
        return result
    text = f"{result.requests_per_s:,.0f} ({result.p50_ms:.1f} / {result.p99_ms:.1f})"
    if result.failures:
        text += f" {result.failures} failed"
    if isinstance(peer, Figures) and peer.requests_per_s:
        text += f" {result.requests_per_s / peer.requests_per_s:.2f}x"
    return text


def table(columns: dict[str, dict[str, Result]], reference: str) -> str:
    names = list(columns)
    lines = [
        "req/s per core (p50 / p99 ms) and the ratio of req/s to PostGraphile's",
        "",
        "| query | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
    ]
    for query in QUERIES:
        peer = columns[reference].get(query, "-")
        cells = [_cell(columns[name].get(query, "-"), peer) for name in names]
        lines.append(f"| {LABELS[query]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds of measured load per query")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of load before each measurement")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument(
        "--skip-resolvers",
        action="store_true",
        help="leave out peoplegraph on the resolver path (its two columns show '-'): a quicker run",
    )
    args = parser.parse_args()
    pg_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
    workdir = Path(tempfile.mkdtemp(prefix="peoplegraph-bench-"))
    sqlite_url = f"sqlite://{workdir / 'bench.db'}?busy_timeout=5000"
    print(f"seeding scale 1 into {pg_url} and {sqlite_url} (logs in {workdir})")
    try:
        compare(args, pg_url, sqlite_url, workdir)
    finally:  # the logs stay; the SQLite copy of the data (about 17 MB) does not
        for path in workdir.glob("bench.db*"):
            path.unlink()
    return 0


RESOLVER_COLUMNS = ("peoplegraph on PostgreSQL", "peoplegraph on SQLite")


def compare(args: argparse.Namespace, pg_url: str, sqlite_url: str, workdir: Path) -> None:
    recreate_postgres(pg_url)
    seed_both(pg_url, sqlite_url, workdir)
    probes = pick_probes(pg_url)
    tokens = {
        url: _peoplegraph_cli(
            "token", "--employee", HR_EMAIL, "--scopes", SCOPES, database_url=url, data_dir=workdir
        ).strip()
        for url in (pg_url, sqlite_url)
    }
    systems = [
        postgraphile(pg_url, probes, workdir / "postgraphile.log"),
        raw_endpoint(pg_url, probes, workdir / "raw.log"),
        peoplegraph("peoplegraph on PostgreSQL", pg_url, workdir, tokens[pg_url], probes, workdir / "pg.log"),
        peoplegraph(
            "peoplegraph on SQLite", sqlite_url, workdir, tokens[sqlite_url], probes, workdir / "sqlite.log"
        ),
        peoplegraph(
            "peoplegraph compiled, PostgreSQL",
            pg_url,
            workdir,
            tokens[pg_url],
            probes,
            workdir / "pg-compiled.log",
            read_path="compiled",
        ),
        peoplegraph(
            "peoplegraph compiled, SQLite",
            sqlite_url,
            workdir,
            tokens[sqlite_url],
            probes,
            workdir / "sqlite-compiled.log",
            read_path="compiled",
        ),
    ]
    columns: dict[str, dict[str, Result]] = {}
    reference: dict[str, list] | None = None
    for system in systems:
        if args.skip_resolvers and system.name in RESOLVER_COLUMNS:
            columns[system.name] = {}
            continue
        columns[system.name], checked = measure(system, args, reference)
        if reference is None:  # PostGraphile's rows are what the others must match
            reference = {q: rows for q, rows in checked.items() if isinstance(rows, list)}
    print()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, wrk -t1 -c{args.connections} -d{args.duration:g}s "
        f"after {args.warmup:g}s warm-up; servers on core {SERVER_CORE}, wrk on core {LOAD_CORE}; "
        f"load average {' '.join(f'{n:.1f}' for n in os.getloadavg())} at the end"
    )
    print(table(columns, systems[0].name))


if __name__ == "__main__":
    if sys.argv[1:2] == ["_seed"]:  # internal: one backend's seed, run by seed_both
        _seed_here(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
