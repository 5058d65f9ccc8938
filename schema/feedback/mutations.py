"""Feedback mutations: inputs, payloads and their wiring to the feedback workflows."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from auth.scopes import Scope
from models.feedback import FeedbackRequest as FeedbackRequestRow
from models.feedback import FeedbackVisibility
from resolvers.core.validation import Checks
from resolvers.feedback import workflows as workflow
from schema.core.payloads import UserError, run_mutation
from schema.core.permissions import scoped
from schema.feedback.types import FeedbackRequest, Kudos
from web.context import Info


@strawberry.input(description="Thank a colleague in public.")
class GiveKudosInput:
    to_id: strawberry.ID = strawberry.field(
        description="The colleague you thank; not you, still working here."
    )
    message: str = strawberry.field(
        description=f"What you thank them for ({workflow.MIN_MESSAGE}-{workflow.MAX_MESSAGE:,} characters)."
    )
    skills: list[str] | None = strawberry.field(
        default=None,
        description=f"Skills the kudos recognizes (up to {workflow.MAX_KUDOS_SKILLS}); they count toward "
        "the colleague's `recognizedSkills`.",
    )


@strawberry.input(description="Ask colleagues for private feedback on yourself.")
class RequestFeedbackInput:
    from_ids: list[strawberry.ID] = strawberry.field(
        description=f"The colleagues you ask (1-{workflow.MAX_ASKED}), each active and not you; each gets "
        "a request of their own."
    )
    about: str = strawberry.field(
        description=f"What you want feedback on (up to {workflow.MAX_ABOUT} characters)."
    )
    due_on: date | None = strawberry.field(
        default=None, description="When you would like answers by; today or later."
    )


@strawberry.input(description="Answer a feedback request addressed to you, once.")
class SubmitFeedbackInput:
    request_id: strawberry.ID = strawberry.field(description="The PENDING request you were asked.")
    body: str = strawberry.field(description=f"Your feedback (up to {workflow.MAX_BODY:,} characters).")
    visibility: FeedbackVisibility = strawberry.field(
        default=FeedbackVisibility.PRIVATE,
        description="PRIVATE (the requester only) or SHARED_WITH_MANAGER (also their direct manager).",
    )


@strawberry.type(description="The result of `giveKudos`.")
class GiveKudosPayload:
    kudos: Kudos | None = strawberry.field(description="The kudos given; null when there are errors.")
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="The result of `requestFeedback`.")
class RequestFeedbackPayload:
    feedback_requests: list[FeedbackRequest] | None = strawberry.field(
        description="One request per colleague asked, in the order asked; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="The result of `submitFeedback`.")
class SubmitFeedbackPayload:
    feedback_request: FeedbackRequest | None = strawberry.field(
        description="The answered request; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


async def give_kudos(
    info: Info, input: Annotated[GiveKudosInput, strawberry.argument(description="Whom you thank, and why.")]
) -> GiveKudosPayload:
    checks = Checks()
    to_id = checks.global_id(input.to_id, "Employee", "toId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.give_kudos(uow, to_id=to_id, message=input.message, skills=input.skills),
        lambda row, errors: GiveKudosPayload(kudos=Kudos.from_row(row) if row else None, errors=errors),
    )


def _requests(rows: list[FeedbackRequestRow] | None, errors: list[UserError]) -> RequestFeedbackPayload:
    found = [FeedbackRequest.from_row(r) for r in rows] if rows is not None else None
    return RequestFeedbackPayload(feedback_requests=found, errors=errors)


async def request_feedback(
    info: Info,
    input: Annotated[RequestFeedbackInput, strawberry.argument(description="Whom you ask, and about what.")],
) -> RequestFeedbackPayload:
    checks = Checks()
    from_ids = [checks.global_id(i, "Employee", "fromIds") for i in input.from_ids]
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.request_feedback(
            uow, from_ids=[i for i in from_ids if i is not None], about=input.about, due_on=input.due_on
        ),
        _requests,
    )


def _submitted(row: FeedbackRequestRow | None, errors: list[UserError]) -> SubmitFeedbackPayload:
    return SubmitFeedbackPayload(
        feedback_request=FeedbackRequest.from_row(row) if row else None, errors=errors
    )


async def submit_feedback(
    info: Info,
    input: Annotated[SubmitFeedbackInput, strawberry.argument(description="The request and your answer.")],
) -> SubmitFeedbackPayload:
    checks = Checks()
    request_id = checks.global_id(input.request_id, "FeedbackRequest", "requestId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.submit_feedback(
            uow, request_id=request_id, body=input.body, visibility=input.visibility
        ),
        _submitted,
    )


@strawberry.type
class FeedbackMutations:
    give_kudos: GiveKudosPayload = scoped(
        "Thank a colleague in public: the receiver, you, their teammates and managers and HR see it, "
        "and its skills count toward their `recognizedSkills`.",
        Scope.FEEDBACK_WRITE,
        give_kudos,
        on="mutation",
    )
    request_feedback: RequestFeedbackPayload = scoped(
        "Ask colleagues for private feedback on yourself: one PENDING request per colleague.",
        Scope.FEEDBACK_WRITE,
        request_feedback,
        on="mutation",
    )
    submit_feedback: SubmitFeedbackPayload = scoped(
        "Answer a feedback request addressed to you, once (before or after its due date). Only the "
        "requester reads it, and their direct manager if you share it.",
        Scope.FEEDBACK_WRITE,
        submit_feedback,
        on="mutation",
    )
