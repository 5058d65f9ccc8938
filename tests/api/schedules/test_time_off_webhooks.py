"""Time-off events reach webhooks: a payroll system subscribed to approvals gets a signed body."""

from __future__ import annotations

from dataclasses import replace

from config import Settings
from events.webhooks import WebhookDispatcher
from ids import to_global_id
from resolvers.webhooks import workflows as api
from tests.api.schedules.dates import iso, monday
from tests.support.graphql_client import Caller
from tests.support.webhook_actors import manage
from tests.support.webhook_receiver import Receiver

REQUEST = """
mutation Request($input: RequestTimeOffInput!) {
  requestTimeOff(input: $input) { timeOffRequest { id } errors { code } }
}
"""


async def test_an_approval_at_once_is_delivered_to_a_subscribed_webhook(
    settings: Settings, receiver: Receiver, employee: Caller
) -> None:
    # Given a webhook for approvals only
    hook_settings = replace(settings, webhook_allow_private=True, webhook_retry_schedule=(0, 0, 0))
    created = await manage(
        "payroll", api.create_webhook, hook_settings, url=receiver.url, event_types=["time_off.approved"]
    )
    receiver.secrets.append(created.secret)
    dispatcher = WebhookDispatcher(hook_settings)

    # When Ada takes a day off (requested, then approved at once)
    start = monday()
    made = await employee.data(
        REQUEST, {"input": {"kind": "VACATION", "startsOn": iso(start), "endsOn": iso(start)}}
    )
    try:
        sent = await dispatcher.run_once()
        [got] = await receiver.wait_for(1)
    finally:
        await dispatcher.stop()

    # Then one signed body arrives: the approval, with API IDs
    assert sent == 1 and got.verified_with == receiver.secrets
    body = got.json
    assert body["type"] == "time_off.approved"
    assert body["data"]["subjectId"] == made["requestTimeOff"]["timeOffRequest"]["id"]
    assert body["data"]["employeeId"] == to_global_id("Employee", employee.row.id)
    assert (body["data"]["kind"], body["data"]["startsOn"], body["data"]["status"]) == (
        "vacation",
        iso(start),
        "approved",
    )
