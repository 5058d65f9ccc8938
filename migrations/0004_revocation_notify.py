"""On PostgreSQL, every commit that can make a token's revocation check (auth/tokens.py
`is_revoked`) answer "revoked" sends a notification on `peoplegraph_revocations`: an access
token or a refresh-token family revoked (`oauth_tokens.revoked_at`), a client revoked
(`oauth_clients.revoked_at`), an employee terminated. Triggers send it, so any writer does (a
server process, `peoplegraph client revoke`, SQL by hand), and NOTIFY is delivered at commit,
never for a transaction that rolled back. Each server process listens (events/revocation_signal.py)
and, while it does, may trust its recent "not revoked" answers (web/token_checks.py).

SQLite has no notifications; nothing is created there (every request runs the check).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

FUNCTION = "peoplegraph_revocation_notify"
TRIGGERS = {
    "oauth_tokens_revoked_notify": ("oauth_tokens", "revoked_at", "NEW.revoked_at IS NOT NULL"),
    "oauth_clients_revoked_notify": ("oauth_clients", "revoked_at", "NEW.revoked_at IS NOT NULL"),
    "employees_terminated_notify": ("employees", "status", "NEW.status = 'terminated'"),
}

CREATE = [
    f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN PERFORM pg_notify('peoplegraph_revocations', ''); RETURN NULL; END $$",
    *(
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OF {column} ON {table} FOR EACH ROW"
        f" WHEN ({condition}) EXECUTE FUNCTION {FUNCTION}()"
        for name, (table, column, condition) in TRIGGERS.items()
    ),
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, (table, _, _) in TRIGGERS.items()),
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
]


def _on_postgres(statements: list[str]):  # type: ignore[no-untyped-def]
    async def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        client = schema_editor.client
        if client.capabilities.dialect != "postgres":
            return
        for statement in statements:
            await client.execute_script(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("models", "0003_read_indexes")]

    operations = [ops.RunPython(_on_postgres(CREATE), _on_postgres(DROP))]
