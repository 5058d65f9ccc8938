"""Settings read from the environment, once, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEFAULT_RETRY_SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _positive(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    value = float(raw) if raw else default
    if not value > 0:
        raise ValueError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def _days(name: str, default: int, most: int = 365) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise ValueError(f"{name} must be a whole number of days from 1 to {most}, not {raw!r}")
    return int(raw)


def _group_size(raw: str) -> int:
    """The privacy floor of aggregates: 1 (no floor) to 1000 people; 5 unless set."""
    if not raw:
        return 5
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise ValueError(f"PEOPLEGRAPH_MIN_GROUP_SIZE must be a whole number from 1 to 1000, not {raw!r}")
    return int(raw)


READ_PATHS = ("resolvers", "compiled", "auto")


def _read_path() -> str:
    raw = os.environ.get("PEOPLEGRAPH_READ_PATH", "").strip().lower() or "auto"
    if raw not in READ_PATHS:
        raise ValueError(f"PEOPLEGRAPH_READ_PATH must be one of {', '.join(READ_PATHS)}, not {raw!r}")
    return raw


def _schedule(raw: str | None) -> tuple[int, ...]:
    if not raw:
        return DEFAULT_RETRY_SCHEDULE
    return tuple(int(part) for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class HttpLimits:
    """What one unauthenticated client can make the HTTP layer hold (README, "Security")."""

    max_body_bytes: int = 256 * 1024
    body_timeout: float = 10.0
    apq_max_bytes: int = 16 * 1024 * 1024
    apq_client_max_bytes: int = 1024 * 1024
    apq_ttl: float = 24 * 3600.0


@dataclass(frozen=True)
class RateLimits:
    """The leaky bucket of query cost each caller draws from (README, "Rate limits")."""

    # Query cost counts objects (schema/extensions/cost.py): a page of 100 with 100 each is 10,100.
    # A full bucket holds the most one operation may cost (MAX_COST) and refills in 20 seconds,
    # the ratio of Shopify's 1,000 points at 50 a second.
    maximum_available: int = 1_000_000
    restore_rate: float = 50_000.0  # cost units per second

    @property
    def enabled(self) -> bool:
        return self.maximum_available > 0


def _rate_limits() -> RateLimits:
    default = RateLimits()
    maximum = _int("PEOPLEGRAPH_RATE_LIMIT_MAXIMUM", default.maximum_available)
    if maximum < 0:
        raise ValueError(f"PEOPLEGRAPH_RATE_LIMIT_MAXIMUM must be 0 (no limit) or more, not {maximum}")
    return RateLimits(
        maximum_available=maximum,
        restore_rate=_positive("PEOPLEGRAPH_RATE_LIMIT_RESTORE_RATE", default.restore_rate),
    )


def _http_limits() -> HttpLimits:
    default = HttpLimits()
    return HttpLimits(
        max_body_bytes=_int("PEOPLEGRAPH_MAX_BODY_BYTES", default.max_body_bytes),
        body_timeout=_positive("PEOPLEGRAPH_BODY_TIMEOUT", default.body_timeout),
        apq_max_bytes=_int("PEOPLEGRAPH_APQ_MAX_BYTES", default.apq_max_bytes),
        apq_client_max_bytes=_int("PEOPLEGRAPH_APQ_CLIENT_MAX_BYTES", default.apq_client_max_bytes),
        apq_ttl=_positive("PEOPLEGRAPH_APQ_TTL", default.apq_ttl),
    )


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    issuer: str
    cors_origins: tuple[str, ...]
    webhook_allow_private: bool
    webhook_retry_schedule: tuple[int, ...]
    webhook_failure_threshold: int
    access_token_ttl: int
    refresh_token_ttl: int
    run_dispatcher: bool
    # Crash recovery (idempotency keys, webhook leases): see README "Retries and crashes".
    webhook_lease_seconds: float = 60.0
    idempotency_sweep_seconds: float = 3600.0
    http: HttpLimits = field(default_factory=HttpLimits)
    rate_limits: RateLimits = field(default_factory=RateLimits)
    extra: dict[str, str] = field(default_factory=dict)
    # Compiled reads (planner/README.md): `auto` (the default) | `compiled` | `resolvers`; readPath
    # in extensions. `auto` compiles what the planner covers; the whole suite runs with it.
    read_path: str = "auto"
    show_read_path: bool = False
    # A mentorship request unanswered this many days expires (`peoplegraph mentorships expire`).
    mentorship_request_expiry_days: int = 14
    # Aggregates (README "Aggregates"): a group of fewer people is hidden from all but HR.
    min_group_size: int = 5


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("PEOPLEGRAPH_DATA_DIR", ROOT / "data")).resolve()
    default_db = f"sqlite://{data_dir / 'peoplegraph.db'}?busy_timeout=5000"
    port = os.environ.get("PORT", "8000")
    origins = os.environ.get("PEOPLEGRAPH_CORS_ORIGINS", "")
    return Settings(
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL") or default_db,
        redis_url=os.environ.get("REDIS_URL") or None,
        issuer=(os.environ.get("PEOPLEGRAPH_ISSUER") or f"http://127.0.0.1:{port}").rstrip("/"),
        cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
        webhook_allow_private=_flag("PEOPLEGRAPH_WEBHOOK_ALLOW_PRIVATE"),
        webhook_retry_schedule=_schedule(os.environ.get("PEOPLEGRAPH_WEBHOOK_RETRY_SCHEDULE")),
        webhook_failure_threshold=_int("PEOPLEGRAPH_WEBHOOK_FAILURE_THRESHOLD", 20),
        access_token_ttl=_int("PEOPLEGRAPH_ACCESS_TOKEN_TTL", 900),
        refresh_token_ttl=_int("PEOPLEGRAPH_REFRESH_TOKEN_TTL", 30 * 24 * 3600),
        run_dispatcher=not _flag("PEOPLEGRAPH_NO_DISPATCHER"),
        webhook_lease_seconds=_positive("PEOPLEGRAPH_WEBHOOK_LEASE_SECONDS", 60.0),
        idempotency_sweep_seconds=_positive("PEOPLEGRAPH_IDEMPOTENCY_SWEEP_SECONDS", 3600.0),
        http=_http_limits(),
        rate_limits=_rate_limits(),
        read_path=_read_path(),
        show_read_path=_flag("PEOPLEGRAPH_SHOW_READ_PATH"),
        mentorship_request_expiry_days=_days("PEOPLEGRAPH_MENTORSHIP_REQUEST_EXPIRY_DAYS", 14),
        min_group_size=_group_size(os.environ.get("PEOPLEGRAPH_MIN_GROUP_SIZE", "").strip()),
    )
