"""A list field's arguments as the resolver path reads them: page size, sort key and filter `Q`.

Only forward pages from the start (`first`) are compiled; cursors (`after`, `before`) and
`last` leave the field to the resolver path, as does any filter key or argument not declared in
the field's mapping (planner/mapping.py). A value the resolver path would refuse (a page size
above 100, a negative one) is not compiled either, so that its error comes from one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tortoise.expressions import Q

from planner.mapping import Many
from planner.selection import Uncovered
from resolvers.core.pagination import PageArgs, SortKey

_PAGE_ARGS = ("first", "after", "last", "before")


def list_arguments(spec: Many, args: dict[str, Any]) -> tuple[int, SortKey, Q]:
    """(page size, sort, filter) of a connection field's argument values."""
    if any(args.get(name) is not None for name in ("after", "last", "before")):
        raise Uncovered("cursors and backward pages")
    try:
        limit = PageArgs(first=args.get("first")).limit()
    except Exception as error:  # BadInput: the resolver path reports it
        raise Uncovered("page size") from error
    sort = spec.sort
    where = Q()
    for name, value in args.items():
        if name in _PAGE_ARGS or value is None:
            continue
        if name == "orderBy" and spec.order_fields is not None:
            sort = SortKey(spec.order_fields[value["field"].value], value["direction"].value == "desc")
        elif name == "filter" and spec.filter_of is not None:
            where &= _filter(spec.filter_of, spec.filter_keys, value)
        elif name in spec.extra:
            where &= Q(**{spec.extra[name]: getattr(value, "value", value)})
        else:
            raise Uncovered(f"argument {name}")
    return limit, sort, where


def _filter(build: Callable[..., Q], keys: Mapping[str, str], value: dict[str, Any]) -> Q:
    kwargs: dict[str, Any] = {}
    for name, given in value.items():
        if given is None:
            continue
        if name not in keys:
            raise Uncovered(f"filter {name}")
        if given:  # an empty list filters nothing, as on the resolver path
            kwargs[keys[name]] = [getattr(v, "value", v) for v in given]
    return build(**kwargs)
