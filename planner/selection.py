"""Walking a validated operation: fields by response key (aliases, fragments, merging), their
arguments, and the scope each field needs, checked at planning time."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    get_argument_values,
)
from graphql.execution.values import VariableValues, get_directive_values
from strawberry.schema.schema_converter import GraphQLCoreConverter


class Uncovered(Exception):
    """The planner does not compile this (yet): the operation runs on the resolver path."""


Fields = dict[str, list[FieldNode]]


# Every field that needs a scope says so in its description, the same words on both kinds of
# check (schema/core/permissions.py `describe`: declared `scoped_field`s and the fields
# schema/core/read_scopes.py gates); reading them here keeps the planner free of schema imports.
_REQUIRES = re.compile(r"Requires scope `([^`]+)`\.$")


@cache
def required_scope(description: str | None) -> str | None:
    found = _REQUIRES.search(description or "")
    return found.group(1) if found else None


class Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues,
        scopes: frozenset[str],
    ) -> None:
        self.schema, self.fragments, self.variables, self.scopes = schema, fragments, variables, scopes

    def object_type(self, name: str) -> GraphQLObjectType:
        found = self.schema.get_type(name)
        if not isinstance(found, GraphQLObjectType):
            raise Uncovered(f"{name} is not an object type")
        return found

    def collect(self, selection_set: SelectionSetNode | None, runtime: GraphQLObjectType) -> Fields:
        """The fields selected on an object of type `runtime`, grouped by response key in order."""
        fields: Fields = {}
        self._collect(selection_set, runtime, fields, frozenset())
        return fields

    def _applies(self, condition: str | None, runtime: GraphQLObjectType) -> bool:
        if condition is None or condition == runtime.name:
            return True
        abstract = self.schema.get_type(condition)
        return abstract is not None and abstract is not runtime and self._is_sub_type(abstract, runtime)

    def _is_sub_type(self, abstract: GraphQLNamedType, runtime: GraphQLObjectType) -> bool:
        try:
            return bool(self.schema.is_sub_type(abstract, runtime))  # type: ignore[arg-type]
        except (TypeError, AttributeError):
            return False

    def _collect(
        self,
        selection_set: SelectionSetNode | None,
        runtime: GraphQLObjectType,
        fields: Fields,
        seen: frozenset[str],
    ) -> None:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if selection.directives and not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else None
                if self._applies(condition, runtime):
                    self._collect(selection.selection_set, runtime, fields, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                if self._applies(fragment.type_condition.name.value, runtime):
                    self._collect(fragment.selection_set, runtime, fields, seen | {name})

    def _included(self, selection: SelectionNode) -> bool:
        """`@skip(if:)` and `@include(if:)` as the executor reads them: their values are the
        document's or booleans of the variables, which are part of the plan's shape."""
        names = {directive.name.value for directive in selection.directives or ()}
        if not names <= {"skip", "include"}:
            raise Uncovered(f"directives {sorted(names)}")
        try:
            skip = get_directive_values(GraphQLSkipDirective, selection, self.variables)
            include = get_directive_values(GraphQLIncludeDirective, selection, self.variables)
        except Exception as error:  # the resolver path reports it
            raise Uncovered("directive arguments") from error
        if skip is not None and skip["if"] is True:
            return False
        return not (include is not None and include["if"] is False)

    def subfields(self, nodes: list[FieldNode], runtime: GraphQLObjectType) -> Fields:
        merged: Fields = {}
        for node in nodes:
            for key, more in self.collect(node.selection_set, runtime).items():
                merged.setdefault(key, []).extend(more)
        return merged

    def definition(
        self, parent: GraphQLObjectType, nodes: list[FieldNode], checked: bool = False
    ) -> GraphQLField:
        """The field's definition, once the principal's scopes allow it (else `Uncovered`).
        `checked`: the compiler asks the policy for the field's one permission itself."""
        name = nodes[0].name.value
        field: GraphQLField | None = parent.fields.get(name)
        if field is None:
            raise Uncovered(f"{parent.name}.{name} is unknown")
        scope = required_scope(field.description)
        if scope is not None and scope not in self.scopes:
            raise Uncovered(f"{parent.name}.{name} needs {scope}")
        strawberry_field = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if len(getattr(strawberry_field, "permission_classes", None) or ()) > (scope is not None) + checked:
            raise Uncovered(f"{parent.name}.{name} has a permission that is not a scope")
        return field

    def arguments(self, field: GraphQLField, nodes: list[FieldNode]) -> dict[str, Any]:
        try:
            return get_argument_values(field, nodes[0], self.variables)
        except Exception as error:  # the resolver path reports it
            raise Uncovered("arguments") from error
