"""The webhook dispatcher: fan events out, claim due deliveries, send them, record attempts.

Run it inside the server (`start()` in the lifespan, `wake()` after a commit that wrote
events) or as its own process (`peoplegraph webhooks dispatch`); several may run at once on
PostgreSQL. Tests drive it step by step with `run_once()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from config import Settings
from events.webhooks import store
from events.webhooks.delivery import AttemptResult, default_data, encode_body, send
from events.webhooks.outbox import fan_out
from events.webhooks.signing import signature_headers
from events.webhooks.targets import TargetError, check_target
from models.events import Event
from models.webhooks import Webhook, WebhookDelivery

log = logging.getLogger("peoplegraph.webhooks")

PayloadShaper = Callable[[Webhook, Event], Awaitable[dict[str, Any] | None]]


class WebhookDispatcher:
    def __init__(
        self,
        settings: Settings,
        *,
        poll_interval: float = 1.0,
        batch_size: int = 100,
        concurrency: int = 32,
        lease_seconds: float | None = None,
        timeout: float = 10.0,
        max_response_bytes: int = 16 * 1024,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.timeout = timeout
        self.lease_seconds = settings.webhook_lease_seconds if lease_seconds is None else lease_seconds
        if self.lease_seconds <= timeout * 2:
            # A lease that ends while a send may still run would let a second dispatcher send too.
            raise ValueError(
                f"the webhook lease ({self.lease_seconds:g}s) must exceed the longest send ({timeout * 2:g}s)"
            )
        self.max_response_bytes = max_response_bytes
        # Set by the GraphQL layer: shapes `data` for endpoints that carry a `query` document.
        # Returning None falls back to the default data.
        self.payload_shaper: PayloadShaper | None = None
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._limit = asyncio.Semaphore(concurrency)
        # Claim no more than can be sent at once: a claimed delivery waiting for a free slot
        # would use up its lease behind slow endpoints, and once the lease ran out another
        # dispatcher would claim and send it while this one still meant to.
        self._claim_size = min(batch_size, concurrency)
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Start polling in a background task (idempotent)."""
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name="webhook-dispatcher")

    async def stop(self, grace: float = 5.0) -> None:
        """Let in-flight sends finish for up to `grace` seconds, then cancel; deliveries cut
        off stay `sending` and are claimed again once their lease expires."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), grace)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def wake(self) -> None:
        """Ask for a pass now (call after committing a transaction that wrote events)."""
        self._wake.set()

    async def _loop(self) -> None:
        failures = 0
        while not self._stopping:
            # Cleared before the pass, so a wake() arriving during it triggers the next pass.
            self._wake.clear()
            busy = False
            try:
                busy = await self.run_once() >= self._claim_size
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not kill the dispatcher; back off
                failures += 1
                log.exception("webhook dispatcher pass failed")
            if busy or self._stopping:
                continue
            delay = min(self.poll_interval * 2**failures, 30.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    # -- one pass ----------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Fan out new events, then claim and send due deliveries; returns how many were sent."""
        first_delay = (
            float(self.settings.webhook_retry_schedule[0]) if self.settings.webhook_retry_schedule else 0.0
        )
        for _ in range(20):  # bounded: a huge backlog is worked through over several passes
            _, more = await fan_out(first_delay=first_delay)
            if not more:
                break
        token, claimed = await store.claim(self._claim_size, self.lease_seconds)
        if not claimed:
            return 0
        event_ids = [d.event_id for d in claimed if d.event_id is not None]
        events = {e.id: e for e in await Event.filter(id__in=event_ids)} if event_ids else {}
        await asyncio.gather(*(self._deliver(d, token, events.get(d.event_id or 0)) for d in claimed))
        return len(claimed)

    async def _deliver(self, delivery: WebhookDelivery, token: str, event: Event | None) -> None:
        async with self._limit:
            try:
                result = await self._attempt(delivery, event)
            except Exception as exc:  # a bug in shaping or signing is this attempt's failure
                log.exception("webhook delivery %s failed before sending", delivery.id)
                result = AttemptResult(None, 0, f"internal error: {type(exc).__name__}: {exc}")
            try:
                await store.record(self.settings, delivery, token, result)
            except Exception:
                # E.g. the endpoint was deleted meanwhile, or the database is away: the lease
                # runs out and the delivery is tried again, so nothing is lost by moving on.
                log.exception("recording webhook delivery %s failed", delivery.id)

    async def _attempt(self, delivery: WebhookDelivery, event: Event | None) -> AttemptResult:
        webhook = delivery.webhook
        try:
            target = await check_target(webhook.url, allow_private=self.settings.webhook_allow_private)
        except TargetError as exc:
            return AttemptResult(None, 0, f"refused: {exc}")
        if delivery.event_id is None:
            body = encode_body(delivery.event_type, delivery.created_at, dict(delivery.payload or {}))
        elif event is None:
            return AttemptResult(None, 0, f"event {delivery.event_id} no longer exists")
        else:
            data = None
            if self.payload_shaper is not None and webhook.query:
                data = await self.payload_shaper(webhook, event)
            body = encode_body(
                event.type, event.occurred_at, data if data is not None else default_data(event)
            )
        headers = signature_headers(self._secrets(webhook), delivery.message_id, body)
        return await send(
            self._http(),
            target,
            headers,
            body,
            max_response_bytes=self.max_response_bytes,
            total_timeout=self.timeout * 2,
        )

    def _secrets(self, webhook: Webhook) -> list[str]:
        keys = [webhook.secret]
        expires = webhook.previous_secret_expires_at
        if webhook.previous_secret and expires is not None and expires > datetime.now(UTC):
            keys.append(webhook.previous_secret)
        return keys

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=False,
                # Webhook URLs come from users: never pick up proxies or .netrc from our env.
                trust_env=False,
                transport=self._transport,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
        return self._client
