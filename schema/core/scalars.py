"""Scalar parsing that differs from Strawberry's defaults."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import dateutil.parser
from strawberry.schema.types.base_scalars import DateTimeDefinition, wrap_parser


def _aware(value: str) -> datetime:
    # A time without an offset is read as UTC, in one place: the database keeps aware times,
    # and a naive one would be shifted by the server's zone or refused deep in a query.
    moment: datetime = dateutil.parser.isoparse(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


AWARE_DATETIME = dataclasses.replace(DateTimeDefinition, parse_value=wrap_parser(_aware, "DateTime"))
SCALAR_OVERRIDES = {datetime: AWARE_DATETIME}
