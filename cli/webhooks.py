"""`peoplegraph webhooks dispatch`: a dispatcher process, run until SIGINT/SIGTERM.

Several may run against PostgreSQL (row locks share the work); with SQLite run one, or let the
server's built-in dispatcher do it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from cli._run import Commands, run_with_db
from config import Settings


def register(commands: Commands) -> None:
    parser = commands.add_parser("webhooks", help="Webhook delivery.")
    sub = parser.add_subparsers(dest="webhooks_command", required=True, metavar="COMMAND")
    dispatch = sub.add_parser("dispatch", help="Deliver webhooks until interrupted (SIGINT/SIGTERM).")
    dispatch.add_argument("--poll-interval", type=float, default=1.0, help="seconds between polls")
    dispatch.add_argument("--concurrency", type=int, default=32, help="requests in flight at most")
    dispatch.set_defaults(handler=_dispatch)


def _dispatch(args: argparse.Namespace) -> int:
    from events.webhooks import WebhookDispatcher

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    async def work(settings: Settings) -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        dispatcher = WebhookDispatcher(
            settings, poll_interval=args.poll_interval, concurrency=args.concurrency
        )
        await dispatcher.start()
        logging.getLogger("peoplegraph.webhooks").info("dispatcher running; Ctrl-C to stop")
        try:
            await stop.wait()
        finally:
            # Sends cut off here stay leased and are retried after the lease by any dispatcher.
            await dispatcher.stop()
        return 0

    return run_with_db(work)
