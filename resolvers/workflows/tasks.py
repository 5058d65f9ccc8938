"""Task workflows: create, update, move through statuses, delete."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise.expressions import F

from models.employees import Employee, EmployeeStatus
from models.tasks import Task, TaskPriority, TaskStatus
from models.teams import Team, TeamMembership
from resolvers.errors import ErrorCode, user_error
from resolvers.unit_of_work import UnitOfWork
from resolvers.validation import Checks

OPEN = {TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED}

# Allowed moves. A finished task may be reopened; a cancelled one only back to the start.
TRANSITIONS: dict[TaskStatus, set[TaskStatus]] = {
    TaskStatus.TODO: {TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.TODO, TaskStatus.BLOCKED, TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.BLOCKED: {TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.DONE: {TaskStatus.TODO, TaskStatus.IN_PROGRESS},
    TaskStatus.CANCELLED: {TaskStatus.TODO},
}


def today() -> date:
    return datetime.now(UTC).date()


async def _visible_task(uow: UnitOfWork, task_id: int | None, *, for_update: bool = True) -> Task:
    qs = Task.filter(id=task_id).using_db(uow.conn)
    task = await (qs.select_for_update() if for_update else qs).first()
    if task is None or not uow.actor.policy.can_see_task(task):
        raise user_error(ErrorCode.NOT_FOUND, "No such task.", "input", "id")
    if not uow.actor.policy.can_update_task(task):
        raise user_error(ErrorCode.NOT_ALLOWED, "You may not change this task.", "input", "id")
    return task


async def _check_assignment(uow: UnitOfWork, checks: Checks, assignee_id: int | None, team_id: int | None) -> None:
    """The assignee and team exist, the assignee belongs to the team, and the actor may assign."""
    if assignee_id is not None:
        assignee = await Employee.get_or_none(id=assignee_id).using_db(uow.conn)
        if assignee is None:
            checks.add(ErrorCode.NOT_FOUND, "No such employee.", "assigneeId")
        elif assignee.status == EmployeeStatus.TERMINATED:
            checks.add(ErrorCode.INVALID, "Tasks cannot be assigned to someone who has left.", "assigneeId")
    if team_id is not None:
        if not await Team.exists(id=team_id).using_db(uow.conn):
            checks.add(ErrorCode.NOT_FOUND, "No such team.", "teamId")
        elif assignee_id is not None and not await TeamMembership.exists(team_id=team_id, employee_id=assignee_id).using_db(uow.conn):
            checks.add(ErrorCode.INVALID, "The assignee is not a member of this team.", "assigneeId")
    checks.raise_if_any()
    if assignee_id is not None and not uow.actor.policy.can_assign_task(assignee_id, team_id):
        raise user_error(
            ErrorCode.NOT_ALLOWED,
            "You may assign tasks to yourself, your reports, and members of teams you lead.",
            "input",
            "assigneeId",
        )


async def create_task(
    uow: UnitOfWork,
    *,
    title: str,
    description: str | None,
    assignee_id: int | None,
    team_id: int | None,
    priority: TaskPriority,
    due_date: date | None,
) -> Task:
    checks = Checks()
    title = checks.text(title, "title", max_length=200, required=True) or ""
    description = checks.text(description, "description", max_length=10_000) or ""
    checks.not_in_past(due_date, today(), "dueDate")
    checks.raise_if_any()
    actor = uow.actor
    if assignee_id is None:
        if actor.employee_id is None:
            raise user_error(ErrorCode.REQUIRED, "A service token must name the assignee.", "input", "assigneeId")
        assignee_id = actor.employee_id
    await _check_assignment(uow, checks, assignee_id, team_id)
    creator_id = actor.employee_id or assignee_id
    task = await Task.create(
        title=title,
        description=description,
        assignee_id=assignee_id,
        creator_id=creator_id,
        team_id=team_id,
        priority=priority,
        due_date=due_date,
        using_db=uow.conn,
    )
    await uow.record("task.created", "Task", task.id, {"assigneeId": assignee_id, "teamId": team_id})
    return task


async def set_task_status(
    uow: UnitOfWork, *, task_id: int | None, status: TaskStatus, expected_version: int | None
) -> Task:
    task = await _visible_task(uow, task_id)
    current = TaskStatus(task.status)
    if status == current:
        return task
    if status not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.name for s in TRANSITIONS[current]))
        raise user_error(
            ErrorCode.INVALID_TRANSITION,
            f"A {current.name} task can move to {allowed}, not {status.name}.",
            "input",
            "status",
        )
    completed_at = datetime.now(UTC) if status == TaskStatus.DONE else None
    await _save(uow, task, expected_version, status=status, completed_at=completed_at)
    await uow.record(
        "task.status_changed",
        "Task",
        task.id,
        {"from": current.value, "to": status.value, "assigneeId": task.assignee_id, "teamId": task.team_id},
        ["status", "completedAt"],
    )
    return task


async def _save(uow: UnitOfWork, task: Task, expected_version: int | None, **changes: object) -> None:
    """Write changes if the version still matches (optimistic concurrency); bump the version."""
    query = Task.filter(id=task.id)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    updated = await query.using_db(uow.conn).update(version=F("version") + 1, updated_at=datetime.now(UTC), **changes)
    if not updated:
        raise user_error(
            ErrorCode.CONFLICT,
            f"The task changed since version {expected_version}; read it again and retry.",
            "input",
            "expectedVersion",
        )
    await task.refresh_from_db(using_db=uow.conn)
