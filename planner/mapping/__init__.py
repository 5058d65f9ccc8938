"""The SQL mapping of the GraphQL types the planner compiles, assembled from one module per domain.

Each domain module (planner/mapping/<domain>.py, the same names in each) declares:

- `MODELS`: the GraphQL types of the domain and the model whose rows they show;
- `FIELDS`: the fields it maps, by GraphQL type: its own types', and the fields it adds to
  another domain's type (`Employee.tasks` is the tasks domain's, as `resolvers/tasks/` reads it);
- `ROOT_LISTS`: the `Query` connections it compiles; `ROOT_ROWS`: its `Query` fields that return
  a plain list of rows; `ROOT_ROWS_BY_KEY`: those that return one row by an ID argument; `NODES`: the `node(id:)` types, with the read
  scope each declares and the `Policy.visible_*` rule the node lookup applies.

Every entry names the GraphQL type and field it mirrors (schema/<domain>/) and reuses the
resolver path's own building blocks (sort keys, `Q` filter builders, `Policy.visible_*` names),
so that an order, a filter or a visibility rule is written once. A field that is not listed is
not compiled: the whole operation falls back to the resolver path (planner/README.md). The kinds
of entries are declared in planner/specs.py.
"""

from __future__ import annotations

from dataclasses import replace
from types import ModuleType

from auth.scopes import Scope
from planner.mapping import employees, feedback, mentorships, schedules, tasks, teams, training
from planner.specs import Keyed, Listed, Many, Spec, TypeMap

DOMAINS: tuple[ModuleType, ...] = (employees, teams, tasks, mentorships, training, schedules, feedback)


def _types() -> dict[str, TypeMap]:
    models = {name: model for domain in DOMAINS for name, model in domain.MODELS.items()}
    fields: dict[str, dict[str, Spec]] = {name: {} for name in models}
    for domain in DOMAINS:
        for type_name, declared in domain.FIELDS.items():
            clash = fields[type_name].keys() & declared.keys()
            assert not clash, f"{type_name}.{sorted(clash)} mapped twice"
            fields[type_name].update(declared)
    return {name: TypeMap(model, fields[name]) for name, model in models.items()}


TYPES: dict[str, TypeMap] = _types()

# Root list fields (`Query.<name>`), each named as its cursors' list key.
ROOT_LISTS: dict[str, Many] = {
    name: replace(spec, name=name) for domain in DOMAINS for name, spec in domain.ROOT_LISTS.items()
}

# Root fields that return a plain list of rows (`Query.<name>`).
ROOT_ROWS: dict[str, Listed] = {name: spec for domain in DOMAINS for name, spec in domain.ROOT_ROWS.items()}

# Root fields that return one row by an ID argument, or the viewer's (`Query.<name>`).
ROOT_ROWS_BY_KEY: dict[str, Keyed] = {
    name: spec for domain in DOMAINS for name, spec in domain.ROOT_ROWS_BY_KEY.items()
}

# Every root field the planner compiles (`Query.<name>`).
ROOT_FIELDS = frozenset({"node", "viewer", *ROOT_LISTS, *ROOT_ROWS, *ROOT_ROWS_BY_KEY})

# `node(id:)` compiles for these types, with the read scope each declares (schema/core/nodes.py
# `NODE_KINDS`; a unit test compares) and the `Policy.visible_*` rule the node lookup applies
# (the same rule as its lists).
NODE_TYPES: dict[str, tuple[Scope, str | None]] = {
    name: kind for domain in DOMAINS for name, kind in domain.NODES.items()
}
