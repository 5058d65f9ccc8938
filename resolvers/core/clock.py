"""The one clock of the workflows: aware UTC times, and today's date in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


def aware(value: datetime) -> datetime:
    """Clients may omit the offset; such a time is taken as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
