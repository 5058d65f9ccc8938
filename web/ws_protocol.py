"""graphql-transport-ws as clients expect it: a bad operation fails alone, not the connection.

Strawberry closes the whole WebSocket with 4400 when one subscribe message carries a document
that does not parse or names an unknown `operationName`. graphql-ws treats 4400 as fatal and
does not reconnect, so one bad operation would end every other subscription of the client. The
protocol lets a server answer such an operation with an `error` message for its own id; 4400
stays for real protocol violations (a malformed message, a subscribe before the ack), which
Strawberry's handler still closes for.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.types.execution import PreExecutionError

from web.context import Context
from web.errors import graphql_error_code


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


class OperationErrorsHandler(BaseGraphQLTransportWSHandler[Context, None]):
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
