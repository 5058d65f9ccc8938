"""Whatever ID a consumer is handed (a webhook body, shaped or not, a ping, the audit log), it
can pass it to `node(id:)`: one codec everywhere. Runs every workflow once, so that every event
type of the log is checked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from auth.oauth.clients import create_client, mint_token
from auth.principal import Principal
from config import Settings
from events.log import EVENT_TYPES
from events.webhooks.delivery import default_data
from events.webhooks.store import disable_webhook
from ids import REFERENCE_TYPES, from_global_id, to_global_id
from models.events import Event
from models.training import Enrollment
from models.webhooks import Webhook, WebhookDelivery
from resolvers.core.clock import today
from resolvers.mentorships.expiry import expire_stale_requests
from resolvers.training.compliance_check import check_compliance
from resolvers.webhooks import workflows as hooks
from schema import schema
from schema.webhooks.shaping import make_shaper
from tests.support import factories as f
from tests.support.graphql_client import EVERY_SCOPE, ClientMaker, TokenMaker
from tests.support.webhook_actors import manage

AUDIT = """
query($after: String) {
  auditEvents(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { type subjectId actor { id } data }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


def mutation(name: str, input_type: str, selection: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} errors {{ code message }} }} }}"


async def act(
    client: Any, name: str, input_type: str, selection: str, input: dict[str, Any]
) -> dict[str, Any]:
    payload: dict[str, Any] = (await client.data(mutation(name, input_type, selection), {"input": input}))[
        name
    ]
    assert payload["errors"] == [], (name, payload["errors"])
    return payload


def is_reference(key: str) -> bool:
    return key != "eventId" and (key.endswith("Id") or key.endswith("Ids"))


def references(data: dict[str, Any]) -> list[str]:
    """Every ID a consumer finds in one payload's `data` (`id` included)."""
    found: list[str] = []
    for key, value in data.items():
        if key == "id" or is_reference(key):
            found += [v for v in (value if isinstance(value, list) else [value]) if v is not None]
    return found


