"""Webhook payload shaping: a webhook may carry a GraphQL subscription document; each
delivery's `data` is then that document's result for the event.

The document is checked against the schema when the webhook is created or changed: one
subscription operation with one root field among `taskEvents`, `mentorshipEvents` and
`trainingSessionEvents` (`viewerEvents` needs a signed-in employee, which a webhook is not).
At delivery the event is presented exactly as a live subscriber would see it with the token that
created or last changed the webhook (its employee, and its scopes intersected with what its client
is registered for now: nothing once the client is revoked), and the document is executed on it.
So a document never reads more than that token could read itself: without the root field's scope
(`tasks:read` for `taskEvents`, ...) the payload is `{"taskEvents": null}`, and fields needing
another scope (`employees:read`, `employees:sensitive`) are refused as they would be to the token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
    validate,
    value_from_ast_untyped,
)

from auth.scopes import Scope
from config import Settings
from events.webhooks.dispatcher import PayloadShaper
from ids import from_global_id
from models.events import Event as EventRow
from models.webhooks import Webhook
from resolvers.core.errors import ErrorCode, UserError
from resolvers.webhooks.reads import shaping_principal
from schema.live import presenters
from web.context import Context

Present = Callable[[Context, EventRow, dict[str, Any]], Awaitable[Any]]


def _pk(arguments: dict[str, Any], name: str) -> int | None:
    value = arguments.get(name)
    return from_global_id(value)[1] if value else None


async def _task(ctx: Context, row: EventRow, args: dict[str, Any]) -> Any:
    return await presenters.task_event(ctx, row, _pk(args, "teamId"), _pk(args, "assigneeId"))


async def _mentorship(ctx: Context, row: EventRow, args: dict[str, Any]) -> Any:
    return await presenters.mentorship_event(ctx, row)


async def _training(ctx: Context, row: EventRow, args: dict[str, Any]) -> Any:
    return await presenters.session_event(ctx, row, _pk(args, "sessionId"))


PRESENTERS: dict[str, Present] = {
    "taskEvents": _task,
    "mentorshipEvents": _mentorship,
    "trainingSessionEvents": _training,
}
# The scope each root field needs, as on the live subscription (schema/live/subscriptions.py).
ROOT_SCOPES: dict[str, Scope] = {
    "taskEvents": Scope.TASKS_READ,
    "mentorshipEvents": Scope.MENTORSHIPS_READ,
    "trainingSessionEvents": Scope.TRAINING_READ,
}


def _root_field(document: DocumentNode) -> tuple[FieldNode, dict[str, Any]]:
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    [field] = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    arguments = {a.name.value: value_from_ast_untyped(a.value) for a in field.arguments or ()}
    return field, arguments


def check_document(graphql_schema: Any, query: str) -> list[UserError]:
    """User errors for a document that cannot shape payloads; empty when it can."""

    def error(message: str) -> list[UserError]:
        return [UserError(code=ErrorCode.INVALID, message=message, field=("input", "query"))]

    try:
        document = parse(query)
    except GraphQLError as exc:
        return error(f"The query does not parse: {exc.message}")
    problems = validate(graphql_schema, document)
    if problems:
        return error("; ".join(p.message for p in problems))
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation != OperationType.SUBSCRIPTION:
        return error("The query must hold exactly one subscription operation.")
    if operations[0].variable_definitions:
        return error("Write argument values inline: a webhook has no variables.")
    fields = [s for s in operations[0].selection_set.selections if isinstance(s, FieldNode)]
    if len(fields) != 1 or fields[0].name.value not in PRESENTERS:
        return error(f"Subscribe to exactly one of: {', '.join(PRESENTERS)}.")
    return []


def make_shaper(graphql_schema: Any, settings: Settings) -> PayloadShaper:
    async def shape(webhook: Webhook, event: EventRow) -> dict[str, Any] | None:
        if not webhook.query:
            return None
        document = parse(webhook.query)
        field, arguments = _root_field(document)
        principal = await shaping_principal(webhook)
        empty = {(field.alias or field.name).value: None}
        if not principal.has_scope(ROOT_SCOPES[field.name.value]):
            return empty
        context = Context(settings=settings, principal=principal)
        item = await PRESENTERS[field.name.value](context, event, arguments)
        if item is None:  # the document's arguments leave this event out, or it is not readable
            return empty
        outcome = execute(graphql_schema, document, root_value=item, context_value=context)
        result: ExecutionResult = await outcome if isinstance(outcome, Awaitable) else outcome
        return result.data

    return shape
