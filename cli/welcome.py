"""What `serve` prints before it starts: where to go and how to sign in.

The demo accounts and their password are listed only when this database holds them with the
published demo password (web/demo_accounts.py decides, as GraphiQL's account list does): a
deployment with data of its own, or seeded for benchmarks only, is not told to sign in as
accounts it does not have.
"""

from __future__ import annotations

import db
from auth.scopes import ALL_SCOPES, EMPLOYEE_SCOPES
from cli.seed.demo import DEMO_PASSWORD
from config import Settings
from web.demo_accounts import demo_accounts


async def seeded_demo_accounts(database_url: str) -> list[dict[str, str]]:
    """The demo accounts this database holds with the demo password; [] for any other data."""
    await db.init_db(database_url)
    try:
        return await demo_accounts()
    finally:
        await db.close_db()


def welcome(settings: Settings, host: str, port: int, accounts: list[dict[str, str]]) -> str:
    """The banner; `accounts` as `seeded_demo_accounts` returns them."""
    base = f"http://{host}:{port}"
    example = '    .venv/bin/peoplegraph token --employee {email} --scopes "{scopes}"'
    lines = ["", f"peoplegraph is serving on {base}"]
    if settings.issuer != base:
        lines.append(f"  (issuer is {settings.issuer}; sign in through that address)")
    if accounts:
        employee = next((a for a in accounts if a["role"] == "employee"), accounts[0])
        hr = next((a for a in accounts if a["role"] == "hr"), accounts[0])
        lines += [
            f"  Web app:   {base}/          (press 'Sign in'; demo password: {DEMO_PASSWORD})",
            f"  GraphiQL:  {base}/graphql   (for analysts: the whole API, same sign-in)",
            "  Demo accounts (seeded data):",
            *(f"    {a['email']:<32} {a['role']:<9} {a['description']}" for a in accounts),
            "  A token from the command line:",
            example.format(email=employee["email"], scopes=" ".join(EMPLOYEE_SCOPES)),
            example.format(email=hr["email"], scopes=" ".join(ALL_SCOPES)),
        ]
    else:
        lines += [
            f"  Web app:   {base}/          (press 'Sign in' with an account of this database)",
            f"  GraphiQL:  {base}/graphql   (for analysts: the whole API, same sign-in)",
            "  No demo accounts here (`peoplegraph seed --demo` loads them into an empty database).",
            "  A token from the command line:",
            example.format(email="EMAIL", scopes=" ".join(EMPLOYEE_SCOPES)),
        ]
    lines += [
        '  then: curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\',
        f'        -d \'{{"query": "{{ viewer {{ displayName }} }}"}}\' {base}/graphql',
        "",
    ]
    return "\n".join(lines)
