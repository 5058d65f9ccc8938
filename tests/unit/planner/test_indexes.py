"""The nested lists of the team page read their page in an index's order, not sorted (SQLite,
where the plan is predictable on a small database; migrations/0003_read_indexes.py)."""

from __future__ import annotations

import pytest
from tortoise import connections


async def _plan(sql: str) -> str:
    _, rows = await connections.get("default").execute_query("EXPLAIN QUERY PLAN " + sql, [1])
    return " | ".join(str(row[3]) for row in rows)


async def test_a_teams_members_and_an_assignees_tasks_are_read_in_index_order(database_url: str) -> None:
    if connections.get("default").capabilities.dialect != "sqlite":
        pytest.skip("PostgreSQL picks its plan by the table's size")
    members = await _plan(
        'SELECT * FROM "team_memberships" WHERE "team_id" = ? ORDER BY "joined_at", "id" LIMIT 50'
    )
    assert "idx_team_memberships_team_joined" in members and "TEMP B-TREE" not in members, members
    tasks = await _plan(
        'SELECT * FROM "tasks" WHERE "assignee_id" = ? ORDER BY "created_at" DESC, "id" DESC LIMIT 10'
    )
    assert "idx_tasks_assignee_created" in tasks and "TEMP B-TREE" not in tasks, tasks
