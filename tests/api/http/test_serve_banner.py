"""What `peoplegraph serve` prints on start: demo accounts only where the database has them."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import date

from auth.passwords import hash_password
from cli.seed.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from config import Settings
from models.employees import Employee, EmployeeRole

_SERVE = [sys.executable, "-c", "import sys, cli; sys.exit(cli.main())", "serve", "--port", "0"]


async def _banner(settings: Settings) -> str:
    """The banner `serve` prints on this test's database; the server is stopped right after."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DATABASE_URL": settings.database_url,
        "PEOPLEGRAPH_DATA_DIR": str(settings.data_dir),
        "PEOPLEGRAPH_ISSUER": "http://127.0.0.1:0",
    }
    process = await asyncio.create_subprocess_exec(
        *_SERVE, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    assert process.stdout is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(60):
            while not lines or not lines[-1].startswith("        -d "):  # the banner's last line
                line = await process.stdout.readline()
                assert line, f"serve ended before its banner: {lines}"
                lines.append(line.decode().rstrip("\n"))
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()
    return "\n".join(lines)


async def _employee(email: str, role: EmployeeRole, password: str) -> None:
    await Employee.create(
        email=email,
        given_name="Given",
        family_name="Family",
        hire_date=date(2020, 1, 6),
        role=role,
        password_hash=hash_password(password),
    )


async def test_a_database_with_the_demo_accounts_gets_them_listed_with_the_password(
    settings: Settings,
) -> None:
    for account in DEMO_ACCOUNTS[:3]:
        await _employee(account.email, EmployeeRole(account.role), DEMO_PASSWORD)
    banner = await _banner(settings)
    assert "peoplegraph is serving on http://127.0.0.1:0" in banner
    assert f"demo password: {DEMO_PASSWORD}" in banner
    for account in DEMO_ACCOUNTS[:3]:
        assert account.email in banner
    assert DEMO_ACCOUNTS[3].email not in banner  # not in this database
    assert f"--employee {DEMO_ACCOUNTS[0].email} " in banner


async def test_a_database_without_demo_data_is_not_told_about_demo_accounts(settings: Settings) -> None:
    # a deployment's own people (or benchmark data), and an admin@example.com with a real password
    await _employee("e1@company.example", EmployeeRole.HR, "a real secret password")
    await _employee("admin@example.com", EmployeeRole.ADMIN, "another real secret")
    banner = await _banner(settings)
    assert "peoplegraph is serving on http://127.0.0.1:0" in banner
    assert DEMO_PASSWORD not in banner
    assert "admin@example.com" not in banner
    assert "No demo accounts here" in banner
    assert "--employee EMAIL " in banner
