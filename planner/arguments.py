"""A list field's arguments as the resolver path reads them: page size, sort key and filter `Q`.

Only forward pages are compiled (`first`, `after`): `before` and `last` leave the field to the
resolver path, as does any filter key or argument not declared in the field's mapping
(planner/mapping.py). `after` is decoded by the resolvers' codec and becomes their own seek
condition (resolvers/core/pagination.py), the filter their own `Q`; both are derivations
(planner/visibility.py), bound per request, so one plan pages through a whole list and serves
every search text. A value the resolver path would refuse (a page size above 100, a negative
one, a cursor of another list, a search too long) is not compiled either, so that its error
comes from one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from tortoise.expressions import Q

from planner.selection import Uncovered
from planner.specs import Many
from planner.visibility import Derivation
from resolvers.core.cursors import decode_cursor
from resolvers.core.pagination import PageArgs, SortKey
from resolvers.core.pagination import seek_condition as seek_after  # the resolvers' own

_PAGE_ARGS = ("first", "after", "last", "before")


@dataclass(frozen=True)
class ListArguments:
    """A connection field's arguments as the statement reads them."""

    limit: int
    sort: SortKey
    where: Q  # the arguments the mapping lists in `extra` (enums: part of the plan's shape)
    filter: Derivation | None  # the `filter:` argument, as the resolvers' `Q` builder reads it
    seek: Derivation | None  # the rows after the `after:` cursor (the page only, not `totalCount`)


def list_arguments(spec: Many, args: dict[str, Any]) -> ListArguments:
    """A connection field's argument values (their variables still wrapped: planner/params.py)
    as page size, sort and conditions. The filter and the cursor are derivations: rebuilt from
    each request's variables by the resolvers' own code, and bound."""
    if any(args.get(name) is not None for name in ("last", "before")):
        raise Uncovered("backward pages")
    try:
        limit = PageArgs(first=args.get("first")).limit()
    except Exception as error:  # BadInput: the resolver path reports it
        raise Uncovered("page size") from error
    sort = spec.sort
    where = Q()
    filtered: Derivation | None = None
    for name, value in args.items():
        if name in _PAGE_ARGS or value is None:
            continue
        if name == "orderBy" and spec.order_fields is not None:
            sort = SortKey(spec.order_fields[value["field"].value], value["direction"].value == "desc")
        elif name == "filter" and spec.filter_of is not None:
            unknown = [
                key for key, given in value.items() if given is not None and key not in spec.filter_keys
            ]
            if unknown:
                raise Uncovered(f"filter {unknown[0]}")
            filtered = Derivation(spec.model, partial(_filter, spec.filter_of, spec.filter_keys), value)
        elif name in spec.extra:
            where &= Q(**{spec.extra[name]: getattr(value, "value", value)})
        else:
            raise Uncovered(f"argument {name}")
    after = args.get("after")
    if after is None:
        return ListArguments(limit, sort, where, filtered, None)
    return ListArguments(
        limit, sort, where, filtered, Derivation(spec.model, partial(_seek, spec, sort), after)
    )


def _seek(spec: Many, sort: SortKey, after: str) -> Q:
    """The resolvers' seek condition of the cursor `after` (their codec refuses a bad one)."""
    field = spec.model._meta.fields_map[sort.field]
    value, pk = decode_cursor(after, sort.list_key(spec.name), field)
    return seek_after(sort.field, value, pk, greater=not sort.descending, nullable=field.null)


def _filter(build: Callable[..., Q], keys: Mapping[str, str], value: dict[str, Any]) -> Q:
    kwargs: dict[str, Any] = {}
    for name, given in value.items():
        if given is None:
            continue
        if isinstance(given, list):
            if given:  # an empty list filters nothing, as on the resolver path
                kwargs[keys[name]] = [getattr(v, "value", v) for v in given]
        else:
            kwargs[keys[name]] = given  # a search text, an ID, a time, a flag
    return build(**kwargs)
