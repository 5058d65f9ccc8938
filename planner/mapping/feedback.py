"""Feedback (schema/feedback/types.py): `Kudos`, `FeedbackRequest`, and an employee's
`kudosReceived` and `feedbackRequests(direction:)`.

Their visibility is the policy's own (auth/rules/feedback.py): feedback requests are never
visible to HR or service tokens, on either path. Not mapped: `Employee.recognizedSkills` (a
count per skill, sorted in Python by its case-folded name).
"""

from __future__ import annotations

from typing import Any

from auth.scopes import Scope
from models import feedback as fbm
from planner.capabilities import can_submit_feedback
from planner.specs import Capability, Chosen, Column, Keyed, Listed, Many, Spec, ToOne
from resolvers.core.pagination import SortKey
from resolvers.feedback.reads import FEEDBACK_REQUESTS_BY, KUDOS_RECEIVED, feedback_request_filter

_LATEST = SortKey("created_at", descending=True)  # resolvers/feedback/reads.py, both lists


def _feedback_requests(partition: str) -> Many:
    rows = FEEDBACK_REQUESTS_BY[partition]
    return Many(
        fbm.FeedbackRequest,
        partition,
        _LATEST,
        "visible_feedback_requests",
        None,
        feedback_request_filter,
        {"status": "statuses"},
        name=rows.name,
    )


MODELS: dict[str, Any] = {"Kudos": fbm.Kudos, "FeedbackRequest": fbm.FeedbackRequest}

FIELDS: dict[str, dict[str, Spec]] = {
    "Kudos": {
        "id": Column("id", "id"),
        "message": Column("message", "str"),
        "skills": Column("skills", "strings"),
        "createdAt": Column("created_at", "datetime"),
        "giver": ToOne("Employee", "giver_id"),
        "receiver": ToOne("Employee", "receiver_id"),
    },
    "FeedbackRequest": {
        "id": Column("id", "id"),
        "about": Column("about", "str"),
        "dueOn": Column("due_on", "date"),
        "status": Column("status", "enum"),
        "body": Column("body", "str"),
        "visibility": Column("visibility", "enum"),
        "submittedAt": Column("submitted_at", "datetime"),
        "createdAt": Column("created_at", "datetime"),
        "requester": ToOne("Employee", "requester_id"),
        "respondent": ToOne("Employee", "respondent_id"),
        "viewerCanSubmit": Capability(can_submit_feedback),
    },
    "Employee": {
        "kudosReceived": Many(
            fbm.Kudos,
            KUDOS_RECEIVED.partition,
            _LATEST,
            "visible_kudos",
            name=KUDOS_RECEIVED.name,
        ),
        # schema/feedback/filters.py `PARTITIONS`: REQUESTED by the requester, ASKED by the respondent
        "feedbackRequests": Chosen(
            "direction",
            {"requested": _feedback_requests("requester_id"), "asked": _feedback_requests("respondent_id")},
        ),
    },
}

ROOT_LISTS: dict[str, Many] = {}

ROOT_ROWS: dict[str, Listed] = {}

ROOT_ROWS_BY_KEY: dict[str, Keyed] = {}

NODES: dict[str, tuple[Scope, str | None]] = {
    "Kudos": (Scope.FEEDBACK_READ, "visible_kudos"),
    "FeedbackRequest": (Scope.FEEDBACK_READ, "visible_feedback_requests"),
}
