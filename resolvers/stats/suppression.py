"""The privacy floor: which cells of a grouped table may be shown to someone who is not HR.

A cell is one group of the table the database returned: its key (the values of the grouped
dimensions, then whether its rows match the caller's filter), how many rows it holds and how many
distinct people are behind them. The rules, applied until nothing changes:

1. Primary suppression: a cell with fewer people than the floor is hidden.
2. Complementary suppression: the table's marginals are what other queries show (drop one
   dimension, or the filter, and the cells along it add up to one cell of that query). A slice
   along any one axis with exactly one hidden cell would give it away by subtraction, so the
   slice's smallest shown cell is hidden as well.

3. The "other" row: the hidden matching cells are shown merged, as one row; it must merge at least
   two cells, or it would be the one hidden cell under another name.

The filter is one of the axes: a filtered query is computed over every visible row, with the
filter as a yes/no dimension, so that "with the filter" and "without it" cannot be subtracted to
reveal the few people the filter leaves out. Only the matching cells are returned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    key: tuple[object, ...]  # the dimension values, then the filter flag
    count: int
    people: int
    # Per average measure: (sum of the values, how many values) so merged cells average right.
    totals: dict[str, tuple[float, int]] = field(default_factory=dict)

    @property
    def matches(self) -> bool:
        return bool(self.key[-1])


def _slices(cells: Sequence[Cell]) -> list[list[int]]:
    """Every line of the table along one axis: the cells that share all other key values."""
    width = len(cells[0].key) if cells else 0
    lines: list[list[int]] = []
    for axis in range(width):
        by_rest: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for index, cell in enumerate(cells):
            by_rest[cell.key[:axis] + cell.key[axis + 1 :]].append(index)
        lines.extend(members for members in by_rest.values() if len(members) > 1)
    return lines


def _smallest(cells: Sequence[Cell], candidates: list[int]) -> int:
    """The complement to hide: the fewest people, then the fewest rows, then the first."""
    return min(candidates, key=lambda index: (cells[index].people, cells[index].count, index))


def hidden_cells(cells: Sequence[Cell], floor: int) -> set[int]:
    """The indexes of the cells that must not be shown: primary, then complementary suppression,
    until no line, and not the matching cells the "other" row merges, holds a lone hidden cell.

    A work list of such lines: hiding a cell updates only the lines through it, so a table of a
    thousand cells takes milliseconds."""
    hidden = {index for index, cell in enumerate(cells) if cell.people < floor}
    if not hidden:
        return hidden
    matching = [index for index, cell in enumerate(cells) if cell.matches]
    lines = [members for members in [*_slices(cells), matching] if len(members) > 1]
    through: dict[int, list[int]] = defaultdict(list)
    for number, members in enumerate(lines):
        for index in members:
            through[index].append(number)
    inside = [sum(1 for index in members if index in hidden) for members in lines]
    pending = [number for number, count in enumerate(inside) if count == 1]
    while pending:
        number = pending.pop()
        if inside[number] != 1:
            continue
        partner = _smallest(cells, [index for index in lines[number] if index not in hidden])
        hidden.add(partner)
        for line in through[partner]:
            inside[line] += 1
            if inside[line] == 1:
                pending.append(line)
    return hidden


def population_is_hidden(matching_people: int, excluded_people: int, floor: int) -> bool:
    """The query's total is a cell too: it is hidden when the filter leaves fewer people than the
    floor, or leaves out fewer than the floor (the unfiltered total minus it would name them)."""
    return matching_people < floor or 0 < excluded_people < floor
