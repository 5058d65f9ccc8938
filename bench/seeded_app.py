"""The seeded database and HR token that the in-process read benchmarks share
(bench/compiled_smoke.py, bench/statements.py).

`seeded(folder, url)` empties the database (a PostgreSQL one only if it is named `bench_*` or
`test_*`), migrates it, seeds `seed --scale 1` (which ends with `ANALYZE`), starts the OAuth
routes' state with settings for that database and mints an HR token with the read scopes, and
picks the probe ids Q1 and Q2 ask for. The database stays open (Tortoise) for the caller, who
closes it with `db.close_db()`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

HR_EMAIL = "e50@scale.example.com"  # the scale seed makes every hundredth employee from 50 on HR
SCOPES = "employees:read tasks:read training:read mentorships:read"


@dataclass(frozen=True)
class Seeded:
    settings: Any  # config.Settings for the seeded database (no Redis, no dispatcher)
    token: str  # the HR token, `SCOPES`
    probes: dict[str, int]  # "employee" (Q1) and "team" (Q2): primary keys

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}

    def variables(self) -> dict[str, dict[str, Any]]:
        """Q1-Q3's variables (bench/reads_queries.py `PEOPLEGRAPH`) for the probes."""
        from ids import to_global_id

        return {
            "Q1": {"id": to_global_id("Employee", self.probes["employee"])},
            "Q2": {"id": to_global_id("Team", self.probes["team"])},
            "Q3": {},
        }


async def _empty(url: str) -> None:
    from tortoise import connections

    import db

    if url.startswith("postgres"):
        name = url.rpartition("/")[2]
        if not name.startswith(("bench_", "test_")):
            raise SystemExit(f"refusing to empty {name!r}: use a database named bench_* or test_*")
        await db.init_db(url)
        await connections.get("default").execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await db.close_db()
    await db.migrate(url)


async def _probes() -> dict[str, int]:
    from tortoise import connections

    conn = connections.get("default")
    # A mentee with a manager, teams and enrollments: every part of Q1 has rows.
    employee = """SELECT s.mentee_id FROM mentorships s JOIN employees e ON e.id = s.mentee_id
        WHERE e.manager_id IS NOT NULL AND s.mentee_id IN (SELECT employee_id FROM team_memberships)
        AND s.mentee_id IN (SELECT employee_id FROM enrollments) ORDER BY s.mentee_id LIMIT 1"""
    team = "SELECT team_id FROM team_memberships GROUP BY team_id ORDER BY count(*) DESC, team_id LIMIT 1"
    _, rows = await conn.execute_query(employee)
    _, teams = await conn.execute_query(team)
    return {"employee": int(rows[0][0]), "team": int(teams[0][0])}


async def seeded(folder: Path, url: str) -> Seeded:
    """The database at `url`, emptied and seeded, with the HR token (see the module docstring);
    `folder` is the settings' data directory."""
    import db
    from auth.oauth import routes
    from auth.oauth.clients import mint_token
    from cli.seed.scale import seed_scale
    from config import load_settings

    await _empty(url)
    await db.init_db(url)
    await seed_scale(1)  # ends with ANALYZE
    settings = replace(
        load_settings(), data_dir=folder, database_url=url, redis_url=None, run_dispatcher=False
    )
    await routes.startup(settings)
    token = (await mint_token(settings, scopes=SCOPES, employee_email=HR_EMAIL))["access_token"]
    return Seeded(settings, token, await _probes())
