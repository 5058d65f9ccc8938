"""The task root field: `tasks`, the ones you can see."""

from __future__ import annotations

from typing import Annotated

from auth.scopes import Scope
from resolvers.tasks import reads as r
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import scoped
from schema.core.relay import Connection, to_connection
from schema.tasks.filters import TaskFilter, TaskOrder, task_filter_kwargs, task_sort
from schema.tasks.types import Task
from web.context import Info


@scoped("Tasks you can see.", Scope.TASKS_READ)
async def tasks(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[TaskFilter | None, FILTER_ARGUMENT] = None,
    order_by: Annotated[TaskOrder | None, ORDER_ARGUMENT] = None,
) -> Connection[Task] | None:
    args = page_args(first, after, last, before)
    policy = await info.context.policy()
    listing = await r.task_listing(
        task_filter_kwargs(filter), policy, task_sort(order_by), args, info.context.loaders
    )
    return to_connection(listing.page, Task.from_row, listing.count)
