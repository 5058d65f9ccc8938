"""The GraphQL surface: types, inputs, enums, payloads, connections and the root types."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from planner.extension import CompiledReads
from schema.core.nodes import NODE_KINDS
from schema.core.read_scopes import gate_fields, let_mutations_fail_alone
from schema.core.scalars import SCALAR_OVERRIDES
from schema.extensions.cost import QueryCost
from schema.extensions.limits import schema_extensions
from schema.extensions.persisted import PersistedQueries
from schema.extensions.text_guard import ReadInputText
from schema.extensions.trusted import TrustedDocuments
from schema.live.sharing import SharedEventExecutor
from schema.live.types import EVENT_TYPES as LIVE_EVENT_TYPES
from schema.mutation import Mutation
from schema.query import Query
from schema.subscription import Subscription
from web.http_status import DatabaseUnavailableStatus, UnauthenticatedStatus
from web.metrics import OperationMetrics

# Every Node type, so that Strawberry knows them all even where no field names one directly.
NODE_TYPES = [kind.type for kind in NODE_KINDS.values()]


def _should_mask(error: GraphQLError) -> bool:
    """Hide the details of unexpected exceptions; errors that carry a code are meant for users."""
    if error.original_error is None or not error.path:
        return False  # parse, validation and variable errors describe the request: show them
    return not (error.extensions and "code" in error.extensions)


class PeopleGraphSchema(strawberry.Schema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gate_fields(self._schema)  # every object field needs its objects' read scope, on every path
        let_mutations_fail_alone(self._schema)

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Log only unexpected errors; refusals with a code are answers, not incidents."""
        unexpected = [e for e in errors if _should_mask(e)]
        super().process_errors(unexpected, execution_context)


schema = PeopleGraphSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[*NODE_TYPES, *LIVE_EVENT_TYPES],
    scalar_overrides=SCALAR_OVERRIDES,
    execution_context_class=SharedEventExecutor,  # one payload per group of live subscribers
    extensions=[
        TrustedDocuments,
        PersistedQueries,
        ReadInputText,
        *schema_extensions(),
        UnauthenticatedStatus,
        DatabaseUnavailableStatus,
        OperationMetrics,
        QueryCost,
        CompiledReads,
        lambda: MaskErrors(should_mask_error=_should_mask, error_message="Internal server error."),
    ],
)
