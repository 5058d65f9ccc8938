"""The shapes of Q1-Q3's statements that make them cheap (bench/README.md, branch sqlq), checked
in each database's own plan of the compiled statement; the answers are the differential tests'.

- PostgreSQL: a nested list's to-one rows are read by key, so no hash join reads a whole table
  once per parent row.
- SQLite: no list's items are sorted once they are built (the page's rows come in order), and a
  list ordered by a nullable column reads its part without values after the other, under the
  page's LIMIT, instead of reading both and sorting them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from tortoise import connections

from tests.api.compiled.conftest import Org, Paths
from tests.api.compiled.queries import Q1, Q2, Q3
from tests.support.graphql_client import GraphQLClient, count_statements


async def _statement(paths: Paths, org: Org, query: str, variables: dict[str, Any] | None) -> str:
    """The root field's compiled statement (the last one the request sends)."""
    client = GraphQLClient(paths.compiled, org.tokens["hr"])
    with count_statements() as statements:
        body = await client.execute(query, variables)
    assert body.get("extensions", {}).get("readPath") == "compiled", body
    return statements[-1]


async def _plan(sql: str, values: list[Any]) -> list[tuple[str, str]]:
    """Each line of the database's plan, with (on SQLite) the line it is part of."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "sqlite":
        _, rows = await conn.execute_query("EXPLAIN QUERY PLAN " + sql, values)
        details = {row[0]: str(row[3]) for row in rows}
        return [(str(row[3]), details.get(row[1], "")) for row in rows]
    _, rows = await conn.execute_query("EXPLAIN (COSTS OFF) " + sql, values)
    return [(str(row[0]), "") for row in rows]


def _split(logged: str) -> tuple[str, list[Any]]:
    """A logged statement ("<sql>: <values>", db_reads.py and Tortoise) and its values."""
    import ast

    sql, _, values = logged.rpartition(": ")
    return sql, list(ast.literal_eval(values))


@pytest.mark.parametrize("name", ["Q1", "Q2", "Q3"])
async def test_q1_to_q3_sort_no_built_items_on_sqlite_and_hash_no_table_per_parent_on_postgres(
    paths: Paths, org: Org, name: str
) -> None:
    query, variables = {
        "Q1": (Q1, {"id": org.ids["worker"]}),
        "Q2": (Q2, {"id": org.ids["team"]}),
        "Q3": (Q3, None),
    }[name]
    sql, values = _split(await _statement(paths, org, query, variables))
    plan = await _plan(sql, values)
    if connections.get("default").capabilities.dialect == "sqlite":
        # A page's rows may be sorted in its own subquery ("p3", or a part "v" / "e" of it),
        # never the items built from them.
        sorts = [of for line, of in plan if "TEMP B-TREE" in line]
        assert all(re.fullmatch(r"CO-ROUTINE (p\d+|v|e)", of) for of in sorts), plan
        if name == "Q3":  # ordered by a nullable column: its two parts, in turn
            assert [line for line, _ in plan if "UNION ALL" in line], plan
            assert "ORDER BY CASE WHEN" not in sql  # no sort of the parts by their nulls flag
    else:
        if name in ("Q1", "Q2"):  # only nested lists: their to-one rows are lookups, no join
            assert not [line for line, _ in plan if "Join" in line and "Nested Loop" not in line], plan
        assert "json_agg" not in sql
