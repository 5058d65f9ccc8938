"""The privacy floor's rules on hand-made tables, without a database: primary suppression,
complementary suppression along every axis, the "other" row and the population of a filter."""

from __future__ import annotations

from resolvers.stats.suppression import Cell, hidden_cells, population_is_hidden

FLOOR = 5


def cell(*key: object, people: int, matches: bool = True) -> Cell:
    return Cell(key=(*key, matches), count=people, people=people)


def names(cells: list[Cell], hidden: set[int]) -> set[tuple[object, ...]]:
    return {cells[i].key[:-1] for i in hidden}


def test_a_table_above_the_floor_hides_nothing() -> None:
    cells = [cell("web", people=7), cell("ops", people=5)]
    assert hidden_cells(cells, FLOOR) == set()


def test_a_lone_small_cell_takes_the_next_smallest_with_it() -> None:
    cells = [cell("web", people=9), cell("ops", people=6), cell("sec", people=2)]
    assert names(cells, hidden_cells(cells, FLOOR)) == {("sec",), ("ops",)}


def test_two_small_cells_need_no_complement() -> None:
    cells = [cell("web", people=9), cell("sec", people=2), cell("hr", people=1)]
    assert names(cells, hidden_cells(cells, FLOOR)) == {("sec",), ("hr",)}


def test_every_row_and_column_of_a_two_way_table_is_protected() -> None:
    # web: todo 6, done 6, blocked 1; ops: todo 8, done 7
    cells = [
        cell("web", "todo", people=6),
        cell("web", "done", people=6),
        cell("web", "blocked", people=1),
        cell("ops", "todo", people=8),
        cell("ops", "done", people=7),
    ]
    hidden = hidden_cells(cells, FLOOR)
    # no line (a team's statuses, a status's teams) holds exactly one hidden cell
    for axis in (0, 1):
        lines: dict[object, list[int]] = {}
        for i, c in enumerate(cells):
            lines.setdefault(c.key[1 - axis], []).append(i)
        for members in lines.values():
            assert len([i for i in members if i in hidden]) != 1 or len(members) == 1
    assert ("web", "blocked") in names(cells, hidden)


def test_the_filter_is_an_axis_like_any_other() -> None:
    # web: six match the filter, one does not; ops: five match, five do not
    cells = [
        cell("web", people=6),
        cell("web", people=1, matches=False),
        cell("ops", people=5),
        cell("ops", people=5, matches=False),
    ]
    hidden = hidden_cells(cells, FLOOR)
    assert {0, 1} <= hidden  # web with the filter would be web without it minus the one


def test_the_other_row_never_holds_a_single_cell() -> None:
    # the small cell has no line of its own (its key is unique along every axis)
    cells = [cell("web", "jan", people=7), cell("sec", "none", people=2)]
    assert names(cells, hidden_cells(cells, FLOOR)) == {("web", "jan"), ("sec", "none")}


def test_a_population_under_the_floor_or_missing_few_is_hidden() -> None:
    assert population_is_hidden(4, 0, FLOOR)
    assert population_is_hidden(40, 2, FLOOR)
    assert not population_is_hidden(40, 0, FLOOR)
    assert not population_is_hidden(40, 5, FLOOR)
