"""`seed --demo` and `seed --scale N`: deterministic demo or benchmark data.

The command is here; the package plans and writes the rows: common.py (the plan and the bulk
writer), names.py (word lists), demo.py with demo_context.py, demo_activity.py and
demo_training.py (the demo), scale.py (the benchmark data).
"""

from __future__ import annotations

import argparse
import sys

from cli._run import Commands, run_with_db
from config import Settings


def register(commands: Commands) -> None:
    seed = commands.add_parser("seed", help="Load deterministic demo or benchmark data.")
    group = seed.add_mutually_exclusive_group(required=True)
    group.add_argument("--demo", action="store_true", help="About 120 employees and everything around them.")
    group.add_argument("--scale", type=int, metavar="N", help="Benchmark data: N x (2,000 employees, ...).")
    seed.add_argument("--if-empty", action="store_true", help="Do nothing when employees already exist.")
    seed.set_defaults(handler=_seed)


def _seed(args: argparse.Namespace) -> int:
    from cli.seed.common import SeedRefused

    if args.scale is not None and args.scale < 1:
        print("seed: --scale takes a whole number >= 1", file=sys.stderr)
        return 2
    try:
        return run_with_db(lambda settings: _work(args, settings))
    except SeedRefused as refused:
        print(f"seed: refused: {refused}", file=sys.stderr)
        return 1


async def _work(args: argparse.Namespace, settings: Settings) -> int:
    from auth.passwords import hash_password
    from cli.seed.common import check_empty, format_counts
    from cli.seed.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
    from cli.seed.scale import seed_scale

    if args.if_empty and not await check_empty(if_empty=True):
        print("seed: employees already exist; nothing to do (--if-empty)")
        return 0
    password_hash = hash_password(DEMO_PASSWORD)  # once, shared by every seeded employee
    if args.demo:
        counts = await seed_demo(password_hash=password_hash)
        assert counts is not None
        print("seed: demo data written:")
        print(format_counts(counts))
        print(f"Demo accounts (password {DEMO_PASSWORD!r}):")
        for account in DEMO_ACCOUNTS:
            print(f"  {account.email:<32} {account.role:<9} {account.description}")
        return 0
    result = await seed_scale(args.scale, password_hash=password_hash)
    timings = {key: result.pop(key) for key in ("plan_ms", "write_ms")}
    print(f"seed: scale {args.scale} benchmark data written:")
    print(format_counts(result))
    print(f"  planned in {timings['plan_ms']} ms, written in {timings['write_ms']} ms")
    return 0
