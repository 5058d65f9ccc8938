"""What each pytest-xdist worker owns, so workers share no database or Redis keyspace.

`make test` runs the suite under pytest-xdist. Worker `gwN` uses:
- PostgreSQL: the database named by TEST_DATABASE_URL plus `_gwN` (created when missing);
- Redis: TEST_REDIS_URL's database number plus N (CI's db 0 gives workers 0..N-1).
Without xdist (plain `pytest`), both URLs are used as given. Temporary directories and ports
need nothing here: pytest's `tmp_path` is per worker, and servers bind to free ports.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def worker_index() -> int | None:
    """N for xdist worker `gwN`; None outside xdist."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(name.removeprefix("gw")) if name.startswith("gw") else None


def worker_database_url(url: str, index: int | None) -> str:
    """`postgres://host/test` -> `postgres://host/test_gw2` for worker 2."""
    if index is None or not url:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_gw{index}"))


def worker_redis_url(url: str, index: int | None) -> str:
    """`redis://host/4` -> `redis://host/6` for worker 2 (no number means db 0)."""
    if index is None or not url:
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + index}"))


def claim_worker_resources() -> None:
    """Point this process's TEST_DATABASE_URL and TEST_REDIS_URL at its worker's own ones, before
    test modules read them (the root conftest calls it on import); servers that tests start
    inherit them."""
    index = worker_index()
    for key, rename in (("TEST_DATABASE_URL", worker_database_url), ("TEST_REDIS_URL", worker_redis_url)):
        if os.environ.get(key):
            os.environ[key] = rename(os.environ[key], index)
