"""Webhook delivery benchmark (not a test): throughput and commit-to-first-attempt delay.

    .venv/bin/python bench/webhooks.py [--events 2000] [--samples 100]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/webhooks.py

Uses a fresh SQLite file (or the given PostgreSQL database, whose webhook tables and events
are emptied first) and the loopback receiver of the tests, which verifies every signature.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import db  # noqa: E402
from config import load_settings  # noqa: E402
from events.webhooks import WebhookDispatcher  # noqa: E402
from models.webhooks import WebhookDelivery  # noqa: E402
from resolvers.webhooks import workflows as api  # noqa: E402
from tests.support.webhook_actors import manage  # noqa: E402
from tests.support.webhook_receiver import Receiver, emit  # noqa: E402  # noqa: E402


async def prepare(url: str) -> None:
    await db.migrate(url)
    await db.init_db(url)
    if url.startswith("postgres"):
        from tortoise import connections

        await connections.get("default").execute_script(
            "TRUNCATE webhook_delivery_attempts, webhook_deliveries, webhooks, webhook_outbox_cursor, events"
        )


async def throughput(settings, receiver: Receiver, events: int) -> tuple[float, float]:
    for _ in range(events):
        await emit()
    dispatcher = WebhookDispatcher(settings, batch_size=200, concurrency=64)
    started = time.perf_counter()
    try:
        while len(receiver.received) < events:
            await dispatcher.run_once()
    finally:
        await dispatcher.stop()
    elapsed = time.perf_counter() - started
    assert await WebhookDelivery.filter(status="succeeded").count() == events
    verified = sum(1 for r in receiver.received if r.verified_with)
    return events / elapsed, verified / events


async def latency(settings, receiver: Receiver, samples: int, use_wake: bool) -> list[float]:
    dispatcher = WebhookDispatcher(settings, poll_interval=0.5)
    await dispatcher.start()
    delays = []
    try:
        for _ in range(samples):
            seen = len(receiver.received)
            await emit()  # returns after COMMIT
            committed = time.perf_counter()
            if use_wake:
                dispatcher.wake()
            got = await receiver.wait_for(seen + 1, within=10)
            delays.append((got[seen].at - committed) * 1000)
    finally:
        await dispatcher.stop()
    return delays


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    url = os.environ.get("DATABASE_URL") or f"sqlite://{tmp}/bench.db?busy_timeout=5000"
    settings = replace(
        load_settings(), database_url=url, webhook_allow_private=True, webhook_retry_schedule=(0, 1)
    )
    await prepare(url)
    receiver = await Receiver().start()
    try:
        created = await manage(
            None, api.create_webhook, settings, url=receiver.url, event_types=["task.created"]
        )
        receiver.secrets.append(created.secret)
        rate, verified = await throughput(settings, receiver, args.events)
        print(f"backend: {url.split(':', 1)[0]}")
        print(f"throughput: {args.events} deliveries, {rate:.0f}/s, {verified:.0%} verified")
        for use_wake in (True, False):
            d = sorted(await latency(settings, receiver, args.samples, use_wake))
            p95 = d[int(len(d) * 0.95) - 1]
            label = "with wake()" if use_wake else "polling 0.5 s"
            print(f"commit → first attempt, {label}: p50 {statistics.median(d):.1f} ms, p95 {p95:.1f} ms")
    finally:
        await receiver.close()
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