async def run_every_workflow(graphql: Any, tokens: Any, settings: Any) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    bob = await f.employee(email="bob@example.com", manager=boss)
    await f.employee(email="hr@example.com", role="hr")
    hr = graphql(await tokens("hr@example.com"))
    as_ada = graphql(await tokens("ada@example.com"))
    as_bob = graphql(await tokens("bob@example.com"))
    as_boss = graphql(await tokens("boss@example.com"))
    gid = to_global_id

    new = await act(
        hr,
        "createEmployee",
        "CreateEmployeeInput",
        "employee { id }",
        {
            "email": "new@example.com",
            "givenName": "New",
            "familyName": "Hire",
            "managerId": gid("Employee", boss.id),
        },
    )
    await act(
        hr,
        "updateEmployee",
        "UpdateEmployeeInput",
        "employee { id }",
        {"id": new["employee"]["id"], "jobTitle": "Lead"},
    )
    team = (
        await act(
            hr,
            "createTeam",
            "CreateTeamInput",
            "team { id }",
            {"name": "Platform", "leadId": gid("Employee", ada.id)},
        )
    )["team"]["id"]
    await act(hr, "updateTeam", "UpdateTeamInput", "team { id }", {"id": team, "description": "Runs things"})
    member = {"teamId": team, "employeeId": gid("Employee", bob.id)}
    await act(hr, "addTeamMember", "AddTeamMemberInput", "team { id }", member)
    await act(hr, "removeTeamMember", "RemoveTeamMemberInput", "team { id }", member)

    task = (
        await act(as_ada, "createTask", "CreateTaskInput", "task { id }", {"title": "Ship", "teamId": team})
    )["task"]["id"]
    await act(as_ada, "updateTask", "UpdateTaskInput", "task { id }", {"id": task, "title": "Ship it"})
    await act(
        as_ada, "setTaskStatus", "SetTaskStatusInput", "task { id }", {"id": task, "status": "IN_PROGRESS"}
    )
    await act(as_ada, "deleteTask", "DeleteTaskInput", "deletedId", {"id": task})

    ask = {"mentorId": gid("Employee", boss.id), "goals": "Grow"}
    mentorship = await act(as_ada, "requestMentorship", "RequestMentorshipInput", "mentorship { id }", ask)
    mentorship_id = mentorship["mentorship"]["id"]
    await act(
        as_boss,
        "respondToMentorship",
        "RespondToMentorshipInput",
        "mentorship { id }",
        {"id": mentorship_id, "decision": "ACCEPT"},
    )
    await act(
        as_boss,
        "logMentorshipCheckIn",
        "LogMentorshipCheckInInput",
        "checkIn { id }",
        {"mentorshipId": mentorship_id, "notes": "Good"},
    )
    await act(
        as_boss,
        "endMentorship",
        "EndMentorshipInput",
        "mentorship { id }",
        {"id": mentorship_id, "outcome": "COMPLETED", "reason": "Goals met", "rating": 5},
    )
    await act(
        as_ada,
        "rateMentorship",
        "RateMentorshipInput",
        "mentorship { id }",
        {"id": mentorship_id, "rating": 4},
    )
    await act(as_bob, "requestMentorship", "RequestMentorshipInput", "mentorship { id }", ask)
    await expire_stale_requests(days=1, at=datetime.now(UTC) + timedelta(days=2))  # bob's lapses
    declined = await act(as_bob, "requestMentorship", "RequestMentorshipInput", "mentorship { id }", ask)
    await act(
        as_boss,
        "respondToMentorship",
        "RespondToMentorshipInput",
        "mentorship { id }",
        {"id": declined["mentorship"]["id"], "decision": "DECLINE"},
    )

    course = (
        await act(
            hr,
            "createTrainingCourse",
            "CreateTrainingCourseInput",
            "course { id }",
            {"code": "SEC-1", "title": "Security"},
        )
    )["course"]["id"]
    starts = datetime.now(UTC) + timedelta(days=3)
    session = (
        await act(
            hr,
            "scheduleTrainingSession",
            "ScheduleTrainingSessionInput",
            "session { id }",
            {
                "courseId": course,
                "startsAt": starts.isoformat(),
                "endsAt": (starts + timedelta(hours=1)).isoformat(),
                "capacity": 1,
            },
        )
    )["session"]["id"]
    enroll = mutation("enrollInTrainingSession", "EnrollInTrainingSessionInput", "enrollment { id }")
    seat = await as_ada.data(enroll, {"input": {"sessionId": session}})
    await as_bob.data(enroll, {"input": {"sessionId": session}})  # waitlisted
    await act(
        as_ada,
        "cancelEnrollment",
        "CancelEnrollmentInput",
        "enrollment { id }",
        {"enrollmentId": seat["enrollInTrainingSession"]["enrollment"]["id"]},
    )  # promotes bob
    await act(
        hr,
        "cancelTrainingSession",
        "CancelTrainingSessionInput",
        "session { id }",
        {"id": session, "reason": "Ill"},
    )

    past = await f.session(await f.course(), starts_at=datetime.now(UTC) - timedelta(days=2),
                           ends_at=datetime.now(UTC) - timedelta(days=1))  # fmt: skip
    attended: Enrollment = await f.enrollment(past, ada, status="enrolled")
    outcome = {"enrollmentId": gid("Enrollment", attended.id), "outcome": "COMPLETED", "score": 90}
    await act(hr, "recordTrainingOutcome", "RecordTrainingOutcomeInput", "enrollment { id }", outcome)
    feedback = {"enrollmentId": gid("Enrollment", attended.id), "rating": 5, "comment": "Useful"}
    await act(as_ada, "submitTrainingFeedback", "SubmitTrainingFeedbackInput", "enrollment { id }", feedback)
    required = {"courseId": gid("TrainingCourse", past.course_id), "everyMonths": 12}
    await act(
        hr, "createTrainingRequirement", "CreateTrainingRequirementInput", "requirement { id }", required
    )
    await check_compliance()  # ada's completion satisfies it; the others are overdue
    thanks = {"toId": gid("Employee", bob.id), "message": "Thanks", "skills": ["Python"]}
    await act(as_ada, "giveKudos", "GiveKudosInput", "kudos { id }", thanks)
    asked = {"fromIds": [gid("Employee", bob.id)], "about": "My demo"}
    requested = await act(as_ada, "requestFeedback", "RequestFeedbackInput", "feedbackRequests { id }", asked)
    answer = {"requestId": requested["feedbackRequests"][0]["id"], "body": "Good"}
    await act(as_bob, "submitFeedback", "SubmitFeedbackInput", "feedbackRequest { id }", answer)

    off = (today() + timedelta(days=14 - today().weekday())).isoformat()  # a Monday two weeks ahead
    days = {"startsOn": off, "endsOn": off}
    pending = await act(as_ada, "requestTimeOff", "RequestTimeOffInput", "timeOffRequest { id }",
                      {"kind": "OTHER", **days})  # fmt: skip
    await act(as_boss, "decideTimeOff", "DecideTimeOffInput", "timeOffRequest { id }",
              {"id": pending["timeOffRequest"]["id"], "decision": "DECLINE"})  # fmt: skip
    taken = await act(as_ada, "requestTimeOff", "RequestTimeOffInput", "timeOffRequest { id }",
                      {"kind": "VACATION", **days})  # fmt: skip
    await act(as_ada, "cancelTimeOff", "CancelTimeOffInput", "timeOffRequest { id }",
              {"id": taken["timeOffRequest"]["id"]})  # fmt: skip

    created = await manage(
        None,
        hooks.create_webhook,
        replace(settings, webhook_allow_private=True),
        url="http://127.0.0.1:9/hook",
        event_types=["task.created"],
    )
    async with in_transaction() as conn:
        await disable_webhook(conn, created.webhook, "test")


