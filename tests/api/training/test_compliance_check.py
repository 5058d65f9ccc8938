"""The daily compliance check (`peoplegraph training check-compliance`): each status change is
recorded once, with one `training.compliance_changed` event, which the employee hears live and
webhooks carry; however often and on however many machines the job runs."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from config import Settings
from events.webhooks import WebhookDispatcher
from ids import to_global_id
from models.employees import Employee
from models.events import Event
from models.training import TrainingCourse, TrainingExemption, TrainingRequirement
from resolvers.training.compliance_check import check_compliance
from resolvers.webhooks import workflows as webhook_api
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import listening
from tests.support.server_process import ROOT
from tests.support.webhook_actors import manage
from tests.support.webhook_receiver import Receiver
from tests.support.ws_client import WAIT, WSClient

VIEWER_EVENTS = """
subscription {
  viewerEvents {
    type
    ... on TrainingComplianceEvent { previousStatus status requirement { course { code } } }
  }
}
"""

NOW = datetime.now(UTC)


async def _requirement(course: TrainingCourse, **fields: Any) -> TrainingRequirement:
    values: dict[str, Any] = {"every_months": 12, "window_days": 30, **fields}
    return await TrainingRequirement.create(course_id=course.id, **values)


async def _complete(person: Employee, course: TrainingCourse, days_ago: int) -> None:
    session = await f.session(course, starts_at=NOW - timedelta(days=days_ago + 1))
    await f.enrollment(session, person, status="completed", completed_at=NOW - timedelta(days=days_ago))


async def _changes() -> list[tuple[int, int, str | None, str]]:
    return [
        (e.subject_id, e.data["employeeId"], e.data["from"], e.data["to"])
        for e in await Event.filter(type="training.compliance_changed").order_by("id")
    ]


async def test_a_change_is_an_event_once_and_the_window_moves_a_status(database_url: str) -> None:
    ada = await f.employee(email="ada@example.com")
    bob = await f.employee(email="bob@example.com")
    await f.employee(email="gone@example.com", status="terminated")  # never checked
    course = await f.course(code="SEC")
    requirement = await _requirement(course)
    await _complete(ada, course, days_ago=300)  # about two months left

    first = await check_compliance(NOW)
    again = await check_compliance(NOW)
    later = await check_compliance(NOW + timedelta(days=40))  # inside the 30-day window now

    assert (first.checked, first.changed) == (2, 2)
    assert (again.checked, again.changed) == (2, 0)
    assert later.changed == 1
    r = requirement.id
    assert await _changes() == [
        (r, ada.id, None, "compliant"),
        (r, bob.id, None, "overdue"),
        (r, ada.id, "compliant", "expiring"),
    ]
    [*_, moved] = await Event.filter(type="training.compliance_changed").order_by("id")
    assert moved.subject_type == "TrainingRequirement" and moved.actor_id is None
    assert moved.data["courseId"] == course.id and moved.data["certificateId"] is not None


async def test_an_exemption_and_an_archive_change_what_the_check_sees(database_url: str) -> None:
    ada = await f.employee()
    course = await f.course(code="SEC")
    requirement = await _requirement(course)
    await check_compliance(NOW)
    await TrainingExemption.create(requirement_id=requirement.id, employee_id=ada.id, reason="External")

    exempted = await check_compliance(NOW)
    await TrainingRequirement.filter(id=requirement.id).update(archived_at=NOW)
    archived = await check_compliance(NOW)

    assert exempted.changed == 1
    assert (archived.checked, archived.changed) == (0, 0)
    assert [(old, new) for *_, old, new in await _changes()] == [(None, "overdue"), ("overdue", "exempt")]


async def test_jobs_running_at_once_record_each_change_exactly_once(database_url: str) -> None:
    people = [await f.employee() for _ in range(5)]
    course = await f.course(code="SEC")
    await _requirement(course)
    await check_compliance(NOW)  # all overdue
    for person in people[:3]:
        await _complete(person, course, days_ago=1)

    results = await asyncio.gather(*(check_compliance(NOW) for _ in range(3)))

    assert sum(r.changed for r in results) == 3
    moved = [(who, old, new) for _, who, old, new in await _changes() if old is not None]
    assert sorted(moved) == sorted((p.id, "overdue", "compliant") for p in people[:3])


async def test_the_employee_hears_their_change_live(server: str, tokens: TokenMaker) -> None:
    ada = await f.employee(email="ada@example.com")
    course = await f.course(code="SEC")
    await _requirement(course)
    await _complete(ada, course, days_ago=350)
    client = await WSClient.connect(server, await tokens("ada@example.com"))
    op = await client.subscribe(VIEWER_EVENTS)
    await listening(1)

    await check_compliance(NOW)

    data = (await client.next_data(op))["viewerEvents"]
    assert data == {
        "type": "TRAINING_COMPLIANCE_CHANGED",
        "previousStatus": None,
        "status": "EXPIRING",
        "requirement": {"course": {"code": "SEC"}},
    }
    await client.close()


async def test_nobody_else_hears_it_not_even_their_manager(server: str, tokens: TokenMaker) -> None:
    ada = await f.employee(email="ada@example.com")
    await f.employee(email="bob@example.com", manager=ada)
    await _requirement(await f.course(code="FIRST", title="A"))
    client = await WSClient.connect(server, await tokens("ada@example.com"))
    op = await client.subscribe(VIEWER_EVENTS)
    await listening(1)

    await check_compliance(NOW)  # ada's change, then bob's
    await _requirement(await f.course(code="SECOND", title="B"))
    await check_compliance(NOW)  # ada's, then bob's again

    received = [
        (await client.next_data(op))["viewerEvents"]["requirement"]["course"]["code"] for _ in range(2)
    ]
    assert received == ["FIRST", "SECOND"]  # bob's first change never reached ada
    await client.close()


async def test_webhooks_carry_the_change_with_global_ids(hook_settings: Settings, receiver: Receiver) -> None:
    created = await manage(
        "client-1",
        webhook_api.create_webhook,
        hook_settings,
        url=receiver.url,
        event_types=["training.compliance_changed"],
    )
    receiver.secrets.append(created.secret)
    ada = await f.employee()
    course = await f.course(code="SEC")
    requirement = await _requirement(course)
    dispatcher = WebhookDispatcher(hook_settings)
    try:
        await check_compliance(NOW)

        assert await dispatcher.run_once() == 1
        [got] = await receiver.wait_for(1)
    finally:
        await dispatcher.stop()
    body = got.json
    assert body["type"] == "training.compliance_changed"
    assert body["data"]["subjectId"] == to_global_id("TrainingRequirement", requirement.id)
    assert body["data"]["employeeId"] == to_global_id("Employee", ada.id)
    assert body["data"]["courseId"] == to_global_id("TrainingCourse", course.id)
    assert (body["data"]["from"], body["data"]["to"]) == (None, "overdue")


async def test_the_command_runs_the_check(settings: Settings) -> None:
    await f.employee()
    await _requirement(await f.course(code="SEC"))
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "PEOPLEGRAPH_DATA_DIR": str(settings.data_dir),
    }
    command = [sys.executable, "-c", "import sys, cli; sys.exit(cli.main())", "training", "check-compliance"]

    async def run() -> str:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await asyncio.wait_for(process.communicate(), WAIT * 6)
        assert process.returncode == 0
        return out.decode().strip()

    assert await run() == "checked 1 requirement status(es); 1 changed"
    assert await run() == "checked 1 requirement status(es); 0 changed"
