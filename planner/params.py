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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ids import InvalidId, from_global_id
from resolvers.core.pagination import MAX_PAGE_SIZE

Path = tuple[str | int, ...]


class BoundStr(str):
    path: Path


class BoundInt(int):
    path: Path


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
            return "str"
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
    convert: str = ""  # "pk": the primary key of a global ID
    constant: Any = None


def value_at(variables: Mapping[str, Any], path: Path) -> Any:
    value: Any = variables
    for step in path:
        value = value[step]
    return value


def bind(params: tuple[Param, ...], variables: Mapping[str, Any]) -> list[Any] | None:
    """The parameters' values for these variables, or None when one does not fit the plan
    (an ID of another type, or no ID at all: the resolver path answers)."""
    values: list[Any] = []
    for param in params:
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
