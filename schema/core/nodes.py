"""Resolving any object by its global ID, with the same scope and visibility as its lists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from auth.policy import Policy
from auth.scopes import Scope
from ids import from_global_id
from models import employees as em
from models import mentorships as mm
from models import tasks as tkm
from models import teams as tm
from models import training as trm
from models import webhooks as whm
from resolvers.core.problems import Forbidden
from schema.core.permissions import read_scope_of
from schema.employees.types import Employee
from schema.mentorships.types import Mentorship, MentorshipCheckIn
from schema.tasks.types import Task
from schema.teams.types import Team
from schema.training.types import Enrollment, TrainingCourse, TrainingSession
from schema.webhooks.types import Webhook, WebhookDelivery
from web.context import Context

Visible = Callable[[Context, Policy, Any], Awaitable[bool]]


@dataclass(frozen=True)
class NodeKind:
    model: Any
    type: Any
    visible: Visible | None = None

    @property
    def convert(self) -> Callable[[Any], Any]:
        return self.type.from_row  # type: ignore[no-any-return]

    @property
    def scope(self) -> Scope:
        """The read scope the type declares: the same one every field reaching it requires."""
        scope = read_scope_of(self.type)
        assert scope is not None, f"{self.type.__name__} declares no read scope"
        return scope


async def _task_visible(ctx: Context, policy: Policy, row: tkm.Task) -> bool:
    return policy.can_see_task(row)


async def _mentorship_visible(ctx: Context, policy: Policy, row: mm.Mentorship) -> bool:
    return policy.can_see_mentorship(row)


async def _check_in_visible(ctx: Context, policy: Policy, row: mm.MentorshipCheckIn) -> bool:
    return policy.can_see_mentorship(await ctx.loaders.by_id(mm.Mentorship).load(row.mentorship_id))


async def _enrollment_visible(ctx: Context, policy: Policy, row: trm.Enrollment) -> bool:
    if policy.can_see_enrollment(row):
        return True
    # An instructor sees the enrollments of their sessions.
    return policy.can_see_enrollment(row, await ctx.loaders.by_id(trm.TrainingSession).load(row.session_id))


async def _webhook_visible(ctx: Context, policy: Policy, row: whm.Webhook) -> bool:
    return policy.can_see_webhook(row)


async def _delivery_visible(ctx: Context, policy: Policy, row: whm.WebhookDelivery) -> bool:
    webhook = await ctx.loaders.by_id(whm.Webhook).load(row.webhook_id)
    return webhook is not None and await _webhook_visible(ctx, policy, webhook)


NODE_KINDS: dict[str, NodeKind] = {
    "Employee": NodeKind(em.Employee, Employee),
    "Team": NodeKind(tm.Team, Team),
    "Task": NodeKind(tkm.Task, Task, _task_visible),
    "Mentorship": NodeKind(mm.Mentorship, Mentorship, _mentorship_visible),
    "MentorshipCheckIn": NodeKind(mm.MentorshipCheckIn, MentorshipCheckIn, _check_in_visible),
    "TrainingCourse": NodeKind(trm.TrainingCourse, TrainingCourse),
    "TrainingSession": NodeKind(trm.TrainingSession, TrainingSession),
    "Enrollment": NodeKind(trm.Enrollment, Enrollment, _enrollment_visible),
    "Webhook": NodeKind(whm.Webhook, Webhook, _webhook_visible),
    "WebhookDelivery": NodeKind(whm.WebhookDelivery, WebhookDelivery, _delivery_visible),
}


async def resolve_node(context: Context, global_id: str) -> Any:
    """The object, or None when it does not exist or the principal may not see it."""
    type_name, pk = from_global_id(global_id, expected=tuple(NODE_KINDS))
    kind = NODE_KINDS[type_name]
    principal = context.principal
    if principal is not None and not principal.has_scope(kind.scope):
        raise Forbidden(
            f"Reading a {type_name} needs the `{kind.scope.value}` scope.", requiredScope=kind.scope.value
        )
    row = await context.loaders.by_id(kind.model).load(pk)
    if row is None:
        return None
    if kind.visible is not None and not await kind.visible(context, await context.policy(), row):
        return None
    return kind.convert(row)
