"""The demo accounts GraphiQL offers to switch between, only when the demo data is seeded.

"Seeded" means the demo accounts exist and still have the published demo password: a real
deployment with an `admin@example.com` of its own, or one whose demo password was changed,
lists nothing. The answer is kept for a minute (checking costs one password hash).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from anyio import to_thread

from auth.passwords import verify_password
from cli.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from models.employees import Employee, EmployeeStatus

_CACHE_SECONDS = 60.0


@dataclass
class _Cache:
    accounts: list[dict[str, str]]
    until: float


_cache: _Cache | None = None


async def _find() -> list[dict[str, str]]:
    emails = [account.email for account in DEMO_ACCOUNTS]
    rows = {
        row.email.lower(): row
        for row in await Employee.filter(email__in=emails).exclude(status=EmployeeStatus.TERMINATED)
    }
    seeded = [account for account in DEMO_ACCOUNTS if account.email in rows]
    if not seeded:
        return []
    probe = rows[seeded[0].email]
    if not await to_thread.run_sync(verify_password, probe.password_hash, DEMO_PASSWORD):
        return []
    return [account._asdict() for account in seeded]


async def demo_accounts() -> list[dict[str, str]]:
    """Email, name, role and description of each seeded demo account; [] without demo data."""
    global _cache
    now = time.monotonic()
    if _cache is None or now >= _cache.until:
        _cache = _Cache(await _find(), now + _CACHE_SECONDS)
    return _cache.accounts


def forget() -> None:
    """Drop the cached answer (tests; after seeding)."""
    global _cache
    _cache = None
