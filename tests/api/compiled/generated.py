"""Random selection sets over the types the planner maps, from a fixed seed.

Each one picks scalars (some aliased), `__typename`, to-one relations and connections (with
page sizes, orders and status filters the field accepts, `edges` (with or without `cursor`) or
`nodes`, `totalCount`, and `pageInfo` flags and cursors), nested no deeper than SQLite's parser takes, under `node(id:)` of a mapped
type or the root `tasks` list.
"""

from __future__ import annotations

import random

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    get_named_type,
)

from planner.mapping import NODE_TYPES, ROOT_LISTS, TYPES
from planner.specs import Capability, Column, Computed, Counted, Many, ToOne
from schema import schema


def _enum_names(type_name: str, field: str, argument: str, key: str) -> list[str]:
    arg = schema._schema.get_type(type_name).fields[field].args.get(argument)  # type: ignore[union-attr]
    if arg is None:
        return []
    named = get_named_type(arg.type)
    if isinstance(named, GraphQLInputObjectType):
        inner = named.fields.get(key)
        named = get_named_type(inner.type) if inner else None
    return list(named.values) if isinstance(named, GraphQLEnumType) else []


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.aliases = 0

    def _key(self, name: str) -> str:
        if self.rng.random() < 0.2:
            self.aliases += 1
            return f"a{self.aliases}: {name}"
        return name

    def selection(self, type_name: str, nesting: int, depth: int = 0) -> str:
        rng = self.rng
        fields = TYPES[type_name].fields
        scalars = [n for n, s in fields.items() if isinstance(s, Column | Computed | Capability | Counted)]
        parts = [self._key(n) for n in rng.sample(scalars, k=min(len(scalars), rng.randint(1, 4)))]
        if rng.random() < 0.3:
            parts.append("__typename")
        if depth < 3:
            for name, spec in fields.items():
                if isinstance(spec, ToOne) and rng.random() < 0.3:
                    parts.append(f"{self._key(name)} {{ {self.selection(spec.target, nesting, depth + 1)} }}")
                elif isinstance(spec, Many) and nesting < 2 and rng.random() < 0.25:
                    parts.append(self.connection(type_name, name, spec, nesting + 1, depth + 1))
        return " ".join(parts)

    def connection(self, type_name: str, name: str, spec: Many, nesting: int, depth: int) -> str:
        rng = self.rng
        target = spec.link[1] if spec.link else self._target(type_name, name)
        args = []
        if rng.random() < 0.7:
            args.append(f"first: {rng.choice([0, 1, 2, 3, 5, 100])}")
        if spec.order_fields and rng.random() < 0.5:
            field = rng.choice(sorted(spec.order_fields))
            args.append(f"orderBy: {{field: {field}, direction: {rng.choice(['ASC', 'DESC'])}}}")
        statuses = _enum_names(type_name, name, "filter", "status")
        if statuses and rng.random() < 0.5:
            args.append(f"filter: {{status: [{', '.join(rng.sample(statuses, k=rng.randint(0, 3)))}]}}")
        roles = _enum_names(type_name, name, "role", "")
        if roles and rng.random() < 0.5:
            args.append(f"role: {rng.choice(roles)}")
        inner = self.selection(target, nesting, depth)
        parts = []
        if spec.link or rng.random() < 0.5:
            edge = [f"node {{ {inner} }}"]
            if spec.link and rng.random() < 0.5:
                edge.append(rng.choice(["role", "joinedAt"]))
            if rng.random() < 0.4:
                edge.insert(rng.randint(0, len(edge)), "cursor")
            parts.append(f"edges {{ {' '.join(edge)} }}")
        else:
            parts.append(f"nodes {{ {inner} }}")
        if rng.random() < 0.3:
            parts.append("totalCount")
        if rng.random() < 0.3:
            flags = ["hasNextPage", "hasPreviousPage"]
            flags += ["startCursor", "endCursor"] if nesting < 2 else []  # SQLite's parser
            parts.append(f"pageInfo {{ {' '.join(rng.sample(flags, k=rng.randint(1, len(flags))))} }}")
        arguments = f"({', '.join(args)})" if args else ""
        return f"{self._key(name)}{arguments} {{ {' '.join(parts)} }}"

    def _target(self, type_name: str, name: str) -> str:
        """The node type of connection field `name` of `type_name`."""
        owner = schema._schema.get_type(type_name)
        assert isinstance(owner, GraphQLObjectType)
        connection = get_named_type(owner.fields[name].type)
        assert isinstance(connection, GraphQLObjectType)
        edge = get_named_type(connection.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        node: str = get_named_type(edge.fields["node"].type).name
        return node

    def operation(self) -> tuple[str, str | None]:
        """A query, and the node type its `$id` must name (None: no variables)."""
        if self.rng.random() < 0.3:
            return f"{{ {self.connection('Query', 'tasks', ROOT_LISTS['tasks'], 1, 0)} }}", None
        type_name = self.rng.choice(sorted(NODE_TYPES))
        body = self.selection(type_name, 0)
        return f"query($id: ID!) {{ node(id: $id) {{ id ... on {type_name} {{ {body} }} }} }}", type_name
