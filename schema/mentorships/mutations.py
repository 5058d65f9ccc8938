"""Mentorship mutations: inputs, payloads and their wiring to the mentorship workflows."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from auth.scopes import Scope
from models.mentorships import Mentorship as MentorshipRow
from models.mentorships import MentorshipStatus as MentorshipStatusValue
from resolvers.core.validation import Checks
from resolvers.mentorships import workflows as workflow
from schema.core.payloads import UserError, run_mutation
from schema.core.permissions import scoped
from schema.mentorships.types import Mentorship, MentorshipCheckIn
from web.context import Info


@strawberry.enum(description="The mentor's answer to a mentorship request.")
class MentorshipDecision(Enum):
    ACCEPT = strawberry.enum_value("accept", description="Start mentoring: the mentorship becomes ACTIVE.")
    DECLINE = strawberry.enum_value("decline", description="Say no: the mentorship becomes DECLINED.")


@strawberry.enum(description="How a mentorship ends.")
class MentorshipOutcome(Enum):
    COMPLETED = strawberry.enum_value(
        "completed", description="The goals were met or the time is up (ACTIVE only)."
    )
    CANCELLED = strawberry.enum_value(
        "cancelled",
        description="Stop early (ACTIVE), or withdraw a request that is still PROPOSED (the mentee).",
    )


@strawberry.input(description="Ask someone to be your mentor. You are the mentee.")
class RequestMentorshipInput:
    mentor_id: strawberry.ID = strawberry.field(description="The employee you ask; active, and not you.")
    goals: str | None = strawberry.field(
        default=None, description=f"What you want to achieve (up to {workflow.MAX_GOALS:,} characters)."
    )
    focus_skills: list[str] | None = strawberry.field(
        default=None, description=f"Skills to work on (up to {workflow.MAX_FOCUS_SKILLS})."
    )


@strawberry.input(description="Accept or decline a mentorship request addressed to you.")
class RespondToMentorshipInput:
    id: strawberry.ID = strawberry.field(description="The PROPOSED mentorship.")
    decision: MentorshipDecision = strawberry.field(description="Accept or decline.")


@strawberry.input(description="End a mentorship you are part of, or withdraw your request.")
class EndMentorshipInput:
    id: strawberry.ID = strawberry.field(description="The mentorship.")
    outcome: MentorshipOutcome = strawberry.field(description="COMPLETED or CANCELLED.")


@strawberry.input(description="Note that you met within an active mentorship.")
class LogMentorshipCheckInInput:
    mentorship_id: strawberry.ID = strawberry.field(description="The ACTIVE mentorship you are part of.")
    happened_at: datetime | None = strawberry.field(
        default=None, description="When you met; not in the future. Defaults to now."
    )
    notes: str | None = strawberry.field(
        default=None, description=f"What you discussed (up to {workflow.MAX_NOTES:,} characters)."
    )


@strawberry.type(description="The result of a mentorship mutation.")
class MentorshipPayload:
    mentorship: Mentorship | None = strawberry.field(
        description="The mentorship as it is now; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="The result of `logMentorshipCheckIn`.")
class LogMentorshipCheckInPayload:
    check_in: MentorshipCheckIn | None = strawberry.field(
        description="The new check-in; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


def _mentorship(row: MentorshipRow | None, errors: list[UserError]) -> MentorshipPayload:
    return MentorshipPayload(mentorship=Mentorship.from_row(row) if row else None, errors=errors)


async def request_mentorship(
    info: Info,
    input: Annotated[RequestMentorshipInput, strawberry.argument(description="Whom you ask and why.")],
) -> MentorshipPayload:
    checks = Checks()
    mentor_id = checks.global_id(input.mentor_id, "Employee", "mentorId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.request_mentorship(
            uow, mentor_id=mentor_id, goals=input.goals, focus_skills=input.focus_skills
        ),
        _mentorship,
    )


async def respond_to_mentorship(
    info: Info,
    input: Annotated[
        RespondToMentorshipInput, strawberry.argument(description="The request and your answer.")
    ],
) -> MentorshipPayload:
    checks = Checks()
    mentorship_id = checks.global_id(input.id, "Mentorship", "id")
    accept = input.decision == MentorshipDecision.ACCEPT
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.respond_to_mentorship(uow, mentorship_id=mentorship_id, accept=accept),
        _mentorship,
    )


async def end_mentorship(
    info: Info,
    input: Annotated[EndMentorshipInput, strawberry.argument(description="The mentorship and how it ends.")],
) -> MentorshipPayload:
    checks = Checks()
    mentorship_id = checks.global_id(input.id, "Mentorship", "id")
    status = MentorshipStatusValue[input.outcome.name]
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.end_mentorship(uow, mentorship_id=mentorship_id, outcome=status),
        _mentorship,
    )


async def log_mentorship_check_in(
    info: Info,
    input: Annotated[LogMentorshipCheckInInput, strawberry.argument(description="The meeting to log.")],
) -> LogMentorshipCheckInPayload:
    checks = Checks()
    mentorship_id = checks.global_id(input.mentorship_id, "Mentorship", "mentorshipId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.log_check_in(
            uow, mentorship_id=mentorship_id, happened_at=input.happened_at, notes=input.notes
        ),
        lambda row, errors: LogMentorshipCheckInPayload(
            check_in=MentorshipCheckIn.from_row(row) if row else None, errors=errors
        ),
    )


@strawberry.type
class MentorshipMutations:
    request_mentorship: MentorshipPayload = scoped(
        "Ask an active colleague to mentor you; the request stays PROPOSED until they answer. "
        "A pair has at most one open (PROPOSED or ACTIVE) mentorship.",
        Scope.MENTORSHIPS_WRITE,
        request_mentorship,
        on="mutation",
    )
    respond_to_mentorship: MentorshipPayload = scoped(
        "Answer a request as its mentor: PROPOSED → ACTIVE (accept) or DECLINED (decline).",
        Scope.MENTORSHIPS_WRITE,
        respond_to_mentorship,
        on="mutation",
    )
    end_mentorship: MentorshipPayload = scoped(
        "End a mentorship as its mentor or mentee: ACTIVE → COMPLETED or CANCELLED; "
        "the mentee may also withdraw a PROPOSED request (→ CANCELLED).",
        Scope.MENTORSHIPS_WRITE,
        end_mentorship,
        on="mutation",
    )
    log_mentorship_check_in: LogMentorshipCheckInPayload = scoped(
        "Log a meeting of an ACTIVE mentorship, as its mentor or mentee.",
        Scope.MENTORSHIPS_WRITE,
        log_mentorship_check_in,
        on="mutation",
    )
