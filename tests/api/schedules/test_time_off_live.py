"""Time-off events reach, live, whoever they concern: the employee and the managers above them."""

from __future__ import annotations

from tests.api.schedules.dates import iso, monday
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import call, listening
from tests.support.ws_client import WSClient

VIEWER_EVENTS = """
subscription {
  viewerEvents {
    __typename type actor { email }
    ... on TimeOffEvent { timeOffRequest { status kind employee { email } } }
  }
}
"""

REQUEST = """
mutation Request($input: RequestTimeOffInput!) {
  requestTimeOff(input: $input) { timeOffRequest { id } errors { code } }
}
"""


def vacation(start: str) -> dict[str, object]:
    return {"input": {"kind": "VACATION", "startsOn": start, "endsOn": start}}


async def test_the_employee_and_their_manager_hear_of_a_request_and_a_teammate_does_not(
    server: str, tokens: TokenMaker
) -> None:
    boss = await f.employee(email="boss@example.com")
    await f.employee(email="ada@example.com", manager=boss)
    await f.employee(email="tim@example.com", manager=boss)
    ada_token, tim_token = await tokens("ada@example.com"), await tokens("tim@example.com")
    clients = [
        await WSClient.connect(server, await tokens(e)) for e in ("boss@example.com", "tim@example.com")
    ]
    ops = [await c.subscribe(VIEWER_EVENTS) for c in clients]
    await listening(2)

    # When Ada takes a day off, and then Tim does
    start = monday()
    await call(server, ada_token, REQUEST, vacation(iso(start)))
    await call(server, tim_token, REQUEST, vacation(iso(start, 1)))

    # Then her manager hears of Ada's first; Tim hears only of his own
    boss_first = (await clients[0].next_data(ops[0]))["viewerEvents"]
    tim_first = (await clients[1].next_data(ops[1]))["viewerEvents"]
    for c in clients:
        await c.close()
    assert boss_first == {
        "__typename": "TimeOffEvent",
        "type": "TIME_OFF_REQUESTED",
        "actor": {"email": "ada@example.com"},
        "timeOffRequest": {
            "status": "APPROVED",
            "kind": "VACATION",
            "employee": {"email": "ada@example.com"},
        },
    }
    assert tim_first["timeOffRequest"]["employee"] == {"email": "tim@example.com"}


async def test_the_employee_hears_their_managers_decision(server: str, tokens: TokenMaker) -> None:
    boss = await f.employee(email="boss@example.com")
    await f.employee(email="ada@example.com", manager=boss)
    ada = await WSClient.connect(server, await tokens("ada@example.com"))
    op = await ada.subscribe(VIEWER_EVENTS)
    await listening(1)

    start = monday()
    made = await call(
        server,
        await tokens("ada@example.com"),
        REQUEST,
        {"input": {"kind": "OTHER", "startsOn": iso(start), "endsOn": iso(start)}},
    )
    request_id = made["requestTimeOff"]["timeOffRequest"]["id"]
    await call(
        server,
        await tokens("boss@example.com"),
        "mutation($input: DecideTimeOffInput!) { decideTimeOff(input: $input) { errors { code } } }",
        {"input": {"id": request_id, "decision": "DECLINE"}},
    )

    requested = (await ada.next_data(op))["viewerEvents"]
    declined = (await ada.next_data(op))["viewerEvents"]
    await ada.close()
    assert (requested["type"], requested["actor"]) == ("TIME_OFF_REQUESTED", {"email": "ada@example.com"})
    assert (declined["type"], declined["actor"]) == ("TIME_OFF_DECLINED", {"email": "boss@example.com"})
    assert declined["timeOffRequest"]["status"] == "DECLINED"
