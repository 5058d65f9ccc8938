"""`peoplegraph mentorships expire`: expire mentorship requests left unanswered too long.

Idempotent and safe on many machines at once (resolvers/mentorships/expiry.py): run it from
cron on one machine, or on every machine; each request expires once, with one event.
"""

from __future__ import annotations

import argparse

from cli._run import Commands, fail, run_with_db
from config import Settings


def register(commands: Commands) -> None:
    parser = commands.add_parser("mentorships", help="Mentorship maintenance jobs.")
    sub = parser.add_subparsers(dest="mentorships_command", required=True, metavar="COMMAND")
    expire = sub.add_parser(
        "expire",
        help="Expire requests unanswered for PEOPLEGRAPH_MENTORSHIP_REQUEST_EXPIRY_DAYS days (default 14).",
    )
    expire.add_argument("--days", type=int, default=None, help="override the setting for this run (1-365)")
    expire.set_defaults(handler=_expire)


def _expire(args: argparse.Namespace) -> int:
    from resolvers.mentorships.expiry import expire_stale_requests

    if args.days is not None and not 1 <= args.days <= 365:
        return fail("--days must be from 1 to 365")

    async def work(settings: Settings) -> int:
        days = args.days or settings.mentorship_request_expiry_days
        expired = await expire_stale_requests(days)
        print(f"expired {len(expired)} mentorship request(s) older than {days} day(s)")
        return 0

    return run_with_db(work)
