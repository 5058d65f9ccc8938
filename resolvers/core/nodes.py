"""Reading any object by its type name and primary key, with the visibility rules of its lists.

`node(id:)` / `nodes(ids:)` (schema/core/nodes.py) and the live subscriptions read through here;
the GraphQL side only maps type names to types and checks the read scope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model

from auth.policy import Policy
from models import employees as em
from models import feedback as fbm
from models import mentorships as mm
from models import schedules as scm
from models import tasks as tkm
from models import teams as tm
from models import training as trm
from models import webhooks as whm
from resolvers.core.loaders import Loaders
from resolvers.feedback.reads import feedback_request_visible, kudos_visible

# Whether the policy lets the viewer see a row (loaders read the parents some rules need).
Visible = Callable[[Loaders, Policy, Any], Awaitable[bool]]


async def _task_visible(loaders: Loaders, policy: Policy, row: tkm.Task) -> bool:
    return policy.can_see_task(row)


async def _mentorship_visible(loaders: Loaders, policy: Policy, row: mm.Mentorship) -> bool:
    return policy.can_see_mentorship(row)


async def _check_in_visible(loaders: Loaders, policy: Policy, row: mm.MentorshipCheckIn) -> bool:
    return policy.can_see_mentorship(await loaders.by_id(mm.Mentorship).load(row.mentorship_id))


async def _enrollment_visible(loaders: Loaders, policy: Policy, row: trm.Enrollment) -> bool:
    if policy.can_see_enrollment(row):
        return True
    # An instructor sees the enrollments of their sessions.
    return policy.can_see_enrollment(row, await loaders.by_id(trm.TrainingSession).load(row.session_id))


async def _time_off_visible(loaders: Loaders, policy: Policy, row: scm.TimeOffRequest) -> bool:
    return policy.can_see_time_off(row)


async def _webhook_visible(loaders: Loaders, policy: Policy, row: whm.Webhook) -> bool:
    return policy.can_see_webhook(row)


async def _delivery_visible(loaders: Loaders, policy: Policy, row: whm.WebhookDelivery) -> bool:
    webhook = await loaders.by_id(whm.Webhook).load(row.webhook_id)
    return webhook is not None and await _webhook_visible(loaders, policy, webhook)


@dataclass(frozen=True)
class NodeModel:
    """The model behind a node type, and the rule that hides some of its rows (None: none hidden)."""

    model: type[Model]
    visible: Visible | None = None


# GraphQL type name -> its model; a directory type (employees, teams, courses, sessions) shows
# every row to whoever has its read scope.
NODE_MODELS: dict[str, NodeModel] = {
    "Employee": NodeModel(em.Employee),
    "Team": NodeModel(tm.Team),
    "Task": NodeModel(tkm.Task, _task_visible),
    "Mentorship": NodeModel(mm.Mentorship, _mentorship_visible),
    "MentorshipCheckIn": NodeModel(mm.MentorshipCheckIn, _check_in_visible),
    "TrainingCourse": NodeModel(trm.TrainingCourse),
    "TrainingSession": NodeModel(trm.TrainingSession),
    "Enrollment": NodeModel(trm.Enrollment, _enrollment_visible),
    "Webhook": NodeModel(whm.Webhook, _webhook_visible),
    "WebhookDelivery": NodeModel(whm.WebhookDelivery, _delivery_visible),
    "Kudos": NodeModel(fbm.Kudos, kudos_visible),
    "FeedbackRequest": NodeModel(fbm.FeedbackRequest, feedback_request_visible),
    "TimeOffRequest": NodeModel(scm.TimeOffRequest, _time_off_visible),
}


async def load_node(
    loaders: Loaders, policy: Callable[[], Awaitable[Policy]], type_name: str, pk: int
) -> Any:
    """The row, or None when it does not exist or the policy hides it (the policy is loaded only
    for a type whose rows it can hide)."""
    node = NODE_MODELS[type_name]
    row = await loaders.by_id(node.model).load(pk)
    if row is None:
        return None
    if node.visible is not None and not await node.visible(loaders, await policy(), row):
        return None
    return row
