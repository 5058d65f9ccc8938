"""GET /oauth/demo-accounts: the demo accounts GraphiQL offers to switch between.

Listed only when the demo data is seeded: the demo accounts exist and still have the published
demo password. A real deployment with an `admin@example.com` of its own, or one whose demo
password was changed, lists nothing. Whether a stored hash is the demo password is worked out
once per hash (argon2 is slow on purpose, and this endpoint needs no token).
"""

from __future__ import annotations

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auth.passwords import verify_password
from cli.seed.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from models.employees import Employee, EmployeeStatus

PATH = "/oauth/demo-accounts"
# password hash -> whether it is the demo password; a few entries (one per seeding) at most.
_is_demo_hash: dict[str, bool] = {}
_MAX_REMEMBERED = 16


async def _is_demo_password(password_hash: str | None) -> bool:
    if not password_hash:
        return False
    if password_hash not in _is_demo_hash:
        if len(_is_demo_hash) >= _MAX_REMEMBERED:
            _is_demo_hash.clear()
        _is_demo_hash[password_hash] = await to_thread.run_sync(verify_password, password_hash, DEMO_PASSWORD)
    return _is_demo_hash[password_hash]


async def demo_accounts() -> list[dict[str, str]]:
    """Email, name, role and description of each seeded demo account; [] without demo data."""
    emails = [account.email for account in DEMO_ACCOUNTS]
    rows = {
        row.email.lower(): row
        for row in await Employee.filter(email__in=emails).exclude(status=EmployeeStatus.TERMINATED)
    }
    seeded = [account for account in DEMO_ACCOUNTS if account.email in rows]
    if not seeded or not await _is_demo_password(rows[seeded[0].email].password_hash):
        return []
    return [account._asdict() for account in seeded]


async def demo_password_for(email: str) -> str | None:
    """The demo password, for the sign-in form, when `email` is a seeded demo account that
    still has it; None for anyone else (nothing is revealed that the README does not say)."""
    wanted = email.strip().lower()
    if wanted not in {account.email for account in DEMO_ACCOUNTS}:
        return None
    row = await Employee.get_or_none(email=wanted)
    if row is None or row.status == EmployeeStatus.TERMINATED:
        return None
    return DEMO_PASSWORD if await _is_demo_password(row.password_hash) else None


async def _endpoint(request: Request) -> JSONResponse:
    return JSONResponse({"accounts": await demo_accounts()}, headers={"Cache-Control": "no-store"})


def demo_accounts_route() -> Route:
    return Route(PATH, _endpoint, methods=["GET"])
