"""`peoplegraph training check-compliance`: record each employee's status with each training
requirement and write a `training.compliance_changed` event for each change.

Idempotent and safe on many machines at once (resolvers/training/compliance_check.py): run it
daily from cron on one machine, or on every machine; each change is recorded once, with one event.
"""

from __future__ import annotations

import argparse

from cli._run import Commands, run_with_db
from config import Settings


def register(commands: Commands) -> None:
    parser = commands.add_parser("training", help="Training maintenance jobs.")
    sub = parser.add_subparsers(dest="training_command", required=True, metavar="COMMAND")
    check = sub.add_parser(
        "check-compliance",
        help="Find requirement statuses that changed (expiring, overdue...) and write their events.",
    )
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    from resolvers.training.compliance_check import check_compliance

    async def work(settings: Settings) -> int:
        result = await check_compliance()
        print(f"checked {result.checked} requirement status(es); {result.changed} changed")
        return 0

    return run_with_db(work)
