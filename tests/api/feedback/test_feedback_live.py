"""Feedback and kudos arrive live on `viewerEvents`, for whoever they concern and no one else."""

from __future__ import annotations

from ids import to_global_id
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import call, listening
from tests.support.ws_client import WSClient

VIEWER_EVENTS = """
subscription {
  viewerEvents {
    __typename type actor { email }
    ... on KudosEvent { kudos { message receiver { email } } }
    ... on FeedbackEvent { feedbackRequest { about status body } }
  }
}
"""

GIVE = "mutation($input: GiveKudosInput!) { giveKudos(input: $input) { errors { code } } }"
REQUEST = """
mutation($input: RequestFeedbackInput!) {
  requestFeedback(input: $input) { feedbackRequests { id } errors { code } }
}
"""
SUBMIT = "mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { errors { code } } }"
TASK = "mutation($input: CreateTaskInput!) { createTask(input: $input) { errors { code } } }"


async def test_the_receiver_hears_of_kudos_the_asked_of_requests_the_requester_of_answers(
    server: str, tokens: TokenMaker
) -> None:
    ada = await f.employee(email="ada@example.com")
    tim = await f.employee(email="tim@example.com")
    ada_token, tim_token = await tokens(ada.email), await tokens(tim.email)
    ada_live = await WSClient.connect(server, ada_token)
    tim_live = await WSClient.connect(server, tim_token)
    ada_op = await ada_live.subscribe(VIEWER_EVENTS)
    tim_op = await tim_live.subscribe(VIEWER_EVENTS)
    await listening(2)

    # Tim thanks Ada; Ada asks Tim for feedback; Tim answers. Each event reaches one of them.
    await call(
        server, tim_token, GIVE, {"input": {"toId": to_global_id("Employee", ada.id), "message": "Thanks!"}}
    )
    asked = await call(
        server,
        ada_token,
        REQUEST,
        {"input": {"fromIds": [to_global_id("Employee", tim.id)], "about": "My demo"}},
    )
    request_id = asked["requestFeedback"]["feedbackRequests"][0]["id"]
    tim_first = (await tim_live.next_data(tim_op))["viewerEvents"]  # shown as it is on delivery
    await call(server, tim_token, SUBMIT, {"input": {"requestId": request_id, "body": "Loved it"}})
    # A last event for each, so that nothing else can be pending for them before it.
    for token in (ada_token, tim_token):
        await call(server, token, TASK, {"input": {"title": "Marker"}})

    ada_seen = [(await ada_live.next_data(ada_op))["viewerEvents"] for _ in range(3)]
    tim_seen = [tim_first, (await tim_live.next_data(tim_op))["viewerEvents"]]
    await ada_live.close()
    await tim_live.close()

    assert ada_seen[0] == {
        "__typename": "KudosEvent",
        "type": "KUDOS_GIVEN",
        "actor": {"email": "tim@example.com"},
        "kudos": {"message": "Thanks!", "receiver": {"email": "ada@example.com"}},
    }
    assert ada_seen[1] == {
        "__typename": "FeedbackEvent",
        "type": "FEEDBACK_SUBMITTED",
        "actor": {"email": "tim@example.com"},
        "feedbackRequest": {"about": "My demo", "status": "SUBMITTED", "body": "Loved it"},
    }
    assert ada_seen[2]["__typename"] == "TaskEvent"
    assert tim_seen[0] == {
        "__typename": "FeedbackEvent",
        "type": "FEEDBACK_REQUESTED",
        "actor": {"email": "ada@example.com"},
        "feedbackRequest": {"about": "My demo", "status": "PENDING", "body": None},
    }
    assert tim_seen[1]["__typename"] == "TaskEvent"


async def test_feedback_events_need_the_feedback_scope(server: str, tokens: TokenMaker) -> None:
    ada = await f.employee(email="ada@example.com")
    tim = await f.employee(email="tim@example.com")
    ada_live = await WSClient.connect(server, await tokens(ada.email, scopes="tasks:read employees:read"))
    op = await ada_live.subscribe("subscription { viewerEvents { __typename type } }")
    await listening(1)

    await call(
        server,
        await tokens(tim.email),
        GIVE,
        {"input": {"toId": to_global_id("Employee", ada.id), "message": "Thanks!"}},
    )
    await call(server, await tokens(ada.email), TASK, {"input": {"title": "After the kudos"}})

    seen = (await ada_live.next_data(op))["viewerEvents"]
    await ada_live.close()
    assert seen == {"__typename": "TaskEvent", "type": "TASK_CREATED"}
