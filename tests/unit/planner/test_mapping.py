"""The planner's mapping names real GraphQL fields, model fields and read scopes."""

from __future__ import annotations

from graphql import get_named_type

from planner.mapping import NODE_TYPES, ROOT_LISTS, ROOT_ROWS, TYPES
from planner.plans import PlanCache
from planner.specs import Attached, Capability, Chosen, Column, Computed, Counted, Many, Sensitive, ToOne
from schema import schema
from schema.core.nodes import NODE_KINDS


def test_every_mapped_field_exists_in_the_schema_and_the_model() -> None:
    for type_name, mapping in TYPES.items():
        gtype = schema._schema.get_type(type_name)
        assert gtype is not None, type_name
        for name, spec in mapping.fields.items():
            assert name in gtype.fields, f"{type_name}.{name}"  # type: ignore[attr-defined]
            model_fields = mapping.model._meta.fields_map
            if isinstance(spec, Sensitive):
                spec = spec.column
            if isinstance(spec, Column):
                assert spec.field in model_fields, f"{type_name}.{name}"
            elif isinstance(spec, Computed | Capability):
                continue
            elif isinstance(spec, Counted):
                assert spec.rows.partition in spec.rows.model._meta.fields_map, f"{type_name}.{name}"
                assert spec.left_of is None or spec.left_of in model_fields, f"{type_name}.{name}"
            elif isinstance(spec, ToOne):
                assert spec.fk in model_fields and spec.target in TYPES, f"{type_name}.{name}"
            elif isinstance(spec, Attached):
                target = TYPES[spec.target].model._meta.fields_map
                assert spec.key in target and set(spec.defaults) <= set(target), f"{type_name}.{name}"
            elif isinstance(spec, Chosen):
                # One list for each value of the enum argument, none for another.
                argument = gtype.fields[name].args[spec.argument]  # type: ignore[attr-defined]
                values = {
                    getattr(v.value, "value", v.value) for v in get_named_type(argument.type).values.values()
                }
                assert set(spec.lists) == values, f"{type_name}.{name}"
                for chosen in spec.lists.values():
                    assert chosen.partition in chosen.model._meta.fields_map, f"{type_name}.{name}"
            else:
                assert isinstance(spec, Many)
                assert spec.partition in spec.model._meta.fields_map, f"{type_name}.{name}"
    for name in [*ROOT_LISTS, *ROOT_ROWS]:
        assert name in schema._schema.query_type.fields  # type: ignore[union-attr]


def test_node_types_declare_the_scopes_their_lookups_check() -> None:
    for type_name, (scope, _) in NODE_TYPES.items():
        assert NODE_KINDS[type_name].scope == scope


def test_the_plan_cache_is_bounded_and_least_recently_used() -> None:
    from planner.plans import NO_PLAN

    cache = PlanCache(size=2)
    cache.put(("a",), NO_PLAN)
    cache.put(("b",), NO_PLAN)
    assert cache.get(("a",)) is NO_PLAN
    cache.put(("c",), NO_PLAN)
    assert len(cache) == 2
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) is NO_PLAN and cache.get(("c",)) is NO_PLAN


def test_descriptions_name_every_scope_a_field_checks() -> None:
    from strawberry.schema.schema_converter import GraphQLCoreConverter

    from auth.scopes import Scope
    from planner.selection import required_scope
    from schema.core.permissions import requires
    from schema.core.read_scopes import GATED_FIELDS

    by_class = {requires(scope): scope.value for scope in Scope}
    for parent in schema._schema.type_map.values():
        for name, field in (getattr(parent, "fields", None) or {}).items():
            declared = getattr(
                (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF),
                "permission_classes",
                None,
            )
            expected = {by_class[p] for p in declared or () if p in by_class}
            gated = GATED_FIELDS.get(f"{parent.name}.{name}")
            if gated is not None:
                expected.add(gated.value)
            found = required_scope(field.description)
            assert {found} - {None} == expected, f"{parent.name}.{name}"
