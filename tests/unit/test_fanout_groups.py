"""The hub's per-group payloads (events/hub.py, schema/live/sharing.py): made once, kept briefly."""

from __future__ import annotations

import asyncio
from typing import Any

from graphql import ExecutionResult

from events.hub import _GROUP_WINDOW, Hub
from models.events import Event
from schema.live.sharing import GroupSlot
from web.context import Context


def _event(pk: int) -> Event:
    return Event(id=pk, type="task.created", subject_type="Task", subject_id=pk, data={})


def test_a_live_event_keeps_its_group_payloads_for_a_window_of_events() -> None:
    hub = Hub()
    first = _event(1)
    hub.deliver([first])
    live = hub.context_for(first)
    slot = live.group("key", GroupSlot)

    assert hub.is_live(live) and live.group("key", GroupSlot) is slot
    assert not hub.is_live(hub.context_for(_event(1)))  # a replayed row's context is its own
    hub.deliver([_event(pk) for pk in range(2, _GROUP_WINDOW + 1)])
    assert live.group("key", GroupSlot) is slot
    hub.deliver([_event(_GROUP_WINDOW + 1)])
    assert live.group("key", GroupSlot) is not slot  # forgotten: a late member makes its own
    assert hub.is_live(live)  # the event's shared rows stay longer


async def test_a_group_presents_and_executes_once_for_all_its_members() -> None:
    slot = GroupSlot()
    made, executed = [], []

    async def make() -> Any:
        made.append(1)
        await asyncio.sleep(0.01)
        return {"title": "Shared"}

    async def execute() -> ExecutionResult:
        executed.append(1)
        await asyncio.sleep(0.01)
        return ExecutionResult({"taskEvents": {"title": "Shared"}}, None)

    contexts = [Context(settings=None, principal=None) for _ in range(5)]  # type: ignore[arg-type]
    items = await asyncio.gather(*(slot.present(ctx, make) for ctx in contexts))
    results = await asyncio.gather(*(slot.result(execute) for _ in contexts))

    assert made == [1] and executed == [1]
    assert slot.context is contexts[0]  # the one that presented executes for all
    assert all(item == {"title": "Shared"} for item in items)
    assert len({id(r) for r in results}) == 5  # one result object each, the same data
    assert all(r.data is results[0].data for r in results)
