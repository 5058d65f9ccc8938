"""Grouped tables: one GROUP BY statement over the visible rows, then the privacy floor.

The statement groups the rows the policy lets the viewer see by the asked dimensions and, for a
viewer under the floor who gave a filter, by whether each row matches it (see suppression.py);
a second statement counts the distinct people of the whole population the same way. Rows come
back sorted by their dimension values (no value last).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tortoise.expressions import Expression, Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from resolvers.core.problems import BadInput, ProblemCode
from resolvers.stats.dialect import one_if
from resolvers.stats.dimensions import Domain
from resolvers.stats.suppression import Cell, hidden_cells, population_is_hidden

# At most this many groups per answer (before suppression); more is refused, not cut.
MAX_GROUPS = 500
MAX_DIMENSIONS = 4
_FLAG = "in_filter"


@dataclass(frozen=True)
class StatsRow:
    """One row of an answer: the value of each grouped dimension (None on the "other" row), the
    measures (None where the floor hides them) and whether this is the merged "other" row."""

    values: dict[StrEnum, Any]
    count: int | None
    people: int | None
    averages: dict[str, float | None]
    suppressed: bool


def check_group_by(domain: Domain, group_by: Sequence[StrEnum]) -> None:
    if not group_by:
        raise BadInput("groupBy needs at least one dimension.", field=["groupBy"])
    if len(set(group_by)) != len(group_by):
        repeated = sorted({d.name for d in group_by if list(group_by).count(d) > 1})
        raise BadInput(f"groupBy lists {', '.join(repeated)} more than once.", field=["groupBy"])
    if len(group_by) > MAX_DIMENSIONS:
        raise BadInput(f"groupBy takes at most {MAX_DIMENSIONS} dimensions.", field=["groupBy"])
    unknown = [d for d in group_by if d not in domain.dimensions]
    if unknown:  # the GraphQL enum makes this a bug, not an input error
        raise ValueError(f"{domain.name} cannot group by {unknown}")


def _alias(dimension: StrEnum) -> str:
    return f"d_{dimension.value}"


async def _cells(
    domain: Domain, rows: QuerySet[Any], group_by: Sequence[StrEnum], flag: Expression | None
) -> list[Cell]:
    annotations: dict[str, Any] = {
        "n_rows": Count("id", distinct=True),
        "n_people": Count(domain.person, distinct=True),
    }
    keys: list[str] = []
    for dimension in group_by:
        source = domain.dimensions[dimension].source
        if isinstance(source, str):
            keys.append(source)
        else:
            annotations[_alias(dimension)] = source()
            keys.append(_alias(dimension))
    if flag is not None:
        annotations[_FLAG] = flag
        keys.append(_FLAG)
    for name, make in domain.averages.items():
        annotations[f"s_{name}"], annotations[f"c_{name}"] = make()
    most = MAX_GROUPS * (2 if flag is not None else 1)  # the filter's yes/no doubles the cells
    statement = rows.annotate(**annotations).group_by(*keys).limit(most + 1)
    found = await statement.values(*dict.fromkeys([*keys, *annotations]))
    if len(found) > most:
        raise BadInput(
            f"This grouping has more than {MAX_GROUPS} groups: narrow it with a filter or fewer dimensions.",
            code=ProblemCode.TOO_MANY_GROUPS,
            maximum=MAX_GROUPS,
        )
    cells = []
    for row in found:
        values = tuple(domain.dimensions[d].convert(row[k]) for d, k in zip(group_by, keys, strict=False))
        cells.append(
            Cell(
                key=(*values, bool(row[_FLAG]) if flag is not None else True),
                count=int(row["n_rows"]),
                people=int(row["n_people"]),
                totals={
                    name: (float(row[f"s_{name}"] or 0), int(row[f"c_{name}"] or 0))
                    for name in domain.averages
                },
            )
        )
    return cells


async def _population(domain: Domain, rows: QuerySet[Any], flag: Expression | None) -> tuple[int, int]:
    """How many distinct people match the filter, and how many it leaves out."""
    people = Count(domain.person, distinct=True)
    if flag is None:
        found = await rows.annotate(n_people=people).values("n_people")
        return (int(found[0]["n_people"]) if found else 0), 0
    grouped = (
        await rows.annotate(**{_FLAG: flag, "n_people": people}).group_by(_FLAG).values(_FLAG, "n_people")
    )
    by_flag = {bool(row[_FLAG]): int(row["n_people"]) for row in grouped}
    return by_flag.get(True, 0), by_flag.get(False, 0)


def _row(group_by: Sequence[StrEnum], cell: Cell) -> StatsRow:
    return StatsRow(
        values=dict(zip(group_by, cell.key, strict=False)),
        count=cell.count,
        people=cell.people,
        averages={name: (s / n if n else None) for name, (s, n) in cell.totals.items()},
        suppressed=False,
    )


def _other(domain: Domain, merged: Sequence[Cell]) -> StatsRow:
    """The merged row of the hidden groups: its count and averages, not its people (a person may
    sit in several of them, and a sum would overstate)."""
    sums = {
        name: (sum(c.totals[name][0] for c in merged), sum(c.totals[name][1] for c in merged))
        for name in domain.averages
    }
    return StatsRow(
        values={},
        count=sum(c.count for c in merged),
        people=None,
        averages={name: (s / n if n else None) for name, (s, n) in sums.items()},
        suppressed=True,
    )


def _sort_key(cell: Cell) -> tuple[tuple[bool, Any], ...]:
    return tuple((value is None, value if value is not None else 0) for value in cell.key)


async def grouped_rows(
    domain: Domain,
    visible: QuerySet[Any],
    matches: Q | None,
    group_by: Sequence[StrEnum],
    *,
    exact: bool,
    floor: int,
) -> list[StatsRow]:
    """The answer: exact groups for a viewer above the floor (HR), else the floor applied."""
    check_group_by(domain, group_by)
    if exact or matches is None:
        rows, flag = (visible.filter(matches) if matches is not None else visible), None
    else:
        rows, flag = visible, one_if(matches)
    cells = sorted(await _cells(domain, rows, group_by, flag), key=_sort_key)
    if exact:
        return [_row(group_by, c) for c in cells]
    matching, excluded = await _population(domain, rows, flag)
    if matching == 0:
        return []
    if population_is_hidden(matching, excluded, floor):
        return [StatsRow({}, None, None, dict.fromkeys(domain.averages), suppressed=True)]
    hidden = hidden_cells(cells, floor)
    shown = [_row(group_by, c) for i, c in enumerate(cells) if c.matches and i not in hidden]
    merged = [c for i, c in enumerate(cells) if c.matches and i in hidden]
    return [*shown, _other(domain, merged)] if merged else shown