async def test_every_id_in_webhook_bodies_and_the_audit_log_resolves_via_node(
    graphql: ClientMaker, tokens: TokenMaker, settings: Settings
) -> None:
    # Given every workflow ran once
    await run_every_workflow(graphql, tokens, settings)
    events = await Event.all().order_by("id")
    assert {e.type for e in events} == set(EVENT_TYPES)
    hr = graphql(await tokens("hr@example.com"))

    # When a consumer collects the IDs of every webhook body and every audit entry
    handed_out: dict[str, str] = {}
    for event in events:
        for key in event.data:
            assert not is_reference(key) or key in REFERENCE_TYPES, f"{event.type}: {key} has no ID type"
        for value in references(default_data(event)):
            handed_out.setdefault(value, f"webhook body of {event.type}")
    pinged = await Webhook.create(url="http://127.0.0.1:9/ping", event_types=[], secret="whsec_x")
    ping = await manage(None, hooks.test_webhook, pinged.id)
    for value in references(dict((await WebhookDelivery.get(id=ping.id)).payload or {})):
        handed_out.setdefault(value, "webhook ping")
    after = None
    while True:
        page = (await hr.data(AUDIT, {"after": after}))["auditEvents"]
        for entry in page["nodes"]:
            for value in [entry["subjectId"], *(references(entry["data"])), (entry["actor"] or {}).get("id")]:
                if value is not None:
                    handed_out.setdefault(value, f"audit log of {entry['type']}")
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # Then each one is a valid ID that node(id:) follows (the deleted task is simply gone)
    deleted = {to_global_id("Task", e.subject_id) for e in events if e.type == "task.deleted"}
    assert len(handed_out) > 10
    # (feedback is never HR's to read: its requester follows those IDs)
    as_requester = graphql(await tokens("ada@example.com"))
    for value, where in handed_out.items():
        reader = as_requester if from_global_id(value)[0] == "FeedbackRequest" else hr
        found = (await reader.data(NODE, {"id": value}))["node"]
        assert found == ({"id": value} if value not in deleted else None), where


