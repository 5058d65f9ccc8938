"""A list field's arguments as the resolver path reads them: page size, sort key and filter `Q`.

Only forward pages are compiled (`first`, `after`): `before` and `last` leave the field to the
resolver path, as does any filter key or argument not declared in the field's mapping
(planner/mapping.py). `after` is decoded by the resolvers' codec and becomes their own seek
condition (resolvers/core/pagination.py). A value the resolver path would refuse (a page size
above 100, a negative one, a cursor of another list) is not compiled either, so that its error
comes from one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tortoise.expressions import Q

from planner.selection import Uncovered
from planner.specs import Many
from resolvers.core.cursors import decode_cursor
from resolvers.core.pagination import PageArgs, SortKey
from resolvers.core.pagination import seek_condition as seek_after  # the resolvers' own

_PAGE_ARGS = ("first", "after", "last", "before")


def list_arguments(spec: Many, args: dict[str, Any]) -> tuple[int, SortKey, Q, Q | None, bool]:
    """(page size, sort, filter, seek condition of `after` or None, whether the filter has a
    value to bind: a search text, a time, an ID, a flag) of a connection field's argument
    values. The filter applies to `totalCount` too, the seek condition to the page only."""
    if any(args.get(name) is not None for name in ("last", "before")):
        raise Uncovered("backward pages")
    try:
        limit = PageArgs(first=args.get("first")).limit()
    except Exception as error:  # BadInput: the resolver path reports it
        raise Uncovered("page size") from error
    sort = spec.sort
    where = Q()
    text = False
    for name, value in args.items():
        if name in _PAGE_ARGS or value is None:
            continue
        if name == "orderBy" and spec.order_fields is not None:
            sort = SortKey(spec.order_fields[value["field"].value], value["direction"].value == "desc")
        elif name == "filter" and spec.filter_of is not None:
            where &= _filter(spec.filter_of, spec.filter_keys, value)
            # A text, time, ID or flag is bound as Tortoise binds it (lists of enums are inlined).
            text = text or any(v is not None and not isinstance(v, list) for v in value.values())
        elif name in spec.extra:
            where &= Q(**{spec.extra[name]: getattr(value, "value", value)})
        else:
            raise Uncovered(f"argument {name}")
    after = args.get("after")
    if after is None:
        return limit, sort, where, None, text
    field = spec.model._meta.fields_map[sort.field]
    try:
        value, pk = decode_cursor(after, sort.list_key(spec.name), field)
    except Exception as error:  # BadInput: the resolver path reports it
        raise Uncovered("cursor") from error
    seek = seek_after(sort.field, value, pk, greater=not sort.descending, nullable=field.null)
    return limit, sort, where, seek, text


def _filter(build: Callable[..., Q], keys: Mapping[str, str], value: dict[str, Any]) -> Q:
    kwargs: dict[str, Any] = {}
    for name, given in value.items():
        if given is None:
            continue
        if name not in keys:
            raise Uncovered(f"filter {name}")
        if isinstance(given, list):
            if given:  # an empty list filters nothing, as on the resolver path
                kwargs[keys[name]] = [getattr(v, "value", v) for v in given]
        else:
            kwargs[keys[name]] = given  # a search text
    try:
        return build(**kwargs)
    except Exception as error:  # BadInput (a search too long): the resolver path reports it
        raise Uncovered("filter") from error
