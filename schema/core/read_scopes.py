"""Every field that reaches an object requires that object's read scope, on every path.

A type declares the scope that reads it with `read_scope(...)` (schema/core/permissions.py); a
connection or an edge reads as its nodes. Once the schema is built, each field whose objects
need a scope its parent type does not already need is gated: the scope is checked before the
field resolves and named in its description. Fields inside one scope are not checked again,
since reaching their parent already needed it. The field must be nullable, so a refusal is an
error at that field's own path and the rest of the response stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    default_field_resolver,
    get_named_type,
    get_nullable_type,
    is_non_null_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter

from auth.scopes import Scope
from schema.core.permissions import check_scope, describe, read_scope_of, requires

# Every gated field by its coordinate (`Task.assignee`) and the scope it requires; the
# authorization matrix test reads it to prove each such path has a row.
GATED_FIELDS: dict[str, Scope] = {}

# A connection reads as its edges and an edge as its node.
_WRAPPER_FIELDS = ("edges", "node")


def scope_of(named: GraphQLNamedType) -> Scope | None:
    """The scope that reads objects of this GraphQL type; None for types anyone reaching them reads."""
    definition = (named.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    declared = read_scope_of(origin) if isinstance(origin, type) else None
    if declared is not None or not isinstance(named, GraphQLObjectType):
        return declared
    for name in _WRAPPER_FIELDS:
        wrapped = named.fields.get(name)
        if wrapped is not None:
            return scope_of(get_named_type(wrapped.type))
    return None


def _gated(resolve: Callable[..., Any], scope: Scope) -> Callable[..., Any]:
    def resolve_with_scope(source: Any, info: Any, **arguments: Any) -> Any:
        check_scope(info.context.principal, scope)
        return resolve(source, info, **arguments)

    return resolve_with_scope


def _declares(field: GraphQLField, scope: Scope) -> bool:
    """Whether the field already carries the scope's permission class (`scoped`)."""
    strawberry_field = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return requires(scope) in (getattr(strawberry_field, "permission_classes", None) or ())


def gate_fields(schema: GraphQLSchema) -> None:
    """Gate every field of `schema` whose objects need a read scope; refuse non-null ones and
    Node types that declare no read scope, so that no new field or type can slip past."""
    for parent in schema.type_map.values():
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) or parent.name.startswith("__"):
            continue
        own = scope_of(parent)
        if own is None and "Node" in {i.name for i in getattr(parent, "interfaces", ())}:
            raise TypeError(
                f"{parent.name} is a Node: declare the scope that reads it with `read_scope(...)`."
            )
        for name, field in parent.fields.items():
            needed = scope_of(get_named_type(field.type))
            if needed is None or needed == own:
                continue
            coordinate = f"{parent.name}.{name}"
            if is_non_null_type(field.type):
                raise TypeError(
                    f"{coordinate} needs `{needed.value}`: make it nullable, so that a token without "
                    "the scope loses only this field, not its parent."
                )
            GATED_FIELDS[coordinate] = needed
            if _declares(field, needed):
                continue
            field.description = describe(field.description or "", needed)
            if isinstance(parent, GraphQLObjectType):  # an interface's fields resolve on its types
                field.resolve = _gated(field.resolve or default_field_resolver, needed)


def let_mutations_fail_alone(schema: GraphQLSchema) -> None:
    """Make every mutation field nullable: a refused one (no token, a missing write scope) is null
    with its error, and the mutations before it in the same document, already applied, keep
    their payloads instead of losing them to `data: null`."""
    if schema.mutation_type is None:
        return
    for field in schema.mutation_type.fields.values():
        field.type = cast(GraphQLOutputType, get_nullable_type(field.type))
