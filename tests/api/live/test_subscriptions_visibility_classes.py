"""Widened groups never widen what anyone sees: subscribers who share one execution of a live
event (schema/live/sharing.py) are only those the policy treats alike, and every other
subscriber gets what its own policy shows.

The matrix: one task event, subscribers in every relation to the task, each asking for the
capability fields that differ between them.
"""

from __future__ import annotations

from typing import Any

from auth.oauth.clients import create_client, mint_token
from config import Settings
from ids import to_global_id
from models.employees import EmployeeRole
from schema.live import sharing
from tests.support import factories as f
from tests.support.graphql_client import EVERY_SCOPE, TokenMaker
from tests.support.live import CREATE_TASK, call, listening
from tests.support.ws_client import WSClient

TASK_EVENTS = """
subscription { taskEvents { task { title viewerCanUpdate viewerCanDelete assignee { email } } } }
"""


async def test_every_subscriber_sees_an_event_as_its_own_policy_shows_it(
    server: str, tokens: TokenMaker, auth_started: Settings
) -> None:
    # given a task Carol gives Bob in the team she leads and Dan is in, and subscribers in every
    # relation to it
    boss = await f.employee(email="boss@example.com")
    bob = await f.employee(email="bob@example.com", manager=boss)
    carol = await f.employee(email="carol@example.com")
    dan = await f.employee(email="dan@example.com")
    await f.employee(email="eve@example.com")
    await f.employee(email="hr@example.com", role=EmployeeRole.HR)
    team = await f.team()
    await f.member(team, carol, "lead")
    await f.member(team, bob)
    await f.member(team, dan)
    names = ["bob", "carol", "boss", "dan", "eve", "hr"]
    who = {name: await tokens(f"{name}@example.com") for name in names}
    who["service"] = await tokens()
    clients = {name: await WSClient.connect(server, token) for name, token in who.items()}
    ops = {name: await client.subscribe(TASK_EVENTS) for name, client in clients.items()}
    await listening(len(clients))

    # when Carol creates the task, and then Eve one of her own
    task = {"title": "Shared", "assigneeId": to_global_id("Employee", bob.id)}
    await call(
        server, who["carol"], CREATE_TASK, {"input": {**task, "teamId": to_global_id("Team", team.id)}}
    )
    await call(server, who["eve"], CREATE_TASK, {"input": {"title": "Eve's own"}})

    # then each subscriber's first event is the one its policy lets it see, with its own rights
    first: dict[str, Any] = {
        name: (await client.next_data(ops[name]))["taskEvents"]["task"] for name, client in clients.items()
    }
    for client in clients.values():
        await client.close()
    rights = {name: (t["title"], t["viewerCanUpdate"], t["viewerCanDelete"]) for name, t in first.items()}
    assert rights == {
        "bob": ("Shared", True, False),  # the assignee updates, but may not delete what he was given
        "carol": ("Shared", True, True),  # the creator, who leads the team
        "boss": ("Shared", True, True),  # the assignee's manager
        "dan": ("Shared", False, False),  # a teammate sees it, and no more
        "eve": ("Eve's own", True, True),  # unrelated: never sent Carol's task
        "hr": ("Shared", True, True),
        "service": ("Shared", True, True),
    }


async def test_services_alike_and_one_person_through_two_apps_share_one_execution(
    server: str, tokens: TokenMaker, auth_started: Settings
) -> None:
    # given two service clients with the same scopes, and Ada signed in through two apps
    await f.employee(email="ada@example.com")
    services = [await tokens(), await tokens()]
    apps = [
        await create_client(
            name=f"App {n}",
            grant="authorization_code",
            scopes=EVERY_SCOPE,
            redirect_uris=["https://a.example/cb"],
        )
        for n in (1, 2)
    ]
    ada = [
        str(
            (
                await mint_token(
                    auth_started,
                    scopes=EVERY_SCOPE,
                    employee_email="ada@example.com",
                    client_id=app.client_id,
                )
            )["access_token"]
        )
        for app in apps
    ]
    subscribers = [await WSClient.connect(server, token) for token in services + ada]
    ops = [await client.subscribe(TASK_EVENTS) for client in subscribers]
    await listening(len(subscribers))
    before = sharing.executions

    # when Ada creates a task
    await call(server, ada[0], CREATE_TASK, {"input": {"title": "Alike"}})

    # then the services share one execution and Ada's two sign-ins another, each with its answer
    received = [
        (await client.next_data(op))["taskEvents"]["task"]
        for client, op in zip(subscribers, ops, strict=True)
    ]
    for client in subscribers:
        await client.close()
    assert sharing.executions - before == 2
    assert [t["title"] for t in received] == ["Alike"] * 4
