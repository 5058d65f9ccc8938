"""Variables as SQL parameters: a plan is keyed by the variables' shape and binds their values.

Before planning, every string and integer a request's variables hold is wrapped (`BoundStr`,
`BoundInt`: the same value, plus the path it came from). The compiler turns a wrapped value it
can bind into a parameter (`Compiler.param`): a node's primary key (of the global ID, whose type
stays in the shape), a page size. Whatever else the compiled SQL depends on is part of the
shape: enum values (orders, status filters: a handful each, and they change the statement),
booleans, nulls, list lengths, a page size of 0 (no page at all) or outside 1-100 (refused). A
wrapped value the compiler used without binding it (a search text, a cursor) is *pinned*: the
plan serves only requests with that very value (`Plan.pinned`, checked on every hit), so a
cached plan never answers with another request's value.

The viewer's facts that the policy's rules read (their id, their transitive reports, their
teams and led teams) are parameters too: the compiler plans with a *symbolic* policy whose facts
are stand-ins (`Fact`), and every stand-in the rendered rules hold becomes a parameter bound from
the asking policy (`facts_of`). A plan is then keyed by the principal's class (`principal_class`:
role and service or not; the scopes are keyed beside it), not by the viewer: one plan serves every
employee, and answers each with their own facts.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auth.policy import Policy
from ids import InvalidId, from_global_id
from resolvers.core.pagination import MAX_PAGE_SIZE

Path = tuple[str | int, ...]


class BoundStr(str):
    path: Path


class BoundInt(int):
    path: Path


class Fact(int):
    """A stand-in for one of the viewer's facts in a symbolic policy: the viewer's id (`viewer`)
    or one member of a set of ids (`reports`, `teams`, `led_teams`). The value itself is never
    used; the rendering recognises the object and binds the fact by name."""

    name: str

    @property
    def many(self) -> bool:
        return self.name != "viewer"


def _fact(name: str, value: int) -> Fact:
    stand_in = Fact(value)
    stand_in.name = name
    return stand_in


def symbolic(policy: Policy) -> Policy:
    """`policy` with its per-viewer facts replaced by stand-ins; the rules read the same
    attributes, so they build the same `Q`s, with stand-ins where the values were."""
    if policy.viewer is None:
        return policy  # a service token or nobody: no per-viewer facts
    viewer = copy.copy(policy.viewer)
    viewer.id = _fact("viewer", -1)
    return dataclasses.replace(
        policy,
        viewer=viewer,
        reports=frozenset({_fact("reports", -2)}),
        teams=frozenset({_fact("teams", -3)}),
        led_teams=frozenset({_fact("led_teams", -4)}),
    )


def principal_class(policy: Policy) -> tuple[Any, ...]:
    """What, besides the scopes, a plan of a symbolic policy depends on."""
    role = policy.viewer.role if policy.viewer is not None else None
    return (policy.sees_everything, policy.is_service, str(role) if role is not None else None)


def facts_of(policy: Policy) -> dict[str, frozenset[int]]:
    """The asking viewer's facts, each as a set of ids (the viewer's id: a set of one)."""
    viewer = frozenset({policy.viewer_id}) if policy.viewer_id is not None else frozenset()
    return {"viewer": viewer, "reports": policy.reports, "teams": policy.teams, "led_teams": policy.led_teams}


def _facts(param: Param, facts: Mapping[str, frozenset[int]]) -> Any:
    """A fact parameter's value: the viewer's id, or the union of the named sets of ids, as a
    text `,1,2,3,` (SQLite looks for `,<id>,` in it) or an array (PostgreSQL's `= ANY`)."""
    if param.convert == "fact":
        return next(iter(facts["viewer"]), None)
    members = sorted({int(i) for name in param.constant for i in facts[name]})
    return "".join(f",{i}" for i in members) + "," if param.convert == "facts:text" else members


def _str(value: str, path: Path) -> BoundStr:
    bound = BoundStr(value)
    bound.path = path
    return bound


def _int(value: int, path: Path) -> BoundInt:
    bound = BoundInt(value)
    bound.path = path
    return bound


def wrap(value: Any, path: Path = ()) -> Any:
    """`value` with its strings and integers wrapped, each knowing its path."""
    if type(value) is str:
        return _str(value, path)
    if type(value) is int:
        return _int(value, path)
    if isinstance(value, dict):
        return {k: wrap(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [wrap(v, (*path, i)) for i, v in enumerate(value)]
    return value


def rebind(template: Any, variables: Mapping[str, Any]) -> Any:
    """`template` (an argument value with wrapped leaves) with each leaf's value taken from
    `variables`: the argument as another request gives it."""
    if isinstance(template, BoundStr | BoundInt):
        return value_at(variables, template.path)
    if isinstance(template, dict):
        return {k: rebind(v, variables) for k, v in template.items()}
    if isinstance(template, list):
        return [rebind(v, variables) for v in template]
    return template


def bound_paths(template: Any) -> set[Path]:
    """The paths of the variables whose values `template` holds."""
    if isinstance(template, BoundStr | BoundInt):
        return {template.path}
    items = (
        template.values() if isinstance(template, dict) else template if isinstance(template, list) else ()
    )
    return {path for item in items for path in bound_paths(item)}


def leaves(value: Any, path: Path = ()) -> dict[Path, Any]:
    """Every string and integer of `value`, by path."""
    if type(value) in (str, int):
        return {path: value}
    found: dict[Path, Any] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            found.update(leaves(v, (*path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found.update(leaves(v, (*path, i)))
    return found


def _leaf_shape(value: Any) -> Any:
    if type(value) is str:
        try:
            return ("gid", from_global_id(value)[0])
        except InvalidId:
            return "str" if value else ("str", "")  # an empty search is no condition at all
    if type(value) is int:
        return "int" if 0 < value <= MAX_PAGE_SIZE else ("int", value)
    return ("value", repr(value))  # enums, booleans, floats, None: part of the shape


def shape(value: Any) -> Any:
    """A hashable description of the variables that is the same for every value a plan binds."""
    if isinstance(value, dict):
        return tuple((k, shape(v)) for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ("list", tuple(shape(v) for v in value))
    return _leaf_shape(value)


@dataclass(frozen=True)
class Param:
    """One parameter of a plan: the variable at `path` (through `convert`), or a constant."""

    path: Path | None
    # "pk:<Type>": the primary key of a global ID; "fact": the viewer's id; "facts:text" and
    # "facts:array": the union of the viewer's sets of ids named in `constant`; "derived": the
    # value `constant[1]` of the derivation `constant[0]` (planner/visibility.py `Derivation`)
    convert: str = ""
    constant: Any = None


def value_at(variables: Mapping[str, Any], path: Path) -> Any:
    value: Any = variables
    for step in path:
        value = value[step]
    return value


def bind(
    params: tuple[Param, ...],
    variables: Mapping[str, Any],
    facts: Mapping[str, frozenset[int]] | None = None,
) -> list[Any] | None:
    """The parameters' values for these variables and the viewer's `facts` (`facts_of`), or
    None when one does not fit the plan (an ID of another type, or no ID at all: the resolver
    path answers)."""
    values: list[Any] = []
    for param in params:
        if param.convert == "derived":
            derived = param.constant[0].values(variables)
            if derived is None:
                return None
            values.append(derived[param.constant[1]])
            continue
        if param.convert.startswith("fact"):
            assert facts is not None, "a plan with the viewer's facts is bound with them"
            values.append(_facts(param, facts))
            continue
        if param.path is None:
            values.append(param.constant)
            continue
        value = value_at(variables, param.path)
        if param.convert.startswith("pk:"):
            try:
                type_name, value = from_global_id(value)
            except InvalidId:
                return None
            if type_name != param.convert[3:]:
                return None
        values.append(int(value))
    return values


def derivations_fit(params: tuple[Param, ...], variables: Mapping[str, Any]) -> bool:
    """Whether every derived condition of a statement renders as planned for these variables."""
    return all(p.constant[0].values(variables) is not None for p in params if p.convert == "derived")
