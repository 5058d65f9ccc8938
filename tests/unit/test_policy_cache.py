"""auth/policy_cache.py: one load per request, shared by concurrent callers, renewed on demand."""

from __future__ import annotations

import asyncio

from auth.policy import Policy
from auth.policy_cache import OnePolicy
from auth.principal import Principal

ADA = Principal(scopes=frozenset({"employees:read"}), client_id="app", employee_id=1)


class Source:
    def __init__(self) -> None:
        self.loads = 0
        self.release = asyncio.Event()

    async def __call__(self, principal: Principal | None) -> Policy:
        self.loads += 1
        await self.release.wait()
        return Policy(principal)


async def test_callers_at_the_same_moment_share_one_load() -> None:
    source, policy = Source(), OnePolicy()
    waiting = [asyncio.create_task(policy.get(ADA, source)) for _ in range(3)]
    await asyncio.sleep(0)
    source.release.set()
    loaded = await asyncio.gather(*waiting)
    assert source.loads == 1
    assert all(p is loaded[0] for p in loaded) and loaded[0].principal is ADA


async def test_a_caller_that_goes_away_does_not_cancel_the_load_of_the_others() -> None:
    source, policy = Source(), OnePolicy()
    leaving = asyncio.create_task(policy.get(ADA, source))
    staying = asyncio.create_task(policy.get(ADA, source))
    await asyncio.sleep(0)
    leaving.cancel()
    source.release.set()
    assert (await staying).principal is ADA
    assert source.loads == 1


async def test_forget_makes_the_next_call_load_again() -> None:
    source, policy = Source(), OnePolicy()
    source.release.set()
    first = await policy.get(ADA, source)
    assert await policy.get(ADA, source) is first
    policy.forget()
    assert await policy.get(ADA, source) is not first
    assert source.loads == 2
