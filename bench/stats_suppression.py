"""How long the privacy floor takes on the largest table an aggregate may return.

A table of 1,000 cells (500 groups, doubled by a filter's yes/no), four dimensions, most groups
under the floor: the worst case for complementary suppression. Pure Python, no database.

    .venv/bin/python -m bench.stats_suppression
"""

from __future__ import annotations

import random
import time

from resolvers.stats.suppression import Cell, hidden_cells


def table(seed: int) -> list[Cell]:
    rng = random.Random(seed)
    cells: dict[tuple[object, ...], Cell] = {}
    while len(cells) < 1000:
        key = (rng.randrange(10), rng.randrange(5), rng.randrange(12), rng.randrange(2), rng.random() < 0.8)
        people = rng.randint(1, 12)
        cells[key] = Cell(key=key, count=people, people=people)
    return list(cells.values())


def main() -> None:
    timings = []
    for seed in range(5):
        cells = table(seed)
        started = time.perf_counter()
        hidden = hidden_cells(cells, 5)
        timings.append(time.perf_counter() - started)
        print(f"seed {seed}: {len(cells)} cells, {len(hidden)} hidden, {timings[-1] * 1000:.0f} ms")
    print(f"median {sorted(timings)[len(timings) // 2] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
