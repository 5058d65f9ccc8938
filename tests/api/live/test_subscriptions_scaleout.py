"""Several server processes, one PostgreSQL database, one Redis act as one server: a commit on one
reaches the subscribers of every other once, and a change of who may see what made on one is
seen at once by the live subscriptions of the others.

Runs only with PEOPLEGRAPH_TEST_BACKEND=postgres and TEST_REDIS_URL (skipped otherwise).
"""

from __future__ import annotations

import re

import httpx

from config import Settings
from ids import to_global_id
from models.employees import Employee, EmployeeRole
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, TASK_EVENTS, call
from tests.support.server_process import NEEDS_POSTGRES_AND_REDIS, serve_workers, worker
from tests.support.ws_client import WSClient

SET_MANAGER = """
mutation Manage($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { id } errors { code } }
}
"""

pytestmark = NEEDS_POSTGRES_AND_REDIS


async def _ada_bob_and_hr(tokens: TokenMaker) -> tuple[Employee, Employee, tuple[str, str, str]]:
    """Ada and Bob (no manager, no team) and an HR employee, with their tokens."""
    ada = await f.employee(email="ada@example.com")
    bob = await f.employee(email="bob@example.com")
    await f.employee(email="hr@example.com", role=EmployeeRole.HR)
    emails = ("ada@example.com", "bob@example.com", "hr@example.com")
    ada_token, bob_token, hr_token = [await tokens(email) for email in emails]
    return ada, bob, (ada_token, bob_token, hr_token)


async def _make_manager(url: str, hr_token: str, report: Employee, manager: Employee) -> None:
    variables = {"id": to_global_id("Employee", report.id), "managerId": to_global_id("Employee", manager.id)}
    changed = await call(url, hr_token, SET_MANAGER, {"input": variables})
    assert changed["updateEmployee"]["errors"] == []


