"""Query cost: how many objects an operation may return, shown to clients and capped.

The estimate walks the operation with the schema's types: each field that returns objects
costs one per object, times the page size of a connection (`first`/`last`, or the default
page size when neither is given), the most groups an aggregate returns (`groupBy`), or the length of the list argument of a list field (`nodes(ids:)`),
with the values the executor will use: variables as given, else the variable's default, else the
argument's default. Every response carries `extensions.cost`; an operation above
the ceiling is refused before it runs, with code QUERY_TOO_COSTLY; the rest is charged to the
caller's rate-limit bucket (schema/extensions/throttle.py), and `extensions.cost.throttleStatus`
says what is left.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)
from graphql.execution import ExecutionResult
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from resolvers.core.pagination import DEFAULT_PAGE_SIZE
from resolvers.core.problems import ProblemCode
from resolvers.stats.tables import MAX_GROUPS
from schema.extensions.throttle import Charge, charge, cost_extension

MAX_COST = 1_000_000


def _multiplier(definition: GraphQLField, node: FieldNode, variables: VariableValues | None) -> int:
    """How many objects the field may return, from the argument values the executor will use.

    Those are the coerced variables (the operation's defaults included) or else the argument's
    own default: the same `get_argument_values` the executor calls.
    """
    try:
        arguments = get_argument_values(definition, node, variables)
    except GraphQLError:  # the executor refuses these arguments before resolving anything
        return 1
    if "groupBy" in definition.args:  # an aggregate: its rows are bounded by the groups it may return
        return MAX_GROUPS
    if "first" in definition.args or "last" in definition.args:
        asked = [v for v in (arguments.get("first"), arguments.get("last")) if isinstance(v, int)]
        return max(0, *asked) if asked else DEFAULT_PAGE_SIZE
    if is_list_type(get_nullable_type(definition.type)):  # e.g. `nodes(ids:)`: one object per ID
        return max((len(v) for v in arguments.values() if isinstance(v, list)), default=1)
    return 1


class _Estimator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues | None,
    ):
        self.schema, self.fragments, self.variables = schema, fragments, variables

    def selection_cost(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, seen: frozenset[str]
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_cost(selection.selection_set, target or parent, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    target = self.schema.get_type(fragment.type_condition.name.value) or parent
                    total += self.selection_cost(fragment.selection_set, target, seen | {name})
        return total

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType, seen: frozenset[str]) -> int:
        fields = getattr(parent, "fields", None)
        definition = fields.get(node.name.value) if fields else None
        if definition is None:  # introspection or an unknown field (validation reports it)
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        multiplier = _multiplier(definition, node, self.variables)
        return multiplier * (1 + self.selection_cost(node.selection_set, named, seen))


def estimate(
    schema: GraphQLSchema, document: Any, operation_name: str | None, variables: dict[str, Any]
) -> int:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if not operations:
        return 0
    operation = operations[0]
    root: GraphQLObjectType | None = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
    values = coerced if isinstance(coerced, VariableValues) else None  # bad variables are refused later
    return _Estimator(schema, fragments, values).selection_cost(operation.selection_set, root, frozenset())


class QueryCost(SchemaExtension):
    """Estimates the cost, refuses what is above the ceiling, and charges the rest to the
    caller's rate-limit bucket (schema/extensions/throttle.py) before anything runs."""

    def __init__(self, *, execution_context: Any = None) -> None:
        self.cost: int | None = None
        self.charge: Charge | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            self.cost = estimate(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables or {},
            )
            if self.cost > MAX_COST:
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"This operation could return about {self.cost:,} objects; at most {MAX_COST:,} are "
                            "allowed. Ask for smaller pages (`first`) or fewer nested lists.",
                            extensions={
                                "code": ProblemCode.QUERY_TOO_COSTLY,
                                "cost": self.cost,
                                "maximum": MAX_COST,
                            },
                        )
                    ],
                )
            else:
                await self._charge()
        yield

    async def _charge(self) -> None:
        context = self.execution_context
        request = getattr(context.context, "request", None)
        self.charge = await charge(request, getattr(context.context, "principal", None), self.cost or 0)
        if self.charge is None or self.charge.error is None:
            return
        if context.operation_type == OperationType.SUBSCRIPTION:
            raise self.charge.error  # a subscription starts whatever the result says: refuse it
        context.result = ExecutionResult(data=None, errors=[self.charge.error])
        response = getattr(context.context, "response", None)
        if isinstance(response, Response) and not self.charge.status.allowed:
            response.status_code = 429
            response.headers.update(self.charge.retry_after_header)

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        # A subscription's events share one payload per group (schema/live/sharing.py): what its
        # start left in the bucket would be stale on them, and differ between subscribers.
        subscription = self.execution_context.operation_type == OperationType.SUBSCRIPTION
        return {"cost": cost_extension(self.cost, MAX_COST, None if subscription else self.charge)}
