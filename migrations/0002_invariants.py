"""Invariants the model layer cannot declare portably.

A partial unique index keeps a mentor/mentee pair to one open mentorship whatever the
concurrency; SQLite and PostgreSQL both support `CREATE UNIQUE INDEX ... WHERE`.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [
        ops.RunSQL(
            "CREATE UNIQUE INDEX uniq_mentorships_open_pair ON mentorships (mentor_id, mentee_id) "
            "WHERE status IN ('proposed', 'active')",
            reverse_sql="DROP INDEX uniq_mentorships_open_pair",
        ),
    ]
