"""Fan-out cost and the caches behind it: shared rows per event, one policy per principal.

A cached policy must never outlive a change of visibility: the hub drops every cached policy
when it delivers an event that can change one (team membership, manager, role), before any
subscriber sees the next event.
"""

from __future__ import annotations

from typing import Any

from ids import to_global_id
from models.events import Event
from resolvers.live.policies import PolicyCache, policy_cache
from resolvers.live.rules import changes_visibility
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker, count_statements
from tests.support.live import CREATE_TASK, call, listening
from tests.support.ws_client import WSClient

TASK_EVENTS = """
subscription {
  taskEvents { type actor { email } task { title assignee { email } creator { email } team { name } } }
}
"""

REMOVE_MEMBER = """
mutation Remove($input: RemoveTeamMemberInput!) {
  removeTeamMember(input: $input) { errors { code } }
}
"""


def _hub_policies() -> PolicyCache:
    from events.brokers import current_broker

    return policy_cache(current_broker().hub)


async def test_a_teammate_removed_from_a_team_stops_hearing_its_tasks_at_once(
    server: str, tokens: TokenMaker
) -> None:  # noqa: F811
    ada = await f.employee(email="ada@example.com")
    bob = await f.employee(email="bob@example.com")
    team = await f.team(name="Platform")
    await f.member(team, ada, "lead")
    await f.member(team, bob)
    ada_token, bob_token = await tokens("ada@example.com"), await tokens("bob@example.com")
    in_team = {"teamId": to_global_id("Team", team.id)}
    client = await WSClient.connect(server, bob_token)
    op = await client.subscribe(TASK_EVENTS)
    await listening(1)
    policies = _hub_policies()

    await call(server, ada_token, CREATE_TASK, {"input": {"title": "Before", **in_team}})
    before = (await client.next_data(op))["taskEvents"]
    await call(server, ada_token, CREATE_TASK, {"input": {"title": "Cached", **in_team}})
    cached = (await client.next_data(op))["taskEvents"]
    loads_while_member = policies.loads
    removed = await call(
        server,
        ada_token,
        REMOVE_MEMBER,
        {"input": {"teamId": to_global_id("Team", team.id), "employeeId": to_global_id("Employee", bob.id)}},
    )
    await call(server, ada_token, CREATE_TASK, {"input": {"title": "After", **in_team}})
    await call(server, bob_token, CREATE_TASK, {"input": {"title": "Bob's own"}})
    after = (await client.next_data(op))["taskEvents"]
    await client.close()

    assert removed["removeTeamMember"]["errors"] == []
    assert before["task"]["title"] == "Before"
    assert before["task"]["team"] == {"name": "Platform"}
    assert cached["task"]["title"] == "Cached"
    assert loads_while_member == 1  # the second event reused bob's policy
    assert after["task"]["title"] == "Bob's own"  # "After" was not sent: the policy was reloaded
    assert policies.loads >= 2


async def _statements_for_one_event(url: str, token: str, subscribers: int) -> int:
    clients = [await WSClient.connect(url, token) for _ in range(subscribers)]
    ops = [await client.subscribe(TASK_EVENTS) for client in clients]
    await listening(subscribers)
    with count_statements() as statements:
        await call(url, token, CREATE_TASK, {"input": {"title": "Fan-out"}})
        received = [
            (await client.next_data(op))["taskEvents"] for client, op in zip(clients, ops, strict=True)
        ]
    for client in clients:
        await client.close()
    await listening(0)
    assert all(r["task"]["title"] == "Fan-out" for r in received)
    assert all(r["actor"]["email"] == r["task"]["assignee"]["email"] for r in received)
    return len(statements)


async def test_statements_per_event_do_not_grow_with_subscribers_of_one_principal(
    server: str, tokens: TokenMaker
) -> None:  # noqa: F811
    await f.employee(email="ada@example.com")
    await f.employee(email="bob@example.com")
    # Each round is a new principal, so each pays for loading its policy once.
    one = await _statements_for_one_event(server, await tokens("ada@example.com"), 1)
    twelve = await _statements_for_one_event(server, await tokens("bob@example.com"), 12)

    assert twelve == one


async def test_the_policy_cache_expires_and_forgets_on_visibility_events(database_url: str) -> None:
    from auth.principal import Principal

    ada = await f.employee(email="ada@example.com")
    now = [0.0]
    cache = PolicyCache(ttl=30, clock=lambda: now[0])
    principal = Principal(scopes=frozenset({"tasks:read"}), employee_id=ada.id, token_id="a")
    twin = Principal(scopes=frozenset({"tasks:read"}), employee_id=ada.id, token_id="b")

    first, second = await cache.get(principal), await cache.get(twin)
    assert cache.loads == 1
    assert (first.principal, second.principal) == (principal, twin)  # each keeps its own token
    now[0] = 31
    await cache.get(principal)
    assert cache.loads == 2

    def event(type: str, data: dict[str, Any]) -> Event:
        return Event(id=1, type=type, subject_type="Employee", subject_id=ada.id, data=data)

    cache.observe(event("employee.updated", {"changed": ["phone"]}))
    await cache.get(principal)
    assert cache.loads == 2
    cache.observe(event("employee.updated", {"changed": ["managerId"]}))
    await cache.get(principal)
    assert cache.loads == 3


def test_which_events_change_visibility() -> None:
    def event(type: str, data: dict[str, Any] | None = None) -> Event:
        return Event(id=1, type=type, subject_type="Team", subject_id=1, data=data or {})

    assert changes_visibility(event("team.member_added", {"employeeId": 1}))
    assert changes_visibility(event("team.member_removed", {"employeeId": 1}))
    assert changes_visibility(event("team.updated", {"changed": ["leadId"]}))
    assert changes_visibility(event("employee.created", {"managerId": 2}))
    assert changes_visibility(event("employee.updated", {"changed": ["role"]}))
    assert changes_visibility(event("employee.updated", {"changed": ["status"]}))
    assert changes_visibility(event("employee.updated"))  # nothing recorded: assume the worst
    assert not changes_visibility(event("employee.updated", {"changed": ["phone", "jobTitle"]}))
    assert not changes_visibility(event("task.created", {"teamId": 1}))
