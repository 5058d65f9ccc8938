"""Any object by its global ID: the `node` and `nodes` root fields, with the same scope as its lists.

Here only the type name -> GraphQL type mapping and the read-scope check; which rows exist and
which the viewer may see is resolvers/core/nodes.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from auth.policy import Policy
from auth.scopes import Scope
from ids import from_global_id
from resolvers.core.nodes import NODE_MODELS, load_node
from resolvers.core.problems import BadInput, Forbidden, Unauthenticated
from schema.core.permissions import read_scope_of
from schema.core.relay import Node
from schema.employees.types import Employee
from schema.feedback.types import FeedbackRequest, Kudos
from schema.mentorships.types import Mentorship, MentorshipCheckIn
from schema.schedules.types import TimeOffRequest
from schema.tasks.types import Task
from schema.teams.types import Team
from schema.training.types import Enrollment, TrainingCourse, TrainingSession
from schema.webhooks.types import Webhook, WebhookDelivery
from web.context import Context, Info

MAX_NODES = 100

# A visibility rule as the live presenters call it (schema/live/presenters.py), with a context.
ContextVisible = Callable[[Context, Policy, Any], Awaitable[bool]]

if TYPE_CHECKING:
    from tortoise.models import Model


@dataclass(frozen=True)
class NodeKind:
    name: str
    type: Any

    @property
    def model(self) -> type[Model]:
        return NODE_MODELS[self.name].model

    @property
    def visible(self) -> ContextVisible | None:
        """The rule that hides some rows (resolvers/core/nodes.py), called with a context."""
        rule = NODE_MODELS[self.name].visible
        if rule is None:
            return None

        async def check(ctx: Context, policy: Policy, row: Any) -> bool:
            return await rule(ctx.loaders, policy, row)

        return check

    @property
    def convert(self) -> Callable[[Any], Any]:
        return self.type.from_row  # type: ignore[no-any-return]

    @property
    def scope(self) -> Scope:
        """The read scope the type declares: the same one every field reaching it requires."""
        scope = read_scope_of(self.type)
        assert scope is not None, f"{self.type.__name__} declares no read scope"
        return scope


NODE_KINDS: dict[str, NodeKind] = {
    kind.name: kind
    for kind in (
        NodeKind("Employee", Employee),
        NodeKind("Team", Team),
        NodeKind("Task", Task),
        NodeKind("Mentorship", Mentorship),
        NodeKind("MentorshipCheckIn", MentorshipCheckIn),
        NodeKind("TrainingCourse", TrainingCourse),
        NodeKind("TrainingSession", TrainingSession),
        NodeKind("Enrollment", Enrollment),
        NodeKind("Webhook", Webhook),
        NodeKind("WebhookDelivery", WebhookDelivery),
        NodeKind("Kudos", Kudos),
        NodeKind("FeedbackRequest", FeedbackRequest),
        NodeKind("TimeOffRequest", TimeOffRequest),
    )
}
assert NODE_KINDS.keys() == NODE_MODELS.keys(), "every node type needs its model and the other way"


async def resolve_node(context: Context, global_id: str) -> Any:
    """The object, or None when it does not exist or the principal may not see it."""
    type_name, pk = from_global_id(global_id, expected=tuple(NODE_KINDS))
    kind = NODE_KINDS[type_name]
    principal = context.principal
    if principal is not None and not principal.has_scope(kind.scope):
        raise Forbidden(
            f"Reading a {type_name} needs the `{kind.scope.value}` scope.", requiredScope=kind.scope.value
        )
    row = await load_node(context.loaders, context.policy, type_name, pk)
    return None if row is None else kind.convert(row)


def _require_principal(info: Info) -> None:
    if info.context.principal is None:
        raise Unauthenticated("Sign in: send an OAuth 2 bearer token in the Authorization header.")


@strawberry.field(
    description="Any object by its global ID; null if it does not exist or you may not see it. "
    "Needs the read scope of the object's type (`tasks:read` for a Task, ...)."
)
async def node(
    info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A global ID.")]
) -> Node | None:
    _require_principal(info)
    return await resolve_node(info.context, str(id))  # type: ignore[no-any-return]


@strawberry.field(
    description="Objects by their global IDs, in the same order; null where absent or hidden, "
    "and null with an error at its index where your token lacks the object's read scope."
)
async def nodes(
    info: Info,
    ids: Annotated[list[strawberry.ID], strawberry.argument(description=f"Up to {MAX_NODES} global IDs.")],
) -> list[Node | None] | None:
    _require_principal(info)
    if len(ids) > MAX_NODES:
        raise BadInput(f"At most {MAX_NODES} IDs can be fetched at once (got {len(ids)}).")
    # Each ID resolves on its own (and in one batch): one refused or malformed ID is an error at
    # its own index, null there, and the other objects are still returned. graphql-core awaits
    # each item of a list it is given, which the declared return type cannot say.
    return [resolve_node(info.context, str(i)) for i in ids]  # type: ignore[misc]