async def test_a_commit_in_one_process_reaches_a_subscriber_of_another(
    settings: Settings, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    async with worker(settings) as first, worker(settings) as second:
        client = await WSClient.connect(second, token)
        op = await client.subscribe(TASK_EVENTS, {"after": "0"})  # no race with the commit below
        async with httpx.AsyncClient(base_url=first) as http:
            response = await http.post(
                "/graphql",
                json={"query": CREATE_TASK, "variables": {"input": {"title": "Across"}}},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.json()["data"]["createTask"]["errors"] == []
        replayed_or_live = (await client.next_data(op))["taskEvents"]
        # And a second one, certainly live: the subscription is running by now.
        async with httpx.AsyncClient(base_url=first) as http:
            await http.post(
                "/graphql",
                json={"query": CREATE_TASK, "variables": {"input": {"title": "Live"}}},
                headers={"Authorization": f"Bearer {token}"},
            )
        live = (await client.next_data(op))["taskEvents"]
        await client.close()

    assert replayed_or_live["task"]["title"] == "Across"
    assert live["task"]["title"] == "Live"


async def test_serve_with_two_workers_delivers_every_event_once_to_every_subscriber(
    settings: Settings, tokens: TokenMaker
) -> None:
    # given `peoplegraph serve --workers 2` and eight subscribers, wherever the kernel put them
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    async with serve_workers(settings, 2) as url:
        clients = [await WSClient.connect(url, token) for _ in range(8)]
        ops = [await client.subscribe(TASK_EVENTS, {"after": "0"}) for client in clients]

        # when two tasks are created, through whichever worker answers
        titles = []
        for title in ("First", "Second"):
            created = await call(url, token, CREATE_TASK, {"input": {"title": title}})
            assert created["createTask"]["errors"] == []
            titles.append(title)

        # then every subscriber receives each of them once, in order
        received = [
            [(await client.next_data(op))["taskEvents"]["task"]["title"] for _ in titles]
            for client, op in zip(clients, ops, strict=True)
        ]
        handshakes = [client.ws.response for client in clients]
        extensions = {h.headers.get("Sec-WebSocket-Extensions") for h in handshakes if h is not None}
        for client in clients:
            await client.close()
    assert received == [["First", "Second"]] * 8
    # The client offered permessage-deflate; serve declines it by default.
    assert None not in handshakes and extensions == {None}


async def test_a_new_manager_set_on_one_worker_is_seen_at_once_by_a_subscription_on_another(
    settings: Settings, tokens: TokenMaker
) -> None:
    # given Ada subscribed on the second worker, and Bob, who does not report to her
    ada, bob, (ada_token, bob_token, hr_token) = await _ada_bob_and_hr(tokens)
    async with worker(settings) as first, worker(settings) as second:
        client = await WSClient.connect(second, ada_token)
        op = await client.subscribe(TASK_EVENTS, {"after": "0"})
        await call(first, ada_token, CREATE_TASK, {"input": {"title": "Ada's own"}})
        assert (await client.next_data(op))["taskEvents"]["task"]["title"] == "Ada's own"  # live now
        await call(first, bob_token, CREATE_TASK, {"input": {"title": "Before"}})  # hidden from Ada

        # when HR makes Ada Bob's manager on the first worker, and Bob creates a task there
        await _make_manager(first, hr_token, bob, ada)
        await call(first, bob_token, CREATE_TASK, {"input": {"title": "After"}})

        # then Ada's subscription on the second worker shows it (not after the policy cache
        # expires), and never showed the one from before
        after = (await client.next_data(op))["taskEvents"]
        await client.close()
    assert after["task"]["title"] == "After"
    assert after["task"]["assignee"] == {"email": "bob@example.com"}


MY_TASKS = "query MyTasks { tasks(first: 50) { nodes { title } } }"
_FAST_READS = re.compile(r"^peoplegraph_graphql_fast_reads_total (\S+)$", re.M)


async def _fast_reads(url: str) -> float:
    async with httpx.AsyncClient(base_url=url) as http:
        found = _FAST_READS.search((await http.get("/metrics")).text)
    return float(found.group(1)) if found else 0.0


async def _titles_on_the_fast_path(url: str, token: str) -> set[str]:
    before = await _fast_reads(url)
    tasks = (await call(url, token, MY_TASKS, {}))["tasks"]["nodes"]
    assert await _fast_reads(url) == before + 1  # the cached plan, with the cached policy
    return {task["title"] for task in tasks}


async def _bobs_task_and_adas_policy_cached(first: str, second: str, ada_token: str, bob_token: str) -> None:
    """Bob creates a task on the first worker; Ada reads hers twice on the second worker's fast
    path (her policy cached there) and sees none of his."""
    await call(first, bob_token, CREATE_TASK, {"input": {"title": "Bob's"}})
    await call(second, ada_token, MY_TASKS, {})  # registers the operation
    assert await _titles_on_the_fast_path(second, ada_token) == set()
    assert await _titles_on_the_fast_path(second, ada_token) == set()


async def test_a_new_manager_set_on_one_worker_is_seen_by_the_next_compiled_read_on_another(
    settings: Settings, tokens: TokenMaker
) -> None:
    # given Ada has read her tasks on the second worker through its fast path (her policy
    # cached there), and Bob, who does not report to her, has a task
    ada, bob, (ada_token, bob_token, hr_token) = await _ada_bob_and_hr(tokens)
    async with worker(settings) as first, worker(settings) as second:
        await _bobs_task_and_adas_policy_cached(first, second, ada_token, bob_token)
        watcher = await WSClient.connect(second, hr_token)  # HR sees every task event
        op = await watcher.subscribe(TASK_EVENTS, {"after": "0"})
        assert (await watcher.next_data(op))["taskEvents"]["task"]["title"] == "Bob's"

        # when HR makes Ada Bob's manager on the first worker, and the second worker has heard
        # of it (it delivers events in commit order: a later event is seen after it)
        await _make_manager(first, hr_token, bob, ada)
        await call(first, bob_token, CREATE_TASK, {"input": {"title": "Later"}})
        assert (await watcher.next_data(op))["taskEvents"]["task"]["title"] == "Later"
        await watcher.close()

        # then Ada's next read on the second worker, still on the fast path, shows Bob's tasks
        seen = await _titles_on_the_fast_path(second, ada_token)
    assert seen == {"Bob's", "Later"}


async def test_a_new_manager_set_on_one_worker_is_seen_by_a_compiled_read_on_another_right_after(
    settings: Settings, tokens: TokenMaker
) -> None:
    # given Ada's policy cached on the second worker's fast path, and Bob, who does not report
    # to her, with a task
    ada, bob, (ada_token, bob_token, hr_token) = await _ada_bob_and_hr(tokens)
    async with worker(settings) as first, worker(settings) as second:
        await _bobs_task_and_adas_policy_cached(first, second, ada_token, bob_token)
        fast_reads = await _fast_reads(second)

        # when HR makes Ada Bob's manager on the first worker
        await _make_manager(first, hr_token, bob, ada)

        # then Ada's very next request to the second worker, a read on the fast path, shows
        # Bob's task: nothing waited for the second worker to hear of the change
        tasks = (await call(second, ada_token, MY_TASKS, {}))["tasks"]["nodes"]
        assert await _fast_reads(second) == fast_reads + 1
    assert [task["title"] for task in tasks] == ["Bob's"]


async def test_every_subscriber_of_every_worker_receives_each_event_once(
    settings: Settings, tokens: TokenMaker
) -> None:
    # given three HR employees (each sees every task) subscribed on each of two workers, live
    emails = [f"hr{n}@example.com" for n in range(3)]
    for email in emails:
        await f.employee(email=email, role=EmployeeRole.HR)
    hr_tokens = [await tokens(email) for email in emails]
    token = hr_tokens[0]
    async with worker(settings) as first, worker(settings) as second:
        clients = [await WSClient.connect(url, t) for url in (first, second) for t in hr_tokens]
        ops = [await client.subscribe(TASK_EVENTS, {"after": "0"}) for client in clients]
        await call(first, token, CREATE_TASK, {"input": {"title": "Opening"}})
        for client, op in zip(clients, ops, strict=True):
            assert (await client.next_data(op))["taskEvents"]["task"]["title"] == "Opening"

        # when four tasks are created, on the workers in turn, and then a last one
        titles = [f"Task {n}" for n in range(4)]
        for n, title in enumerate(titles):
            await call((first, second)[n % 2], token, CREATE_TASK, {"input": {"title": title}})
        await call(second, token, CREATE_TASK, {"input": {"title": "Last"}})

        # then each subscriber receives the four in commit order, each once: nothing repeated
        # comes between them and the last one
        received = [
            [(await client.next_data(op))["taskEvents"]["task"]["title"] for _ in range(5)]
            for client, op in zip(clients, ops, strict=True)
        ]
        for client in clients:
            await client.close()
    assert received == [[*titles, "Last"]] * 6
