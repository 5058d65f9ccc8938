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
from resolvers.mentorships import capacity as mentor_capacity
from resolvers.mentorships import workflows as workflow
from schema.core.payloads import UserError, run_mutation
from schema.core.permissions import scoped
from schema.mentorships.types import MentorCapacity, Mentorship, MentorshipCheckIn
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
    reason: str | None = strawberry.field(
        default=None,
        description=f"Why it ends, shown to both (up to {workflow.MAX_END_REASON:,} characters).",
    )
    rating: int | None = strawberry.field(
        default=None,
        description="Your rating of the mentorship, 1-5 (only one that ran: not a withdrawn request). "
        "The other side rates with `rateMentorship`.",
    )


@strawberry.input(description="Rate a mentorship you took part in, after it ended.")
class RateMentorshipInput:
    id: strawberry.ID = strawberry.field(
        description="The COMPLETED or CANCELLED mentorship; it must have been ACTIVE."
    )
    rating: int = strawberry.field(description="Your rating, 1 (poor) to 5 (excellent); once per side.")


@strawberry.input(description="Say how many open mentorships you take on as a mentor.")
class SetMentorCapacityInput:
    capacity: int = strawberry.field(
        description=f"0 (not mentoring for now) to {mentor_capacity.MAX_MENTOR_CAPACITY}; requests "
        "beyond it are refused and you are left out of suggestions. Open ones are kept."
    )


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


@strawberry.type(description="The result of `setMentorCapacity`.")
class SetMentorCapacityPayload:
    mentor_capacity: MentorCapacity | None = strawberry.field(
        description="Your capacity as it is now; null when there are errors."
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
        lambda uow: workflow.end_mentorship(
            uow, mentorship_id=mentorship_id, outcome=status, reason=input.reason, rating=input.rating
        ),
        _mentorship,
    )


async def rate_mentorship(
    info: Info,
    input: Annotated[RateMentorshipInput, strawberry.argument(description="The mentorship and your rating.")],
) -> MentorshipPayload:
    checks = Checks()
    mentorship_id = checks.global_id(input.id, "Mentorship", "id")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.rate_mentorship(uow, mentorship_id=mentorship_id, rating=input.rating),
        _mentorship,
    )


async def set_mentor_capacity(
    info: Info,
    input: Annotated[SetMentorCapacityInput, strawberry.argument(description="Your new capacity.")],
) -> SetMentorCapacityPayload:
    return await run_mutation(
        info,
        Checks(),
        lambda uow: mentor_capacity.set_mentor_capacity(uow, capacity=input.capacity),
        lambda load, errors: SetMentorCapacityPayload(
            mentor_capacity=MentorCapacity(load=load) if load else None, errors=errors
        ),
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
        "Ask an active colleague to mentor you; the request stays PROPOSED until they answer "
        "(or it EXPIRES unanswered). A pair has at most one open (PROPOSED or ACTIVE) mentorship; "
        "a mentor without room (capacity) is refused with FULL.",
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
        "the mentee may also withdraw a PROPOSED request (→ CANCELLED). With an optional reason "
        "and, for one that ran, your rating (1-5).",
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
    rate_mentorship: MentorshipPayload = scoped(
        "Rate a mentorship that ran and ended, as its mentor or mentee, once each (1-5).",
        Scope.MENTORSHIPS_WRITE,
        rate_mentorship,
        on="mutation",
    )
    set_mentor_capacity: SetMentorCapacityPayload = scoped(
        "Say how many open mentorships you take on as a mentor; mentors without room are not "
        "suggested and refuse new requests.",
        Scope.MENTORSHIPS_WRITE,
        set_mentor_capacity,
        on="mutation",
    )
