"""Q1-Q3 of issue 12 as each system under comparison asks them, over the same rows.

peoplegraph gets the issue's documents verbatim. PostGraphile gets the same selections in its
own vocabulary: relations by foreign key, `filter:` from the connection-filter plugin, and every
order spelled out to the primary key, because peoplegraph breaks ties on the id in the list's
direction (due dates without a value sort last in both). The raw endpoint (peers/raw_endpoint.py)
answers the same three questions with hand-written SQL.

Fields are selected in the same order everywhere, so that the scalars read depth-first from each
answer line up one by one (see `normalised`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

FLOOR = "{ __typename }"
# The floor of a cached plan: one statement that reads one row by its key.
TRIVIAL = "query Trivial($id: ID!) { node(id: $id) { ... on Employee { givenName } } }"
TRIVIAL_POSTGRAPHILE = "query Trivial($id: Int!) { employeeById(id: $id) { givenName } }"

PEOPLEGRAPH = {
    "Q1": """query Q1($id: ID!) { node(id: $id) { ... on Employee { id givenName familyName jobTitle
  manager { id givenName familyName }
  teams(first: 5) { edges { role node { id name members(first: 20) { edges { node { id givenName familyName jobTitle } } } } } }
  tasks(first: 20, filter: {status: [TODO, IN_PROGRESS]}, orderBy: {field: DUE_DATE, direction: ASC}) { edges { node { id title status priority dueDate } } }
  enrollments(first: 10) { edges { node { id status session { id startsAt course { id title } } } } }
  mentorshipsAsMentee(first: 5) { edges { node { id status mentor { id givenName familyName } } } } } } }""",
    "Q2": """query Q2($id: ID!) { node(id: $id) { ... on Team { id name members(first: 50) { edges { role node {
  id givenName familyName jobTitle tasks(first: 10) { edges { node { id title status } } } } } } } } }""",
    "Q3": """query Q3 { tasks(first: 100, filter: {status: [TODO, IN_PROGRESS]}, orderBy: {field: DUE_DATE, direction: ASC}) {
  edges { node { id title status dueDate assignee { id givenName familyName manager { id givenName familyName } } team { id name } } } } }""",
}

POSTGRAPHILE = {
    "Q1": """query Q1($id: Int!) { employeeById(id: $id) { id givenName familyName jobTitle
  employeeByManagerId { id givenName familyName }
  teamMembershipsByEmployeeId(first: 5, orderBy: [JOINED_AT_ASC, ID_ASC]) { nodes { role teamByTeamId { id name
    teamMembershipsByTeamId(first: 20, orderBy: [JOINED_AT_ASC, ID_ASC]) { nodes { employeeByEmployeeId { id givenName familyName jobTitle } } } } } }
  tasksByAssigneeId(first: 20, filter: {status: {in: ["todo", "in_progress"]}}, orderBy: [DUE_DATE_ASC, ID_ASC]) { nodes { id title status priority dueDate } }
  enrollmentsByEmployeeId(first: 10, orderBy: [ENROLLED_AT_ASC, ID_ASC]) { nodes { id status
    trainingSessionBySessionId { id startsAt trainingCourseByCourseId { id title } } } }
  mentorshipsByMenteeId(first: 5, orderBy: [CREATED_AT_DESC, ID_DESC]) { nodes { id status employeeByMentorId { id givenName familyName } } } } }""",
    "Q2": """query Q2($id: Int!) { teamById(id: $id) { id name
  teamMembershipsByTeamId(first: 50, orderBy: [JOINED_AT_ASC, ID_ASC]) { nodes { role employeeByEmployeeId {
    id givenName familyName jobTitle tasksByAssigneeId(first: 10, orderBy: [CREATED_AT_DESC, ID_DESC]) { nodes { id title status } } } } } } }""",
    "Q3": """query Q3 { allTasks(first: 100, filter: {status: {in: ["todo", "in_progress"]}}, orderBy: [DUE_DATE_ASC, ID_ASC]) {
  nodes { id title status dueDate employeeByAssigneeId { id givenName familyName employeeByManagerId { id givenName familyName } }
    teamByTeamId { id name } } } }""",
}

_ENUM = re.compile(r"[A-Z][A-Z_]*")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
# Ids differ in form between systems (opaque global ids, integers); cursors are not selected.
_SKIPPED_KEYS = {"id", "nodeId", "__typename"}


def _scalar(value: Any) -> Any:
    if isinstance(value, str):
        if _TIMESTAMP.match(value):
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).isoformat()
        if _ENUM.fullmatch(value):
            return value.lower()  # GraphQL enum values; the tables hold them in lower case
    return value


def normalised(data: Any) -> list[Any]:
    """The selected scalars of an answer, depth first, with list boundaries and nulls kept."""
    out: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in _SKIPPED_KEYS:
                    walk(item)
        elif isinstance(value, list):
            out.append("[")
            for item in value:
                walk(item)
            out.append("]")
        else:
            out.append(_scalar(value))

    walk(data)
    return out
