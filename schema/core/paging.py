"""Arguments and helpers every list field shares."""

from __future__ import annotations

from typing import Annotated

import strawberry

from ids import from_global_id
from resolvers.core.pagination import PageArgs

First = Annotated[
    int | None,
    strawberry.argument(
        description="Return the first n items (at most 100; 20 when neither first nor last)."
    ),
]
After = Annotated[str | None, strawberry.argument(description="Return items after this cursor.")]
Last = Annotated[int | None, strawberry.argument(description="Return the last n items (at most 100).")]
Before = Annotated[str | None, strawberry.argument(description="Return items before this cursor.")]


def page_args(first: int | None, after: str | None, last: int | None, before: str | None) -> PageArgs:
    args = PageArgs(first=first, after=after, last=last, before=before)
    args.limit()  # validate early, with a clear error
    return args


def pk_of(global_id: strawberry.ID | None, type_name: str) -> int | None:
    """The primary key behind a global ID of the given type (None passes through)."""
    if global_id is None:
        return None
    return from_global_id(global_id, expected=type_name)[1]
