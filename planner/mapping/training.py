"""Training (schema/training/types.py): courses, sessions, enrollments and requirements, an
employee's enrollments, and the root `trainingCourses` and `trainingSessions` lists.

Not mapped (the resolver path answers): `Employee.trainingCompliance` and `Query.complianceReport`
(statuses computed in Python from completions, certificates and the clock), `TrainingCourse.prerequisites`,
`TrainingRequirement.appliesTo`.
"""

from __future__ import annotations

from typing import Any

from auth.scopes import Scope
from models import training as trm
from planner.capabilities import can_cancel_enrollment
from planner.filters import session_filter_by_ids
from planner.specs import Capability, Column, Counted, Keyed, Listed, Many, Spec, ToOne
from resolvers.core.pagination import SortKey
from resolvers.training.reads import (
    COURSE_ORDER_FIELDS,
    ENROLLMENTS_BY_EMPLOYEE,
    SEATS_TAKEN,
    SESSION_ORDER_FIELDS,
    SESSIONS_OF_COURSE,
    WAITLISTED,
    course_filter,
    enrollment_filter,
)

_SESSION_FILTER = {
    "courseId": "course_id",
    "status": "statuses",
    "startsAfter": "starts_after",
    "startsBefore": "starts_before",
    "instructorId": "instructor_id",
}


def _sessions(partition: str) -> Many:
    """Sessions (schema/training/filters.py `session_sort`, `session_filter_kwargs`)."""
    name = SESSIONS_OF_COURSE.name if partition else "trainingSessions"
    return Many(
        trm.TrainingSession,
        partition,
        SortKey("starts_at"),
        None,
        SESSION_ORDER_FIELDS,
        session_filter_by_ids,
        _SESSION_FILTER,
        name=name,
    )


MODELS: dict[str, Any] = {
    "TrainingCourse": trm.TrainingCourse,
    "TrainingSession": trm.TrainingSession,
    "Enrollment": trm.Enrollment,
    "TrainingRequirement": trm.TrainingRequirement,
}

FIELDS: dict[str, dict[str, Spec]] = {
    "TrainingCourse": {
        "id": Column("id", "id"),
        "code": Column("code", "str"),
        "title": Column("title", "str"),
        "description": Column("description", "str"),
        "category": Column("category", "str"),
        "mandatory": Column("mandatory", "bool"),
        "certificationValidMonths": Column("certification_valid_months", "int"),
        "durationHours": Column("duration_hours", "float"),  # float(row.duration_hours)
        "skills": Column("skills", "strings"),
        "sessions": _sessions("course_id"),
    },
    "TrainingSession": {
        "id": Column("id", "id"),
        "startsAt": Column("starts_at", "datetime"),
        "endsAt": Column("ends_at", "datetime"),
        "location": Column("location", "str"),
        "capacity": Column("capacity", "int"),
        "status": Column("status", "enum"),
        "seatsTaken": Counted(SEATS_TAKEN),
        "seatsLeft": Counted(SEATS_TAKEN, left_of="capacity"),
        "waitlistCount": Counted(WAITLISTED),
        "course": ToOne("TrainingCourse", "course_id"),
        "instructor": ToOne("Employee", "instructor_id"),
    },
    "Enrollment": {
        "id": Column("id", "id"),
        "status": Column("status", "enum"),
        "enrolledAt": Column("enrolled_at", "datetime"),
        "completedAt": Column("completed_at", "datetime"),
        "score": Column("score", "int"),
        "feedbackRating": Column("feedback_rating", "int"),
        "feedbackComment": Column("feedback_comment", "str"),
        "certificateExpiresAt": Column("certificate_expires_at", "datetime"),
        "session": ToOne("TrainingSession", "session_id"),
        "employee": ToOne("Employee", "employee_id"),
        "viewerCanCancel": Capability(can_cancel_enrollment),
    },
    # schema/training/requirements.py; not `appliesTo` (global IDs of a JSON list of keys)
    "TrainingRequirement": {
        "id": Column("id", "id"),
        "everyMonths": Column("every_months", "int"),
        "windowDays": Column("window_days", "int"),
        "archivedAt": Column("archived_at", "datetime"),
        "createdAt": Column("created_at", "datetime"),
        "course": ToOne("TrainingCourse", "course_id"),
    },
    "Employee": {
        "enrollments": Many(
            trm.Enrollment,
            "employee_id",
            SortKey("enrolled_at"),
            "visible_enrollments",
            None,
            enrollment_filter,
            {"status": "statuses"},
            name=ENROLLMENTS_BY_EMPLOYEE.name,
        ),
    },
}

ROOT_LISTS: dict[str, Many] = {
    # schema/training/filters.py `course_sort`, `course_filter_kwargs`
    "trainingCourses": Many(
        trm.TrainingCourse,
        "",
        SortKey("title"),
        None,
        COURSE_ORDER_FIELDS,
        course_filter,
        {"search": "search", "category": "category", "mandatory": "mandatory"},
    ),
    "trainingSessions": _sessions(""),
}

ROOT_ROWS: dict[str, Listed] = {}

ROOT_ROWS_BY_KEY: dict[str, Keyed] = {}

NODES: dict[str, tuple[Scope, str | None]] = {
    "TrainingCourse": (Scope.TRAINING_READ, None),
    "TrainingSession": (Scope.TRAINING_READ, None),
    "Enrollment": (Scope.TRAINING_READ, "visible_enrollments"),
    "TrainingRequirement": (Scope.TRAINING_READ, None),
}
