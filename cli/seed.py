"""`seed --demo` and `seed --scale N` (filled in by the seed module)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    seed = commands.add_parser("seed", help="Load deterministic demo or benchmark data.")
    group = seed.add_mutually_exclusive_group(required=True)
    group.add_argument("--demo", action="store_true", help="About 120 employees and everything around them.")
    group.add_argument("--scale", type=int, metavar="N", help="Benchmark data: N x (2,000 employees, ...).")
    seed.add_argument("--if-empty", action="store_true", help="Do nothing when employees already exist.")
    seed.set_defaults(handler=_seed)


def _seed(args: argparse.Namespace) -> int:
    raise SystemExit("seed: not available yet")
