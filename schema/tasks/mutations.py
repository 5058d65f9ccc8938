"""Task mutations: inputs, payloads and their wiring to the task workflows."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from auth.scopes import Scope
from ids import to_global_id
from resolvers.core.validation import Checks
from resolvers.tasks import workflows as workflow
from schema.core.enums import TaskPriority, TaskStatus
from schema.core.inputs import decode_ids, expected_version_field, given
from schema.core.payloads import UserError, run_mutation
from schema.core.permissions import scoped
from schema.tasks.types import Task
from web.context import Info


@strawberry.input(description="A new task. Without `assigneeId` the task is yours.")
class CreateTaskInput:
    title: str = strawberry.field(description="What is to be done (1-200 characters).")
    description: str | None = strawberry.field(default=None, description="Details (up to 10,000 characters).")
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Who does it: you, your reports, or a member of a team you lead."
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="The team it belongs to, if any."
    )
    priority: TaskPriority = strawberry.field(default=TaskPriority.MEDIUM, description="How urgent it is.")
    due_date: date | None = strawberry.field(default=None, description="When it is due; not in the past.")


@strawberry.type(description="The result of `createTask`.")
class CreateTaskPayload:
    task: Task | None = strawberry.field(description="The new task; null when there are errors.")
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="Move a task to another status.")
class SetTaskStatusInput:
    id: strawberry.ID = strawberry.field(description="The task.")
    status: TaskStatus = strawberry.field(description="The new status.")
    expected_version: int | None = expected_version_field()


@strawberry.type(description="The result of `setTaskStatus`.")
class SetTaskStatusPayload:
    task: Task | None = strawberry.field(description="The task as it is now; null when there are errors.")
    errors: list[UserError] = strawberry.field(description="Why the change was refused; empty on success.")


async def create_task(
    info: Info, input: Annotated[CreateTaskInput, strawberry.argument(description="The task to create.")]
) -> CreateTaskPayload:
    checks = Checks()
    assignee_id = checks.global_id(input.assignee_id, "Employee", "assigneeId")
    team_id = checks.global_id(input.team_id, "Team", "teamId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.create_task(
            uow,
            title=input.title,
            description=input.description,
            assignee_id=assignee_id,
            team_id=team_id,
            priority=input.priority,
            due_date=input.due_date,
        ),
        lambda row, errors: CreateTaskPayload(task=Task.from_row(row) if row else None, errors=errors),
    )


async def set_task_status(
    info: Info,
    input: Annotated[SetTaskStatusInput, strawberry.argument(description="The task and its new status.")],
) -> SetTaskStatusPayload:
    checks = Checks()
    task_id = checks.global_id(input.id, "Task", "id")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.set_task_status(
            uow,
            task_id=task_id,
            status=input.status,
            expected_version=input.expected_version,
        ),
        lambda row, errors: SetTaskStatusPayload(task=Task.from_row(row) if row else None, errors=errors),
    )


@strawberry.input(
    description="Change a task; only the fields you give change (null clears `dueDate` and `teamId`)."
)
class UpdateTaskInput:
    id: strawberry.ID = strawberry.field(description="The task.")
    title: str | None = strawberry.field(
        default=strawberry.UNSET, description="What is to be done (1-200 characters)."
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="Details (up to 10,000 characters)."
    )
    priority: TaskPriority | None = strawberry.field(
        default=strawberry.UNSET, description="How urgent it is."
    )
    due_date: date | None = strawberry.field(
        default=strawberry.UNSET, description="When it is due; a new due date may not lie in the past."
    )
    assignee_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Reassign: to yourself, your reports, or a member of a team you lead.",
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Move to another team."
    )
    expected_version: int | None = expected_version_field()


@strawberry.type(description="The result of `updateTask`.")
class UpdateTaskPayload:
    task: Task | None = strawberry.field(description="The task as it is now; null when there are errors.")
    errors: list[UserError] = strawberry.field(description="Why the change was refused; empty on success.")


@strawberry.input(description="The task to delete.")
class DeleteTaskInput:
    id: strawberry.ID = strawberry.field(description="The task.")


@strawberry.type(description="The result of `deleteTask`.")
class DeleteTaskPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The ID the task had; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the deletion was refused; empty on success.")


async def update_task(
    info: Info,
    input: Annotated[UpdateTaskInput, strawberry.argument(description="The task and what changes.")],
) -> UpdateTaskPayload:
    checks = Checks()
    task_id = checks.global_id(input.id, "Task", "id")
    changes = given(input, "title", "description", "priority", "due_date", "assignee_id", "team_id")
    decode_ids(checks, changes, {"assignee_id": "Employee", "team_id": "Team"})
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.update_task(
            uow, task_id=task_id, expected_version=input.expected_version, changes=changes
        ),
        lambda row, errors: UpdateTaskPayload(task=Task.from_row(row) if row else None, errors=errors),
    )


async def delete_task(
    info: Info, input: Annotated[DeleteTaskInput, strawberry.argument(description="The task to delete.")]
) -> DeleteTaskPayload:
    checks = Checks()
    task_id = checks.global_id(input.id, "Task", "id")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.delete_task(uow, task_id=task_id),
        lambda pk, errors: DeleteTaskPayload(
            deleted_id=strawberry.ID(to_global_id("Task", pk)) if pk else None, errors=errors
        ),
    )


@strawberry.type
class TaskMutations:
    create_task: CreateTaskPayload = scoped(
        "Create a task for yourself, a report, or a member of a team you lead.",
        Scope.TASKS_WRITE,
        create_task,
        on="mutation",
    )
    set_task_status: SetTaskStatusPayload = scoped(
        "Move a task through its workflow: TODO → IN_PROGRESS → BLOCKED/DONE/CANCELLED; "
        "DONE may be reopened, CANCELLED only back to TODO.",
        Scope.TASKS_WRITE,
        set_task_status,
        on="mutation",
    )
    update_task: UpdateTaskPayload = scoped(
        "Change a task's title, description, priority, due date, assignee or team. Reassigning follows "
        "the rules of `createTask`.",
        Scope.TASKS_WRITE,
        update_task,
        on="mutation",
    )
    delete_task: DeleteTaskPayload = scoped(
        "Delete a task: its creator, the managers above its assignee, its team's leads and HR may.",
        Scope.TASKS_WRITE,
        delete_task,
        on="mutation",
    )