async def test_a_shaped_webhook_payload_carries_the_api_ids(
    graphql: ClientMaker, tokens: TokenMaker, settings: Settings
) -> None:
    # Given a task created in a team, and a webhook whose document shapes its payload
    ada = await f.employee(email="ada@example.com")
    team = await f.team()
    await f.member(team, ada, "lead")
    client = graphql(await tokens("ada@example.com"))
    await act(
        client,
        "createTask",
        "CreateTaskInput",
        "task { id }",
        {"title": "Ship", "teamId": to_global_id("Team", team.id)},
    )
    owner = await create_client(name="hris", grant="client_credentials", scopes=EVERY_SCOPE)
    created = await manage(
        owner.client_id,
        hooks.create_webhook,
        replace(settings, webhook_allow_private=True),
        url="http://127.0.0.1:9/hook",
        event_types=["task.created"],
        query="subscription { taskEvents { taskId task { id assignee { id } team { id } } } }",
        principal=Principal(scopes=frozenset(EVERY_SCOPE.split()), client_id=owner.client_id),
    )

    # When the payload is shaped for the event
    shaped = await make_shaper(schema._schema, settings)(
        created.webhook, await Event.get(type="task.created")
    )

    # Then its IDs are the API's and resolve
    event = shaped["taskEvents"]  # type: ignore[index]  # a shaped payload is JSON
    ids = [event["taskId"], event["task"]["id"], event["task"]["assignee"]["id"], event["task"]["team"]["id"]]
    assert ids[1:] == [event["taskId"], to_global_id("Employee", ada.id), to_global_id("Team", team.id)]
    hr = graphql(await tokens())
    for value in ids:
        assert (await hr.data(NODE, {"id": value}))["node"] == {"id": value}


TEST_WEBHOOK = """
mutation($input: WebhookIdInput!) { testWebhook(input: $input) { delivery { id } errors { code } } }
"""


async def test_a_delivery_id_resolves_via_node_for_its_owner_only(
    graphql: ClientMaker, tokens: TokenMaker, settings: Settings
) -> None:
    # Given a webhook of one service, pinged through the API
    owner = await create_client(name="hris", grant="client_credentials", scopes=EVERY_SCOPE)
    created = await manage(
        owner.client_id, hooks.create_webhook, replace(settings, webhook_allow_private=True),
        url="http://127.0.0.1:9/hook", event_types=["task.created"],
    )  # fmt: skip
    as_owner = graphql(
        (await mint_token(settings, scopes=EVERY_SCOPE, client_id=owner.client_id))["access_token"]
    )
    ping = await as_owner.data(TEST_WEBHOOK, {"input": {"id": to_global_id("Webhook", created.webhook.id)}})
    delivery_id = ping["testWebhook"]["delivery"]["id"]

    # When its owner and another service follow the delivery's ID
    mine = await as_owner.data(NODE, {"id": delivery_id})
    theirs = await graphql(await tokens()).data(NODE, {"id": delivery_id})

    # Then the owner gets the delivery and the other service nothing
    assert mine["node"] == {"id": delivery_id} and theirs["node"] is None


STATS_IDS = """
{
  employeeStats(groupBy: [TEAM, MANAGER]) { team { id } manager { id } }
  taskStats(groupBy: [TEAM, MANAGER]) { team { id } manager { id } }
  trainingStats(groupBy: [COURSE, TEAM, MANAGER]) { course { id } team { id } manager { id } }
}
"""


async def test_every_id_in_aggregate_rows_resolves_via_node(
    graphql: ClientMaker, tokens: TokenMaker, settings: Settings
) -> None:
    # Given every workflow ran once, and HR, who sees every group
    await run_every_workflow(graphql, tokens, settings)
    hr = graphql(await tokens("hr@example.com"))

    # When HR groups employees, tasks and enrollments by the objects they belong to
    data = await hr.data(STATS_IDS)
    handed_out = {
        (root, field, row[field]["id"])
        for root, rows in data.items()
        for row in rows
        for field in row
        if row[field]
    }

    # Then each team, manager and course is one node(id:) follows, of the type the field names
    expected = {"team": "Team", "manager": "Employee", "course": "TrainingCourse"}
    assert {field for _, field, _ in handed_out} == set(expected)
    for root, field, value in handed_out:
        assert from_global_id(value)[0] == expected[field], (root, field)
        assert (await hr.data(NODE, {"id": value}))["node"] == {"id": value}, (root, field)
