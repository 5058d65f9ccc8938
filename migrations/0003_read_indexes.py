"""Indexes in the order two nested lists read their rows (issue 12's compiled reads).

`Team.members` is read by team in `joined_at, id` order, and `Employee.tasks` by assignee in
`created_at, id` order (newest first). With these indexes a page is the index's first rows
instead of every row of the team or assignee sorted: SQLite's statement for the team page (Q2,
bench/statements.py) costs 16% less, the dashboard's (Q1) 9% (bench/README.md, "Compiled
statements, third pass"). PostgreSQL keeps its plans on the bench's data.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0002_invariants")]

    operations = [
        ops.RunSQL(
            "CREATE INDEX idx_team_memberships_team_joined ON team_memberships (team_id, joined_at)",
            reverse_sql="DROP INDEX idx_team_memberships_team_joined",
        ),
        ops.RunSQL(
            "CREATE INDEX idx_tasks_assignee_created ON tasks (assignee_id, created_at)",
            reverse_sql="DROP INDEX idx_tasks_assignee_created",
        ),
    ]
