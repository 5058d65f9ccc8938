"""The daily compliance check: record each employee's status with each requirement and write a
`training.compliance_changed` event when it differs from the last one recorded.

Run by `peoplegraph training check-compliance` (cron, daily or more often). Safe to run on many
machines at once and again at any time. A row per (requirement, employee) holds the last status:
a change moves it with a conditional UPDATE (`... WHERE id = ? AND status = <the one read>`) in
its own transaction with its event, so of several processes exactly one moves a given row and
writes the event; a first status is an INSERT that the unique (requirement, employee) key lets
only one process make. A first status is an event too (`from` null): the employee learns a
requirement now applies to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from tortoise.exceptions import IntegrityError

from auth.policy import Policy
from events.log import EventType
from models.employees import Employee, EmployeeStatus
from models.training import ComplianceStatus, TrainingComplianceState
from resolvers.core import clock
from resolvers.core.unit_of_work import Actor, UnitOfWork, mutate
from resolvers.training.requirements import RequirementStatus, requirement_statuses_of

BATCH = 500


@dataclass(frozen=True)
class CheckResult:
    checked: int  # (requirement, employee) pairs looked at
    changed: int  # of those, the statuses this process moved (one event each)


async def _move(
    uow: UnitOfWork, standing: RequirementStatus, previous: ComplianceStatus | None, at: datetime
) -> bool:
    requirement = standing.requirement
    if previous is None:
        await TrainingComplianceState.create(
            requirement_id=requirement.id,
            employee_id=standing.employee_id,
            status=standing.status,
            checked_at=at,
            using_db=uow.conn,
        )
    else:
        moved = (
            await TrainingComplianceState.filter(
                requirement_id=requirement.id, employee_id=standing.employee_id, status=previous
            )
            .using_db(uow.conn)
            .update(status=standing.status, checked_at=at)
        )
        if not moved:  # another process recorded a change meanwhile
            return False
    await uow.record(
        EventType.TRAINING_COMPLIANCE_CHANGED,
        "TrainingRequirement",
        requirement.id,
        {
            "employeeId": standing.employee_id,
            "courseId": requirement.course_id,
            "from": previous.value if previous is not None else None,
            "to": standing.status.value,
            "expiresAt": standing.expires_at.isoformat() if standing.expires_at else None,
            "certificateId": standing.certificate.id if standing.certificate else None,
        },
        ["status"],
    )
    return True


async def _record(
    actor: Actor, standing: RequirementStatus, previous: ComplianceStatus | None, at: datetime
) -> bool:
    try:
        outcome = await mutate(actor, partial(_move, standing=standing, previous=previous, at=at))
    except IntegrityError:  # another process recorded the first status first
        return False
    return bool(outcome.value)


async def check_compliance(at: datetime | None = None) -> CheckResult:
    """Check every employee who is not terminated against every requirement in force at `at` (now)."""
    at = at or clock.now()
    actor = Actor(Policy(None), client_id=None)  # the system: no employee, no client
    checked = changed = 0
    last_id = 0
    while True:
        rows = (
            await Employee.filter(id__gt=last_id)
            .exclude(status=EmployeeStatus.TERMINATED)
            .order_by("id")
            .limit(BATCH)
            .values("id")
        )
        ids = [int(row["id"]) for row in rows]
        if not ids:
            return CheckResult(checked, changed)
        last_id = ids[-1]
        statuses = await requirement_statuses_of(ids, at)
        recorded = {
            (int(r), int(e)): ComplianceStatus(s)
            for r, e, s in await TrainingComplianceState.filter(employee_id__in=ids).values_list(
                "requirement_id", "employee_id", "status"
            )
        }
        for standings in statuses.values():
            for standing in standings:
                checked += 1
                previous = recorded.get((standing.requirement.id, standing.employee_id))
                if previous != standing.status and await _record(actor, standing, previous, at):
                    changed += 1
