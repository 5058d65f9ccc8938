"""Live events over WebSocket (`graphql-transport-ws`) and Server-Sent Events (web/sse.py),
resumable with `after`: the fields of the root Subscription (schema/subscription.py merges them).

Each field follows the log (resolvers/live/stream.py) and, for every event, renews the context's
caches (a WebSocket's context lives as long as the connection), reads the subject as it is now and
lets it through only if the policy lets this subscriber read it.

What is the same for every subscriber is done once per event in the process: the subject rows are
read once and directory rows shared (resolvers/live/reads.py), and the policy comes from a cache
with one entry per principal, dropped when an event changes visibility (resolvers/live/stream.py).
So the statements per event follow the number of principals, not of subscriptions. And the
subscribers of one group (same field, document, variables and principal: schema/live/sharing.py)
share one presentation and one execution of their selection per live event.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Annotated, Any

import strawberry
from starlette.websockets import WebSocket
from strawberry.permission import BasePermission

from auth.scopes import Scope
from events.brokers import BrokerNotRunning, current_broker
from events.hub import EventContext, SubscriberTooSlow
from models.events import Event as EventRow
from resolvers.core.problems import BadInput, Problem, ProblemCode, Unauthenticated
from resolvers.live import rules as r
from resolvers.live.policies import policy_cache
from resolvers.live.stream import (
    ResumeTooOld,
    TokenGuard,
    TokenNoLongerValid,
    follow,
    parse_event_id,
)
from schema.core.paging import pk_of
from schema.core.permissions import scoped
from schema.live import presenters, sharing
from schema.live.types import Event, MentorshipEvent, TaskEvent, TrainingEvent
from web import ws_relay
from web.context import Context, Info

After = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Resume: first replay the events after this event `id` from the log, then go live."
    ),
]
Present = Callable[[Context, EventRow, EventContext], Awaitable[Any]]


class SignedInEmployee(BasePermission):
    message = "Sign in as an employee: `viewerEvents` needs a user token."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        principal = info.context.principal
        if principal is None or principal.employee_id is None:
            raise Unauthenticated(self.message)
        return True


async def _stream(
    info: Info, types: frozenset[str], wants: Any, after: Any, present: Present
) -> AsyncGenerator[Any, None]:
    ctx = info.context
    try:
        after_id = parse_event_id(after)
    except ValueError as exc:
        raise BadInput(str(exc), code="INVALID_ID") from None
    try:
        hub = current_broker().hub
    except BrokerNotRunning as exc:
        raise Problem(str(exc), code=ProblemCode.SERVICE_UNAVAILABLE) from None
    ctx.policy_source = policy_cache(hub).get
    group = sharing.group_key(info)
    woken = ws_relay.woken()  # run again after it was parked: it resumes from its position
    if woken is not None:
        after_id = woken.position
    guard = TokenGuard(ctx.principal)
    try:
        if woken is not None and woken.fate is not None:
            raise woken.fate  # ended while parked (revoked, expired, too slow): reported as here
        seat = ws_relay.seat_for(hub, group, ctx.request)
        async for row in follow(hub, types, wants, after=after_id, guard=guard, seat=seat):
            live = hub.context_for(row)

            async def make(row: EventRow = row, live: EventContext = live) -> Any:
                ctx.renew(presenters.sharing(live))
                await presenters.preload(ctx, live)
                return await present(ctx, row, live)

            if not hub.is_live(live):  # a replayed row: presented and executed alone
                item = await make()
                if item is not None:
                    yield item
                continue
            slot = live.group(group, sharing.GroupSlot)
            if slot.relay is None and seat is not None:
                slot.relay, slot.event_id = seat.relay, row.id
            item = await slot.present(ctx, make)
            if item is not None:
                yield sharing.SharedEvent(item, slot)
    except TokenNoLongerValid as exc:
        if not isinstance(ctx.request, WebSocket):  # an event stream (web/sse.py) ends with this error
            raise Unauthenticated(str(exc)) from None
        # Re-authentication is a new connection: graphql-ws clients retry after 4403 and call a
        # `connectionParams` function again, which can fetch a fresh token.
        await ctx.request.close(code=4403, reason=str(exc)[:120])
    except SubscriberTooSlow as exc:
        raise Problem(
            f"{exc} Resubscribe with `after` set to the last event id you received.",
            code=ProblemCode.SUBSCRIBER_TOO_SLOW,
        ) from None
    except ResumeTooOld as exc:
        raise Problem(str(exc), code=ProblemCode.RESUME_TOO_OLD) from None


# --- the root fields -----------------------------------------------------------------------
async def task_events(
    info: Info,
    team_id: Annotated[
        strawberry.ID | None, strawberry.argument(description="Only tasks of this team.")
    ] = None,
    assignee_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="Only tasks assigned to (or just taken from) this employee."),
    ] = None,
    after: After = None,
) -> AsyncGenerator[TaskEvent, None]:
    team_pk, assignee_pk = pk_of(team_id, "Team"), pk_of(assignee_id, "Employee")

    async def present(ctx: Context, row: EventRow, live: EventContext) -> Any:
        return await presenters.task_event(ctx, row, team_pk, assignee_pk)

    async for item in _stream(
        info,
        r.TASK_EVENT_TYPES,
        lambda e: r.task_may_match(e, team_pk, assignee_pk),
        after,
        present,
    ):
        yield item


async def viewer_events(info: Info, after: After = None) -> AsyncGenerator[Event, None]:
    principal = info.context.principal
    assert principal is not None and principal.employee_id is not None
    viewer_id = principal.employee_id
    types = r.viewer_event_types(principal.scopes)
    async for item in _stream(
        info,
        types,
        lambda e: r.viewer_may_match(e, viewer_id),
        after,
        presenters.viewer_event,
    ):
        yield item


async def training_session_events(
    info: Info,
    session_id: Annotated[strawberry.ID, strawberry.argument(description="The training session to follow.")],
    after: After = None,
) -> AsyncGenerator[TrainingEvent, None]:
    session_pk = pk_of(session_id, "TrainingSession")
    assert session_pk is not None

    async def present(ctx: Context, row: EventRow, live: EventContext) -> Any:
        return await presenters.session_event(ctx, row, session_pk)

    async for item in _stream(
        info,
        r.TRAINING_EVENT_TYPES,
        lambda e: r.training_may_match(e, session_pk),
        after,
        present,
    ):
        yield item


async def mentorship_events(info: Info, after: After = None) -> AsyncGenerator[MentorshipEvent, None]:
    async def present(ctx: Context, row: EventRow, live: EventContext) -> Any:
        return await presenters.mentorship_event(ctx, row)

    async for item in _stream(info, r.MENTORSHIP_EVENT_TYPES, lambda e: True, after, present):
        yield item


def _scoped(resolver: Any, description: str, scope: Scope) -> Any:
    return scoped(description, scope, resolver, on="subscription")


@strawberry.type
class LiveSubscriptions:
    task_events: AsyncGenerator[TaskEvent, None] = _scoped(
        task_events,
        "Tasks you can see being created, changed, moved and deleted; narrow by team or assignee.",
        Scope.TASKS_READ,
    )
    viewer_events: AsyncGenerator[Event, None] = strawberry.subscription(
        resolver=viewer_events,
        permission_classes=[SignedInEmployee],
        description=(
            "Everything that concerns you: tasks assigned to you or taken from you, mentorship requests "
            "to answer and answers to yours, your enrollments (waitlist promotions included), sessions "
            "you attend or teach being scheduled or cancelled, changes to your profile and teams, kudos "
            "you receive, feedback you are asked for and answers to your feedback requests. Each "
            "kind needs the scope that reads it (`tasks:read`, `mentorships:read`, `training:read`, "
            "`employees:read`, `feedback:read`).\n\nRequires a user token (not a service token)."
        ),
    )
    training_session_events: AsyncGenerator[TrainingEvent, None] = _scoped(
        training_session_events,
        "One training session as it changes: seats left, waitlist, cancellation.",
        Scope.TRAINING_READ,
    )
    mentorship_events: AsyncGenerator[MentorshipEvent, None] = _scoped(
        mentorship_events,
        "Mentorships you can see being requested, answered, ended and checked in.",
        Scope.MENTORSHIPS_READ,
    )


__all__ = ["LiveSubscriptions"]
