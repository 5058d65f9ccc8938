"""Feedback requests: asking colleagues, answering once, and who reads the answer (nobody else)."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Any

import httpx

from events.webhooks.delivery import default_data
from ids import from_global_id, to_global_id
from models.events import Event
from models.feedback import FeedbackRequest
from tests.support import factories as f
from tests.support.graphql_client import Caller, TokenMaker

REQUEST = """
mutation Ask($input: RequestFeedbackInput!) {
  requestFeedback(input: $input) {
    feedbackRequests { id about dueOn status body respondent { email } requester { email } viewerCanSubmit }
    errors { field code message }
  }
}
"""

SUBMIT = """
mutation Answer($input: SubmitFeedbackInput!) {
  submitFeedback(input: $input) {
    feedbackRequest { status body visibility submittedAt viewerCanSubmit }
    errors { field code message }
  }
}
"""

READ = "query($id: ID!) { node(id: $id) { ... on FeedbackRequest { about body status } } }"

MINE = """
query($id: ID!, $direction: FeedbackRequestDirection!, $status: [FeedbackRequestStatus!]) {
  node(id: $id) {
    ... on Employee {
      feedbackRequests(direction: $direction, filter: {status: $status}) { totalCount nodes { about body } }
    }
  }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


async def person(http: httpx.AsyncClient, tokens: TokenMaker, email: str, **kwargs: Any) -> Caller:
    row = await f.employee(email=email, **kwargs)
    return Caller(http, await tokens(row.email), row)


async def ask(caller: Caller, *asked: Caller, about: str = "My talk at the all-hands", **extra: Any) -> Any:
    ids = [gid("Employee", a.row.id) for a in asked]
    data = await caller.data(REQUEST, {"input": {"fromIds": ids, "about": about, **extra}})
    return data["requestFeedback"]


async def answer(caller: Caller, request_id: str, body: str = "Clear and well paced.", **extra: Any) -> Any:
    data = await caller.data(SUBMIT, {"input": {"requestId": request_id, "body": body, **extra}})
    return data["submitFeedback"]


def codes(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def test_asking_two_colleagues_makes_one_request_each(
    employee: Caller, teammate: Caller, manager: Caller
) -> None:
    due = (date.today() + timedelta(days=7)).isoformat()

    asked = await ask(employee, teammate, manager, dueOn=due)

    assert asked["errors"] == []
    requests = asked["feedbackRequests"]
    assert [(r["respondent"]["email"], r["status"], r["dueOn"], r["body"]) for r in requests] == [
        ("tim@example.com", "PENDING", due, None),
        ("boss@example.com", "PENDING", due, None),
    ]
    assert all(r["requester"] == {"email": "ada@example.com"} and not r["viewerCanSubmit"] for r in requests)
    events = await Event.filter(type="feedback.requested").order_by("id")
    assert [e.data for e in events] == [
        {"requesterId": employee.row.id, "respondentId": teammate.row.id, "dueOn": due},
        {"requesterId": employee.row.id, "respondentId": manager.row.id, "dueOn": due},
    ]
    todo = await teammate.data(
        MINE, {"id": gid("Employee", teammate.row.id), "direction": "ASKED", "status": ["PENDING"]}
    )
    assert todo["node"]["feedbackRequests"] == {
        "totalCount": 1,
        "nodes": [{"about": "My talk at the all-hands", "body": None}],
    }


async def test_the_colleague_asked_answers_once_and_late_is_fine(employee: Caller, teammate: Caller) -> None:
    request = (await ask(employee, teammate))["feedbackRequests"][0]
    await FeedbackRequest.filter(id=from_global_id(request["id"])[1]).update(
        due_on=date.today() - timedelta(days=3)
    )

    first = await answer(teammate, request["id"], " Clear and well paced.\nMore examples next time. ")
    second = await answer(teammate, request["id"], "Changed my mind")

    assert first["errors"] == []
    assert first["feedbackRequest"]["status"] == "SUBMITTED"
    assert first["feedbackRequest"]["body"] == "Clear and well paced.\nMore examples next time."
    assert first["feedbackRequest"]["visibility"] == "PRIVATE"
    assert first["feedbackRequest"]["viewerCanSubmit"] is False
    assert codes(second) == [(["input", "requestId"], "ALREADY_EXISTS")]
    seen = await employee.data(READ, {"id": request["id"]})
    assert seen["node"]["body"] == "Clear and well paced.\nMore examples next time."
    event = await Event.get(type="feedback.submitted")
    assert event.data == {
        "requesterId": employee.row.id,
        "respondentId": teammate.row.id,
        "visibility": "private",
        "changed": ["status", "body", "visibility", "submittedAt"],
    }
    # What webhooks and the audit log carry of each event: who, never what.
    carried = json.dumps([default_data(e) for e in await Event.all()])
    assert "More examples" not in carried and "My talk" not in carried
    assert to_global_id("Employee", teammate.row.id) in carried


async def test_private_feedback_is_read_by_the_requester_and_its_author_only(
    employee: Caller,
    manager: Caller,
    teammate: Caller,
    hr: Caller,
    service: Caller,
    http: httpx.AsyncClient,
    tokens: TokenMaker,
) -> None:
    grand = await person(http, tokens, "grand@example.com")
    manager.row.manager_id = grand.row.id
    await manager.row.save(update_fields=["manager_id"])
    request = (await ask(employee, teammate))["feedbackRequests"][0]
    await answer(teammate, request["id"], visibility="PRIVATE")

    seen = {
        name: (await who.data(READ, {"id": request["id"]}))["node"] is not None
        for name, who in [
            ("requester", employee),
            ("author", teammate),
            ("manager", manager),
            ("manager's manager", grand),
            ("hr", hr),
            ("service", service),
        ]
    }

    assert seen == {
        "requester": True,
        "author": True,
        "manager": False,
        "manager's manager": False,
        "hr": False,
        "service": False,
    }
    listed = await hr.data(MINE, {"id": gid("Employee", employee.row.id), "direction": "REQUESTED"})
    assert listed["node"]["feedbackRequests"] == {"totalCount": 0, "nodes": []}


async def test_shared_feedback_reaches_the_direct_manager_once_submitted(
    employee: Caller, manager: Caller, teammate: Caller, hr: Caller
) -> None:
    request = (await ask(employee, teammate))["feedbackRequests"][0]
    employee_id = gid("Employee", employee.row.id)
    pending = await manager.data(MINE, {"id": employee_id, "direction": "REQUESTED"})

    await answer(teammate, request["id"], "Strong facilitation.", visibility="SHARED_WITH_MANAGER")

    shared = await manager.data(MINE, {"id": employee_id, "direction": "REQUESTED"})
    assert pending["node"]["feedbackRequests"]["totalCount"] == 0
    assert shared["node"]["feedbackRequests"] == {
        "totalCount": 1,
        "nodes": [{"about": "My talk at the all-hands", "body": "Strong facilitation."}],
    }
    assert (await manager.data(READ, {"id": request["id"]}))["node"]["body"] == "Strong facilitation."
    assert (await hr.data(READ, {"id": request["id"]}))["node"] is None


async def test_refused_requests_say_why_and_change_nothing(
    employee: Caller, teammate: Caller, service: Caller, http: httpx.AsyncClient, tokens: TokenMaker
) -> None:
    away = await person(http, tokens, "away@example.com", status="on_leave")
    crowd = [await person(http, tokens, f"c{i}@example.com") for i in range(11)]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    cases: list[tuple[list[Caller], dict[str, Any], list[tuple[list[str], str]]]] = [
        ([employee], {}, [(["input", "fromIds"], "INVALID")]),
        ([away], {}, [(["input", "fromIds"], "INVALID")]),
        ([], {}, [(["input", "fromIds"], "REQUIRED")]),
        (crowd, {}, [(["input", "fromIds"], "INVALID")]),
        ([teammate], {"about": "  "}, [(["input", "about"], "REQUIRED")]),
        ([teammate], {"about": "x" * 501}, [(["input", "about"], "TOO_LONG")]),
        ([teammate], {"dueOn": yesterday}, [(["input", "dueOn"], "IN_THE_PAST")]),
    ]
    for asked, extra, expected in cases:
        payload = await ask(employee, *asked, **extra)
        assert payload["feedbackRequests"] is None, (asked, extra)
        assert codes(payload) == expected, (asked, extra)
    unknown = await employee.data(
        REQUEST, {"input": {"fromIds": [gid("Employee", 999_999)], "about": "My talk"}}
    )
    wrong_type = await employee.data(REQUEST, {"input": {"fromIds": [gid("Task", 1)], "about": "My talk"}})
    by_service = await ask(service, teammate)

    assert codes(unknown["requestFeedback"]) == [(["input", "fromIds"], "NOT_FOUND")]
    assert codes(wrong_type["requestFeedback"]) == [(["input", "fromIds"], "INVALID_ID")]
    assert [e["code"] for e in by_service["errors"]] == ["NOT_ALLOWED"]
    assert await FeedbackRequest.all().count() == 0 and await Event.all().count() == 0


async def test_only_the_colleague_asked_submits(
    employee: Caller, teammate: Caller, manager: Caller, hr: Caller
) -> None:
    request = (await ask(employee, teammate))["feedbackRequests"][0]

    by_requester = await answer(employee, request["id"])
    by_manager = await answer(manager, request["id"])
    by_hr = await answer(hr, request["id"])
    empty = await answer(teammate, request["id"], "   ")
    too_long = await answer(teammate, request["id"], "x" * 5001)
    wrong_id = await answer(teammate, gid("Kudos", 1))

    assert codes(by_requester) == [(["input", "requestId"], "NOT_ALLOWED")]
    assert codes(by_manager) == [(["input", "requestId"], "NOT_FOUND")]
    assert codes(by_hr) == [(["input", "requestId"], "NOT_FOUND")]
    assert codes(empty) == [(["input", "body"], "REQUIRED")]
    assert codes(too_long) == [(["input", "body"], "TOO_LONG")]
    assert codes(wrong_id) == [(["input", "requestId"], "INVALID_ID")]
    assert (await employee.data(READ, {"id": request["id"]}))["node"] == {
        "about": "My talk at the all-hands",
        "body": None,
        "status": "PENDING",
    }
    assert await Event.filter(type="feedback.submitted").count() == 0


async def test_two_submissions_at_once_leave_exactly_one_answer(employee: Caller, teammate: Caller) -> None:
    request = (await ask(employee, teammate))["feedbackRequests"][0]

    results = await asyncio.gather(
        answer(teammate, request["id"], "First version"), answer(teammate, request["id"], "Second version")
    )

    outcomes = sorted(codes(r) == [] for r in results)
    assert outcomes == [False, True]
    refused = next(r for r in results if r["errors"])
    assert codes(refused) == [(["input", "requestId"], "ALREADY_EXISTS")]
    kept = next(r for r in results if not r["errors"])["feedbackRequest"]["body"]
    assert (await employee.data(READ, {"id": request["id"]}))["node"]["body"] == kept
    assert await Event.filter(type="feedback.submitted").count() == 1
