"""graphql-transport-ws as clients expect it: a bad operation fails alone, not the connection.

Strawberry closes the whole WebSocket with 4400 when one subscribe message carries a document
that does not parse or names an unknown `operationName`. graphql-ws treats 4400 as fatal and
does not reconnect, so one bad operation would end every other subscription of the client. The
protocol lets a server answer such an operation with an `error` message for its own id; 4400
stays for real protocol violations (a malformed message, a subscribe before the ack), which
Strawberry's handler still closes for.

A live event executed once for a group of subscribers (schema/live/sharing.py) carries its data
as `SharedData`: the first connection to send it encodes it to JSON, and every other member of
the group writes the same text inside its own `next` message (only the operation id, and any
errors or extensions, are encoded per message).

A subscription that parks (web/ws_relay.py) ends its operation's task with `Parked`, not the
operation: it stays in `operations` (so `complete` ends it, its id is taken, it counts towards
the limit) with no task, and its relay member runs it again here in a new task when it is
promoted or must end (`run_operation`, `_resume`); that run resumes from the member's position.
It runs in the connection's own context (not that of the task that woke it: the leader, a token
check, the hub), and not before the run it replaces has finished unwinding from its park.

A subscribe payload may carry a trusted document's `documentId` in place of `query`
(schema/extensions/trusted.py): it is resolved here, since Strawberry's handler reads only the
query text of a payload.
"""

from __future__ import annotations

import asyncio
import contextvars
from functools import partial
from typing import Any, cast

from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.types.execution import PreExecutionError

from resolvers.core.problems import ProblemCode
from resolvers.live.stream import Parked
from schema.extensions.trusted import registered_text
from web.context import Context
from web.errors import graphql_error_code
from web.ws_relay import Member, Relay, Serving, current_member, serving


def _with_code(error: GraphQLError) -> GraphQLError:
    """The error with a stable `extensions.code`, the one the HTTP endpoint gives it."""
    if (error.extensions or {}).get("code"):
        return error
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(error.extensions or {}), "code": graphql_error_code(error)},
    )


# Shared data encoded, over the process's life (for tests and benchmarks).
encodings = 0


class SharedData(dict[str, Any]):
    """The `data` of a result sent as it is to every member of a group; its JSON is made once.

    `relay` and `event_id` name the group's parked members and the live event: when the group's
    leader sends it, its frame is also written to each of them (web/ws_relay.py).
    """

    __slots__ = ("event_id", "relay", "text")

    def __init__(self, data: dict[str, Any], relay: Relay | None = None, event_id: int = 0) -> None:
        super().__init__(data)
        self.text: str | None = None
        self.relay, self.event_id = relay, event_id


class OperationErrorsHandler(BaseGraphQLTransportWSHandler[Context, None]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Operations whose subscription is parked (web/ws_relay.py): open, with no task running.
        self.parked: dict[str, Member] = {}
        # The connection's own context (its ASGI task's, as Strawberry's operation tasks start
        # from): a parked operation's new run starts from it, not from whoever woke it.
        self._context = contextvars.copy_context()

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """A subscribe payload may name a trusted document (`documentId`) instead of a `query`."""
        payload: Any = message.get("payload")
        if self.connection_acknowledged and isinstance(payload, dict) and "documentId" in payload:
            principal = self.context.principal
            try:
                if payload.get("query"):
                    raise GraphQLError(
                        "Send either `query` or `documentId`, not both.",
                        extensions={"code": ProblemCode.BAD_USER_INPUT},
                    )
                text = await registered_text(
                    principal.client_id if principal else None, payload["documentId"]
                )
            except GraphQLError as error:
                await self.send_message({"id": message["id"], "type": "error", "payload": [error.formatted]})
                return
            message = cast("SubscribeMessage", {**message, "payload": {**payload, "query": text}})
        await super().handle_subscribe(message)

    async def send_message(self, message: Any) -> None:
        payload = message.get("payload")
        data = payload.get("data") if message["type"] == "next" and isinstance(payload, dict) else None
        if not isinstance(data, SharedData) or not isinstance(self.websocket, ASGIWebSocketAdapter):
            await super().send_message(message)
            return
        global encodings
        if data.text is None:
            encodings += 1
            data.text = self.view.encode_json_string(dict(data))
        rest = "".join(
            f',"{key}":{self.view.encode_json_string(value)}'
            for key, value in payload.items()
            if key != "data"
        )
        operation = self.view.encode_json_string(message["id"])
        tail = f',"type":"next","payload":{{"data":{data.text}{rest}}}}}'
        member = current_member.get()
        if data.relay is not None and member is not None:  # copied first: a slow leader delays no one
            data.relay.broadcast(member, data.event_id, tail)
        try:
            await self.websocket.ws.send_text(f'{{"id":{operation}{tail}')
        except WebSocketDisconnect as exc:  # as Strawberry's own send_json reports it
            raise WebSocketDisconnected from exc

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Strawberry's, except that a subscription that parks ends the task, not the operation:
        it stays open (in `operations`, for `complete`, 4409 and the limit), and its relay
        member runs it again here, in a new task, when it is promoted or must end."""
        member = self.parked.pop(operation.id, None)
        serving.set(Serving(operation.id, partial(self._resume, operation), member))  # this task's own
        parked = False
        try:
            await super().run_operation(operation)
        except Parked as stop:
            assert isinstance(stop.seat, Member)
            self.parked[operation.id], parked = stop.seat, True
        finally:
            seat = current_member.get()
            if seat is not None and not parked:  # ended before its subscription could leave
                seat.leave()

    def _resume(self, operation: Operation[Context, None]) -> None:
        if self.operations.get(operation.id) is not operation:
            return  # completed or closed meanwhile
        running = operation.task
        if running is not None and not running.done():  # woken while its run still unwinds from parking
            running.add_done_callback(lambda _: self._resume(operation))
            return
        # Woken by another task (the leader leaving or sending, a token check, the hub): in that
        # task's context, `current_member` is another subscription's seat, which this run's
        # cleanup would make leave its group.
        operation.task = asyncio.create_task(self.run_operation(operation), context=self._context.copy())
        operation.task.add_done_callback(self._task_done)

    async def cleanup_operation(self, operation_id: str) -> None:
        member = self.parked.pop(operation_id, None)
        if member is not None:
            member.leave()
        await super().cleanup_operation(operation_id)

    async def _send_result_stream(self, operation: Operation[Context, None], result_source: Any) -> None:
        try:
            await super()._send_result_stream(operation, result_source)
        except GraphQLError as error:
            # Raised, not returned, before execution: the parser cache parses the document
            # itself. Strawberry would log it as a crash and just complete the operation.
            await operation.send_initial_errors([_with_code(error)])

    async def _handle_pre_execution_error(
        self, operation: Operation[Context, None], result: PreExecutionError
    ) -> Any:
        assert result.errors
        await operation.send_initial_errors([_with_code(error) for error in result.errors])
