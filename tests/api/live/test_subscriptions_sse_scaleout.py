"""Server-Sent Events across processes: a commit on one worker reaches an SSE subscriber of another.

Runs only with PEOPLEGRAPH_TEST_BACKEND=postgres and TEST_REDIS_URL (skipped otherwise).
"""

from __future__ import annotations

from config import Settings
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, TASK_EVENTS, call
from tests.support.server_process import NEEDS_POSTGRES_AND_REDIS, worker
from tests.support.sse_client import event_stream

pytestmark = NEEDS_POSTGRES_AND_REDIS


async def test_a_commit_in_one_process_reaches_an_sse_subscriber_of_another(
    settings: Settings, tokens: TokenMaker
) -> None:
    # given ada following taskEvents over SSE on the second worker
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    async with (
        worker(settings) as first,
        worker(settings) as second,
        event_stream(second, token, TASK_EVENTS, {"after": "0"}) as stream,  # no race with the commit
    ):
        # when a task is created through the first worker, then another once she surely is live
        await call(first, token, CREATE_TASK, {"input": {"title": "Across"}})
        replayed_or_live = (await stream.next_data())["taskEvents"]
        await call(first, token, CREATE_TASK, {"input": {"title": "Live"}})
        live = (await stream.next_data())["taskEvents"]

    # then both reach her stream, in order
    assert replayed_or_live["task"]["title"] == "Across"
    assert live["task"]["title"] == "Live"
