"""Feedback enums and the filter of an employee's feedback requests.

Kept apart from the types (like every domain's filters.py), so `Employee.feedbackRequests` can
take them as arguments without importing the types."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from models.feedback import FeedbackStatus, FeedbackVisibility
from schema.core.enums import graphql_enum

graphql_enum(
    FeedbackStatus,
    name="FeedbackRequestStatus",
    description="Whether the colleague asked has answered a feedback request.",
    values={
        FeedbackStatus.PENDING: "Asked; not answered yet.",
        FeedbackStatus.SUBMITTED: "Answered; the feedback cannot change any more.",
    },
)
FeedbackRequestStatus = FeedbackStatus
"""`models.feedback.FeedbackStatus` under its GraphQL name: the same class, not a copy."""

graphql_enum(
    FeedbackVisibility,
    description="Who reads submitted feedback besides the person who wrote it.",
    values={
        FeedbackVisibility.PRIVATE: "Only the person who asked for it.",
        FeedbackVisibility.SHARED_WITH_MANAGER: "The person who asked, and their direct manager.",
    },
)


@strawberry.enum(description="Which of an employee's feedback requests to list.")
class FeedbackRequestDirection(Enum):
    REQUESTED = strawberry.enum_value(
        "requested", description="Requests the employee made: feedback on themselves."
    )
    ASKED = strawberry.enum_value(
        "asked", description="Requests addressed to the employee: feedback to give."
    )


# The column each direction lists by.
PARTITIONS = {
    FeedbackRequestDirection.REQUESTED: "requester_id",
    FeedbackRequestDirection.ASKED: "respondent_id",
}


@strawberry.input(description="Narrow a list of feedback requests; all given conditions must hold.")
class FeedbackRequestFilter:
    status: list[FeedbackStatus] | None = strawberry.field(default=None, description="Any of these statuses.")


def feedback_request_filter_kwargs(f: FeedbackRequestFilter | None) -> dict[str, Any]:
    return {"statuses": f.status} if f is not None and f.status else {}
