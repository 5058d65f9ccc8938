"""Limits that keep one query from hurting the server, each refused with a stable code.

Depth and aliases are checked by a validation rule (before anything runs); tokens by the
parser; the request body's size and time by the HTTP layer (web/request_body.py). Errors
carry `extensions.code`: QUERY_TOO_DEEP, TOO_MANY_ALIASES, TOO_MANY_TOKENS.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)
from graphql.validation import ValidationRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter

from resolvers.core.problems import ProblemCode
from schema.extensions.document_cache import DocumentCache

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000


def _walk(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    depth: int,
    seen: frozenset[str],
    counts: dict[str, int],
) -> None:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.alias is not None:
                counts["aliases"] += 1
            if selection.name.value.startswith("__"):
                continue  # introspection is bounded by the schema itself (GraphiQL nests it 14 deep)
            if selection.selection_set is not None:
                counts["depth"] = max(counts["depth"], depth + 1)
                _walk(selection.selection_set, fragments, depth + 1, seen, counts)
        elif isinstance(selection, InlineFragmentNode):
            _walk(selection.selection_set, fragments, depth, seen, counts)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:  # cycles are reported by graphql-core
                _walk(fragment.selection_set, fragments, depth, seen | {name}, counts)


class OperationLimits(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        context: ValidationContext = self.context
        fragments = {
            f.name.value: f for f in context.document.definitions if isinstance(f, FragmentDefinitionNode)
        }
        counts = {"depth": 0, "aliases": 0}
        _walk(node.selection_set, fragments, 0, frozenset(), counts)
        name = node.name.value if node.name else "anonymous"
        if counts["depth"] > MAX_DEPTH:
            context.report_error(
                GraphQLError(
                    f"Operation '{name}' nests {counts['depth']} levels deep; at most {MAX_DEPTH} are allowed.",
                    node,
                    extensions={"code": ProblemCode.QUERY_TOO_DEEP, "maximum": MAX_DEPTH},
                )
            )
        if counts["aliases"] > MAX_ALIASES:
            context.report_error(
                GraphQLError(
                    f"Operation '{name}' uses {counts['aliases']} aliases; at most {MAX_ALIASES} are allowed.",
                    node,
                    extensions={"code": ProblemCode.TOO_MANY_ALIASES, "maximum": MAX_ALIASES},
                )
            )


def schema_extensions() -> list[Any]:
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules([OperationLimits]),
        DocumentCache,
    ]
