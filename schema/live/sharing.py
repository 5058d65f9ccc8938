"""Multiplexed fan-out: the subscribers of one group get one payload per live event.

A group is what decides a subscriber's payload: the subscription field, the document and its
operation, the variables (so every argument but `after`), and the visibility class of the principal:
what the policy (auth/policy.py) is built from. That is the employee and the scopes: the OAuth
client a person signed in through changes no rule, so one person on the web app and the phone
share a group; service tokens are one class per set of scopes, since a service sees everything
and no rule a live event reaches looks at which client it is. The token id and expiry do not
change what is shown, they only end a connection (resolvers/live/stream.py `TokenGuard`, still
per connection). Employees who differ are never one class: capability fields (`viewerCanUpdate`,
`viewerCanEnroll`, ...) and sensitive fields answer for the viewer, whatever they can see.

Per live event (one the hub delivered, so one `EventContext` for the process) and group:

- the first subscriber to get there presents the event (`GroupSlot.present`): it renews its
  context, reads the subject and decides visibility; the others await that answer;
- the first one whose result graphql-core executes runs the selection (`SharedEventExecutor`),
  with the context that presented; the others get the same data and errors.

Replayed rows (`after:`) have a private context and are presented and executed alone.

Over graphql-transport-ws most members of a group do not even get here: they are parked, and
the frame their group's leader sends is copied to them (web/ws_relay.py); the slot carries the
relay to the sender (`SharedData.relay`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from graphql import ExecutionResult, VariableNode, Visitor, print_ast, visit
from graphql.pyutils import AwaitableOrValue
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from web.context import Context, Info
from web.ws_protocol import SharedData
from web.ws_relay import Relay

GroupKey = tuple[Hashable, ...]

# Payload executions run for shared events, over the process's life (for tests and benchmarks).
executions = 0


def group_key(info: Info) -> GroupKey:
    """What decides the payload of this subscription, as a hashable key.

    A variable used only as the root field's `after` is left out: where a subscriber resumes
    from changes what it replays, not what a live event shows it.
    """
    operation = info.operation
    source = operation.loc.source.body if operation.loc is not None else print_ast(operation)
    document = hashlib.sha256(source.encode()).hexdigest()
    resume = _resume_variable(info)
    shown = {k: v for k, v in info.variable_values.items() if k != resume}
    variables = json.dumps(shown, sort_keys=True, default=str)
    principal = info.context.principal
    who = None if principal is None else (principal.employee_id, principal.scopes)
    name = operation.name.value if operation.name is not None else None
    return (info.field_name, document, name, variables, who)


class _Uses(Visitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.count = name, 0

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        if node.name.value == self.name:
            self.count += 1


def _resume_variable(info: Info) -> str | None:
    """The variable given as the root field's `after`, if the document uses it nowhere else."""
    raw = info._raw_info
    for argument in raw.field_nodes[0].arguments or ():
        if argument.name.value == "after" and isinstance(argument.value, VariableNode):
            uses = _Uses(argument.value.name.value)
            visit(raw.operation.selection_set, uses)
            for fragment in raw.fragments.values():
                visit(fragment, uses)
            return uses.name if uses.count == 1 else None
    return None


class GroupSlot:
    """One group's share of one live event: the presented item and its one execution."""

    __slots__ = ("_item", "_result", "context", "event_id", "relay")

    def __init__(self) -> None:
        self._item: asyncio.Future[Any] | None = None
        self._result: asyncio.Future[ExecutionResult] | None = None
        self.context: Context | None = None
        # The group's parked members, written to by whoever sends the result first (web/ws_relay.py).
        self.relay: Relay | None = None
        self.event_id = 0

    async def present(self, ctx: Context, make: Callable[[], Awaitable[Any]]) -> Any:
        """The group's item for this event, made once by the first subscriber (with its `ctx`)."""
        if self._item is None:
            self.context = ctx
            self._item = asyncio.ensure_future(make())
        return await asyncio.shield(self._item)  # a leaver must not cancel the others' answer

    async def result(self, execute: Callable[[], AwaitableOrValue[Any]]) -> ExecutionResult:
        if self._result is None:
            self._result = asyncio.ensure_future(_once(execute, self))
        shared = await asyncio.shield(self._result)
        return ExecutionResult(shared.data, list(shared.errors) if shared.errors else None)


async def _once(execute: Callable[[], AwaitableOrValue[Any]], slot: GroupSlot) -> ExecutionResult:
    global executions
    executions += 1
    result = execute()
    if asyncio.isfuture(result) or asyncio.iscoroutine(result):
        result = await result
    assert isinstance(result, ExecutionResult)
    if isinstance(result.data, dict):  # encoded once for the group when sent (web/ws_protocol.py)
        result.data = SharedData(result.data, slot.relay, slot.event_id)
    return result


class SharedEvent:
    """What a live field yields for a shared event: the item and its group's slot."""

    __slots__ = ("item", "slot")

    def __init__(self, item: Any, slot: GroupSlot) -> None:
        self.item = item
        self.slot = slot


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor; a `SharedEvent` root is executed once for its whole group."""

    def execute_operation(self, serially: bool | None = None) -> AwaitableOrValue[Any]:
        payload = self.root_value
        if not isinstance(payload, SharedEvent):
            return super().execute_operation(serially)
        self.root_value = payload.item
        if payload.slot.context is not None:
            self.context_value = payload.slot.context  # the context that presented this event

        def execute() -> AwaitableOrValue[Any]:
            return super(SharedEventExecutor, self).execute_operation(serially)

        return payload.slot.result(execute)
