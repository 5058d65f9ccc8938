"""Time-off filter input: an employee's `timeOff` list."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from schema.schedules.values import TimeOffKind, TimeOffStatus


@strawberry.input(description="Narrow a list of time-off requests; all given conditions must hold.")
class TimeOffFilter:
    status: list[TimeOffStatus] | None = strawberry.field(default=None, description="Any of these statuses.")
    kind: list[TimeOffKind] | None = strawberry.field(default=None, description="Any of these kinds.")
    from_: date | None = strawberry.field(
        default=None, name="from", description="With a day on or after this date."
    )
    to: date | None = strawberry.field(default=None, description="With a day on or before this date.")


def time_off_filter_kwargs(f: TimeOffFilter | None) -> dict[str, Any]:
    if f is None:
        return {}
    kwargs = {"statuses": f.status or None, "kinds": f.kind or None, "from_": f.from_, "to": f.to}
    return {k: v for k, v in kwargs.items() if v is not None}
