"""Task workflows: create, update, move through statuses, delete."""

from __future__ import annotations

from datetime import date

from events.log import EventType
from models.employees import Employee, EmployeeStatus
from models.tasks import Task, TaskPriority, TaskStatus
from models.teams import Team, TeamMembership
from resolvers.core.clock import now, today
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.core.validation import Checks
from resolvers.core.versioning import Changes, camel, check_version, diff, save_versioned

# Allowed moves. A finished task may be reopened; a cancelled one only back to the start.
TRANSITIONS: dict[TaskStatus, set[TaskStatus]] = {
    TaskStatus.TODO: {TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.TODO, TaskStatus.BLOCKED, TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.BLOCKED: {TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.DONE: {TaskStatus.TODO, TaskStatus.IN_PROGRESS},
    TaskStatus.CANCELLED: {TaskStatus.TODO},
}


async def _visible_task(
    uow: UnitOfWork, task_id: int | None, *, for_update: bool = True, deleting: bool = False
) -> Task:
    qs = Task.filter(id=task_id).using_db(uow.conn)
    task = await (qs.select_for_update() if for_update else qs).first()
    policy = uow.actor.policy
    if task is None or not policy.can_see_task(task):
        raise user_error(ErrorCode.NOT_FOUND, "No such task.", "input", "id")
    if not (policy.can_delete_task(task) if deleting else policy.can_update_task(task)):
        verb = "delete" if deleting else "change"
        raise user_error(ErrorCode.NOT_ALLOWED, f"You may not {verb} this task.", "input", "id")
    return task


async def _check_assignment(
    uow: UnitOfWork, checks: Checks, assignee_id: int | None, team_id: int | None
) -> None:
    """The assignee and team exist, the assignee belongs to the team, and the actor may assign."""
    if assignee_id is not None:
        assignee = await Employee.filter(id=assignee_id).using_db(uow.conn).first()
        if assignee is None:
            checks.add(ErrorCode.NOT_FOUND, "No such employee.", "assigneeId")
        elif assignee.status == EmployeeStatus.TERMINATED:
            checks.add(ErrorCode.INVALID, "Tasks cannot be assigned to someone who has left.", "assigneeId")
    if team_id is not None:
        membership = TeamMembership.filter(team_id=team_id, employee_id=assignee_id).using_db(uow.conn)
        if not await Team.filter(id=team_id).using_db(uow.conn).exists():
            checks.add(ErrorCode.NOT_FOUND, "No such team.", "teamId")
        elif assignee_id is not None and not await membership.exists():
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
            raise user_error(
                ErrorCode.REQUIRED, "A service token must name the assignee.", "input", "assigneeId"
            )
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
    await uow.record(EventType.TASK_CREATED, "Task", task.id, {"assigneeId": assignee_id, "teamId": team_id})
    return task


async def set_task_status(
    uow: UnitOfWork, *, task_id: int | None, status: TaskStatus, expected_version: int | None
) -> Task:
    task = await _visible_task(uow, task_id)
    check_version(task, expected_version)
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
    completed_at = now() if status == TaskStatus.DONE else None
    await save_versioned(uow, task, expected_version, {"status": status, "completed_at": completed_at})
    await uow.record(
        EventType.TASK_STATUS_CHANGED,
        "Task",
        task.id,
        {"from": current.value, "to": status.value, "assigneeId": task.assignee_id, "teamId": task.team_id},
        ["status", "completedAt"],
    )
    return task


async def update_task(
    uow: UnitOfWork, *, task_id: int | None, expected_version: int | None, changes: Changes
) -> Task:
    """Change any of title, description, priority, due date, assignee and team (only those given)."""
    checks = Checks()
    values: dict[str, object] = {}
    if "title" in changes:
        values["title"] = checks.text(changes["title"], "title", max_length=200, required=True)  # type: ignore[arg-type]
    if "description" in changes:
        values["description"] = checks.text(changes["description"], "description", max_length=10_000) or ""  # type: ignore[arg-type]
    if "priority" in changes:
        if changes["priority"] is None:
            checks.add(ErrorCode.REQUIRED, "priority must not be null.", "priority")
        values["priority"] = changes["priority"]
    for name in ("due_date", "assignee_id", "team_id"):
        if name in changes:
            values[name] = changes[name]
    if "assignee_id" in values and values["assignee_id"] is None:
        checks.add(ErrorCode.REQUIRED, "Every task has an assignee.", "assigneeId")
    checks.raise_if_any()
    task = await _visible_task(uow, task_id)
    check_version(task, expected_version)
    changed = diff(task, values)
    if "due_date" in changed:
        checks.not_in_past(changed["due_date"], today(), "dueDate")  # type: ignore[arg-type]
        checks.raise_if_any()
    if "assignee_id" in changed or "team_id" in changed:
        assignee_id = int(changed.get("assignee_id", task.assignee_id))  # type: ignore[call-overload]
        await _check_assignment(uow, checks, assignee_id, changed.get("team_id", task.team_id))  # type: ignore[arg-type]
    await save_versioned(uow, task, expected_version, changed)
    if changed:
        await uow.record(
            EventType.TASK_UPDATED,
            "Task",
            task.id,
            {"assigneeId": task.assignee_id, "teamId": task.team_id},
            [camel(name) for name in changed],
        )
    return task


async def delete_task(uow: UnitOfWork, *, task_id: int | None) -> int:
    """Delete a task; the event keeps what subscribers need to know what disappeared."""
    task = await _visible_task(uow, task_id, deleting=True)
    await Task.filter(id=task.id).using_db(uow.conn).delete()
    await uow.record(
        EventType.TASK_DELETED,
        "Task",
        task.id,
        {
            "title": task.title,
            "assigneeId": task.assignee_id,
            "creatorId": task.creator_id,
            "teamId": task.team_id,
        },
    )
    return task.id
