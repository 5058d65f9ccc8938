"""The compiled statements of Q1-Q3 (issue 12) timed in SQLite itself, without the server.

    .venv/bin/python bench/sqlite_statements.py              # seed --scale 1 into a temp file
    .venv/bin/python bench/sqlite_statements.py --plans      # and print each query plan

Seeds `seed --scale 1` into a fresh SQLite file (as bench/compiled_smoke.py does; the seed
ends with `ANALYZE`), asks Q1-Q3 once through the compiled path with the bench's HR token, keeps each
root field's statement and parameters as `planner/plans.py` `run` binds them, and then runs each
statement alone on a plain `sqlite3` connection (the planner's SQL function registered, as on
the read connection): CPU time per statement (`time.process_time`, the best of `--rounds`
rounds of 5), which the other jobs on a shared machine disturb less than wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import httpx  # noqa: E402
from compiled_smoke import HR_EMAIL, SCOPES, _prepare, _probes  # noqa: E402
from reads_queries import PEOPLEGRAPH  # noqa: E402


async def _statements(folder: Path) -> tuple[str, dict[str, tuple[str, list[Any]]]]:

    import db
    import db_reads
    from auth.oauth import routes
    from auth.oauth.clients import mint_token
    from cli.seed.scale import seed_scale
    from config import load_settings
    from ids import to_global_id
    from server import create_app

    filename = str(folder / "statements.db")
    url = f"sqlite://{filename}"
    await _prepare(url)
    await db.init_db(url)
    await seed_scale(1)  # ends with ANALYZE
    settings = replace(
        load_settings(), data_dir=folder, database_url=url, redis_url=None, run_dispatcher=False
    )
    await routes.startup(settings)
    token = (await mint_token(settings, scopes=SCOPES, employee_email=HR_EMAIL))["access_token"]
    probes = await _probes()
    variables = {
        "Q1": {"id": to_global_id("Employee", probes["employee"])},
        "Q2": {"id": to_global_id("Team", probes["team"])},
        "Q3": {},
    }
    app = create_app(replace(settings, read_path="compiled"), manage_db=False)
    seen: list[tuple[str, list[Any]]] = []
    original = db_reads.Reader.rows

    def recording(reader: db_reads.Reader, sql: str, values: Any) -> list[Any]:
        seen.append((sql, list(values)))
        return original(reader, sql, values)

    db_reads.Reader.rows = recording  # type: ignore[method-assign,assignment]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    found: dict[str, tuple[str, list[Any]]] = {}
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
        db_reads.Reader.rows = original  # type: ignore[method-assign]
        await db.close_db()
    return filename, found


def _time(connection: sqlite3.Connection, sql: str, values: list[Any], rounds: int) -> float:
    connection.execute(sql, values).fetchall()
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(5):
            connection.execute(sql, values).fetchall()
        best = min(best, (time.process_time() - started) / 5)
    return best * 1000


def main(args: argparse.Namespace) -> None:
    from planner.sqlite_functions import planner_datetime

    folder = Path(tempfile.mkdtemp(prefix="sqlite-statements-"))
    try:
        filename, statements = asyncio.run(_statements(folder))
        connection = sqlite3.connect(filename, isolation_level=None, cached_statements=64)
        connection.create_function("planner_datetime", 1, planner_datetime, deterministic=True)
        print("| query | statement ms (CPU, best of rounds) | SQL characters | JSON characters |")
        print("| --- | --- | --- | --- |")
        for name, (sql, values) in statements.items():
            (text,) = connection.execute(sql, values).fetchone()
            print(
                f"| {name} | {_time(connection, sql, values, args.rounds):.3f} | {len(sql):,} | {len(text):,} |"
            )
            if args.plans:
                for row in connection.execute("EXPLAIN QUERY PLAN " + sql, values):
                    print("   ", row)
        connection.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--plans", action="store_true")
    main(parser.parse_args())
