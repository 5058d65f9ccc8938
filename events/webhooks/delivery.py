"""One HTTP attempt, the request body, and the retry policy (pure functions plus the send).

Body: `{"type", "timestamp", "data"}` where `timestamp` is when the event happened (ISO 8601,
UTC) and `data` is, by default,
`{**event.data, "id", "subjectType", "subjectId", "actorId", "eventId"}`. Every reference in it
(`id` and `subjectId` name the subject, `actorId`, and the references in the event's data) is a
global ID from ids.py, the same string the API shows, so a receiver can pass it to
`Query.node(id:)`. `eventId` is the event's position in the log, a decimal string as everywhere
in the API.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from events.webhooks.targets import Target
from ids import public_data, to_global_id
from models.events import Event

SNIPPET_CHARS = 1024
MAX_RETRY_AFTER = 86400.0  # a receiver cannot park a delivery for longer than a day
USER_AGENT = "peoplegraph-webhooks/1"


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    duration_ms: int
    error: str | None = None
    snippet: str | None = None
    retry_after: float | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def default_data(event: Event) -> dict[str, Any]:
    subject = to_global_id(event.subject_type, event.subject_id)
    return {
        **public_data(event.data),
        "id": subject,
        "subjectType": event.subject_type,
        "subjectId": subject,
        "actorId": to_global_id("Employee", event.actor_id) if event.actor_id is not None else None,
        "eventId": str(event.id),
    }


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def encode_body(event_type: str, occurred_at: datetime, data: dict[str, Any]) -> bytes:
    body = {"type": event_type, "timestamp": iso(occurred_at), "data": data}
    return json.dumps(body, separators=(",", ":"), default=str).encode()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def next_delay(schedule: tuple[int, ...], attempts_done: int, retry_after: float | None) -> float | None:
    """Delay before attempt number `attempts_done + 1` (0-based schedule[attempts_done]), or None
    when the schedule is used up. A larger `Retry-After` wins, capped at MAX_RETRY_AFTER."""
    if attempts_done >= len(schedule):
        return None
    delay = float(schedule[attempts_done])
    if retry_after is not None and retry_after > delay:
        delay = min(retry_after, MAX_RETRY_AFTER)
    return delay


async def send(
    client: httpx.AsyncClient,
    target: Target,
    headers: dict[str, str],
    body: bytes,
    *,
    max_response_bytes: int,
    total_timeout: float,
) -> AttemptResult:
    """POST once. Never raises for network trouble: it becomes the attempt's error."""
    request_headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        # Uncompressed answers: the raw bytes we cap are the bytes we keep as the snippet.
        "accept-encoding": "identity",
        "host": target.host_header,
        **headers,
    }
    extensions = {"sni_hostname": target.host} if target.pinned and target.url.startswith("https") else {}
    started = time.perf_counter()
    status: int | None = None
    retry_after: float | None = None
    raw = bytearray()
    error: str | None = None
    try:
        # httpx timeouts are per operation; a receiver trickling bytes must not hold us longer.
        async with asyncio.timeout(total_timeout):
            request = client.build_request(
                "POST", target.url, content=body, headers=request_headers, extensions=extensions
            )
            response = await client.send(request, stream=True, follow_redirects=False)
            try:
                status = response.status_code
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                # Read at most max_response_bytes: a huge or endless body costs us nothing more.
                async for chunk in response.aiter_raw():
                    raw += chunk
                    if len(raw) >= max_response_bytes:
                        break
            finally:
                await response.aclose()
    except TimeoutError:
        error = f"timed out after {total_timeout:g}s"
    except httpx.TimeoutException as exc:
        error = f"timed out ({type(exc).__name__})"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration_ms = int((time.perf_counter() - started) * 1000)
    if error is None and status is not None and not 200 <= status < 300:
        error = f"HTTP {status}"
        if 300 <= status < 400:
            error += " (redirects are not followed)"
    snippet = bytes(raw[: SNIPPET_CHARS * 4]).decode("utf-8", "replace")[:SNIPPET_CHARS] if raw else None
    return AttemptResult(status, duration_ms, error, snippet, retry_after)
