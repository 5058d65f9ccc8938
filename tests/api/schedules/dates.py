"""Dates the schedule tests plan with: future working weeks that lie within one year."""

from __future__ import annotations

from datetime import date, timedelta

from resolvers.core.clock import today


def monday(weeks_ahead: int = 1) -> date:
    """A Monday at least `weeks_ahead` weeks from today whose week (to Friday) lies in one year."""
    day = today() + timedelta(days=7 * weeks_ahead - today().weekday())
    while (day + timedelta(days=4)).year != day.year:
        day += timedelta(days=7)
    return day


def iso(day: date, plus: int = 0) -> str:
    return (day + timedelta(days=plus)).isoformat()


def spring_monday() -> date:
    """The first Monday of next year's March: six weeks from it lie in one year."""
    day = date(today().year + 1, 3, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)
