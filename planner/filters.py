"""Filter builders of the resolver path that take global IDs, as the planner calls them.

The planner passes a `filter:` argument's values by the mapping's keys (planner/mapping.py
`Many.filter_keys`) straight to the resolvers' `Q` builder. Where the schema turns a global ID
into a primary key first (schema/training/filters.py `session_filter_kwargs`, through
`pk_of`), the same conversion happens here, with the same codec: an ID of another type raises,
and the planner leaves the field to the resolver path, which reports it.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from ids import from_global_id
from resolvers.training.reads import session_filter


def _pk(global_id: str | None, type_name: str) -> int | None:
    return None if global_id is None else from_global_id(global_id, expected=type_name)[1]


def session_filter_by_ids(
    *, course_id: str | None = None, instructor_id: str | None = None, **rest: Any
) -> Q:
    """`session_filter` with `courseId` and `instructorId` given as global IDs."""
    course, instructor = _pk(course_id, "TrainingCourse"), _pk(instructor_id, "Employee")
    return session_filter(course_id=course, instructor_id=instructor, **rest)
