"""The compiled statements of Q1-Q3 (issue 12) timed in the database itself, without the server.

    .venv/bin/python bench/statements.py                  # SQLite: seed --scale 1 into a temp file
    .venv/bin/python bench/statements.py --plans          # and print each query plan
    .venv/bin/python bench/statements.py --database-url postgres://postgres@127.0.0.1:5432/bench_statements
    .venv/bin/python bench/statements.py --database-url postgres://... --plans   # EXPLAIN (ANALYZE, BUFFERS)

Seeds `seed --scale 1` into an empty database (bench/seeded_app.py, as bench/compiled_smoke.py
does: a temporary SQLite file, or a PostgreSQL database named `bench_*`, dropped and made again;
the seed ends with `ANALYZE`), asks Q1-Q3 once through the compiled path with the bench's HR token, keeps each
root field's statement and parameters as `planner/plans.py` `run` binds them, and then runs each
statement alone:

- SQLite: on a plain `sqlite3` connection (the planner's SQL functions registered, as on the read
  connection), CPU time per statement (`time.process_time`, the best of `--rounds` rounds of 5),
  which the other jobs on a shared machine disturb less than wall time.
- PostgreSQL: on one asyncpg connection (prepared once, as asyncpg caches it in the servers),
  the CPU time of the server's backend per statement (its /proc/<pid>/schedstat, when the
  server runs on this machine; else the wall time of a round trip), the best of `--rounds`
  rounds of 5, and beside it the raw
  endpoint's hand-written statement for the same rows (bench/peers/raw_endpoint.py), alternated
  with it, so that the ratio is of one moment.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "bench" / "peers")]

import httpx  # noqa: E402
import seeded_app  # noqa: E402
from reads_queries import PEOPLEGRAPH  # noqa: E402
from reads_vs_peers import recreate_postgres  # noqa: E402

Statements = dict[str, tuple[str, list[Any]]]


async def _statements(folder: Path, url: str) -> tuple[Statements, dict[str, int]]:
    """Each query's root field statement and its bound values, and the probes they read."""
    import db
    import db_reads
    from server import create_app

    seeded = await seeded_app.seeded(folder, url)
    settings, variables, headers = seeded.settings, seeded.variables(), seeded.headers
    app = create_app(replace(settings, read_path="compiled"), manage_db=False)
    seen: list[tuple[str, list[Any]]] = []
    original = db_reads.rows

    async def recording(sql: str, values: Any, client: Any = None) -> list[Any]:
        seen.append((sql, list(values)))
        return await original(sql, values, client)

    db_reads.rows = recording
    found: Statements = {}
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            for name, values in variables.items():
                seen.clear()
                body = json.dumps({"query": PEOPLEGRAPH[name], "variables": values})
                answer = (await client.post("/graphql", content=body, headers=headers)).json()
                assert "errors" not in answer, answer
                found[name] = seen[-1]  # the token's check first, then the root field's statement
    finally:
        db_reads.rows = original
        await db.close_db()
    return found, seeded.probes


def _best(run: Callable[[], Any], rounds: int, clock: Callable[[], float]) -> float:
    run()
    best = float("inf")
    for _ in range(rounds):
        started = clock()
        for _ in range(5):
            run()
        best = min(best, (clock() - started) / 5)
    return best * 1000


def _sqlite(filename: str, statements: Statements, args: argparse.Namespace) -> None:
    from planner import sqlite_ids
    from planner.sqlite_functions import planner_datetime

    connection = sqlite3.connect(filename, isolation_level=None, cached_statements=64)
    connection.create_function("planner_datetime", 1, planner_datetime, deterministic=True)
    connection.create_function(sqlite_ids.FUNCTION, 1, sqlite_ids.table, deterministic=True)
    print("| query | statement ms (CPU, best of rounds) | SQL characters | JSON characters |")
    print("| --- | --- | --- | --- |")
    for name, (sql, values) in statements.items():
        (text,) = connection.execute(sql, values).fetchone()
        ms = _best(lambda: connection.execute(sql, values).fetchall(), args.rounds, time.process_time)  # noqa: B023
        print(f"| {name} | {ms:.3f} | {len(sql):,} | {len(text):,} |")
        if args.plans:
            for row in connection.execute("EXPLAIN QUERY PLAN " + sql, values):
                print("   ", row)
    connection.close()


async def _postgres(
    url: str, statements: Statements, probes: dict[str, int], args: argparse.Namespace
) -> None:
    import asyncpg
    import raw_endpoint

    raw = {
        "Q1": (raw_endpoint.Q1, [probes["employee"]]),
        "Q2": (raw_endpoint.Q2, [probes["team"]]),
        "Q3": (raw_endpoint.Q3, []),
    }
    connection = await asyncpg.connect(url)
    clock = _server_clock(await connection.fetchval("SELECT pg_backend_pid()"))
    unit = "server CPU" if clock is not time.perf_counter else "wall"
    try:
        print(
            f"| query | compiled ms ({unit}, best of rounds) | raw endpoint ms | compiled / raw | SQL characters | JSON characters |"
        )
        print("| --- | --- | --- | --- | --- | --- |")
        for name, (sql, values) in statements.items():
            compiled = await connection.prepare(sql)
            hand = await connection.prepare(raw[name][0])
            text = await compiled.fetchval(*values)
            times = {"compiled": float("inf"), "raw": float("inf")}
            for _ in range(args.rounds):  # alternated, so that both see the same moment
                for kind, statement, bound in (("compiled", compiled, values), ("raw", hand, raw[name][1])):
                    started = clock()
                    for _ in range(5):
                        await statement.fetchval(*bound)
                    times[kind] = min(times[kind], (clock() - started) / 5 * 1000)
            ratio = times["compiled"] / times["raw"]
            print(
                f"| {name} | {times['compiled']:.3f} | {times['raw']:.3f} | {ratio:.2f} | {len(sql):,} | {len(text):,} |"
            )
            if args.plans:
                for kind, text_sql, bound in (("compiled", sql, values), ("raw", *raw[name])):
                    plan = await connection.fetch("EXPLAIN (ANALYZE, BUFFERS) " + text_sql, *bound)
                    print(f"  {name} {kind}:")
                    for row in plan:
                        print("   ", _short(row[0]))
    finally:
        await connection.close()


def _server_clock(pid: int) -> Callable[[], float]:
    """The CPU time (s) of the PostgreSQL backend `pid` when it runs on this machine (its
    /proc/<pid>/schedstat, in ns), which the other jobs on a shared machine disturb less than
    wall time; else the wall clock."""
    path = Path(f"/proc/{pid}/schedstat")
    try:
        path.read_text()
    except OSError:
        return time.perf_counter
    return lambda: int(path.read_text().split()[0]) / 1e9


_LONG = re.compile(r"\(.{200,}\)")


def _short(line: str) -> str:
    """A plan line without the statement's (very long) expressions."""
    return _LONG.sub("(...)", line)


def main(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="read-statements-"))
    try:
        url = args.database_url or f"sqlite://{folder / 'statements.db'}"
        if url.startswith("postgres"):
            recreate_postgres(url)  # a bench_* database only
        statements, probes = asyncio.run(_statements(folder, url))
        if url.startswith("postgres"):
            asyncio.run(_postgres(url, statements, probes, args))
        else:
            _sqlite(str(folder / "statements.db"), statements, args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", help="postgres://... (a bench_* database, dropped and made again); default: SQLite"
    )
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--plans", action="store_true")
    main(parser.parse_args())
