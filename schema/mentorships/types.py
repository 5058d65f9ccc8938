"""The Mentorship, MentorshipCheckIn and MentorSuggestion types; filters and orders are in filters.py."""

from __future__ import annotations

from datetime import datetime

import strawberry

from auth.scopes import Scope
from ids import to_global_id
from models import mentorships as m
from resolvers.core.listing import child_listing
from resolvers.employees import reads as employee_reads
from resolvers.mentorships import reads as r
from resolvers.mentorships.capacity import Load
from resolvers.mentorships.suggestions import Reason, ReasonKind, Suggestion
from schema.core.enums import MentorshipStatus, graphql_enum
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import read_scope
from schema.core.relay import Connection, Node, presents, required, to_connection
from schema.employees.types import Employee
from web.context import Info


@presents(m.MentorshipCheckIn)
@read_scope(Scope.MENTORSHIPS_READ)
@strawberry.type(description="A note that a mentor and mentee met, and what they discussed.")
class MentorshipCheckIn(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[m.MentorshipCheckIn]
    happened_at: datetime = strawberry.field(description="When the meeting took place.")
    notes: str = strawberry.field(description="What was discussed.")
    created_at: datetime = strawberry.field(description="When the check-in was logged.")

    @classmethod
    def from_row(cls, row: m.MentorshipCheckIn) -> MentorshipCheckIn:
        return cls(
            id=strawberry.ID(to_global_id("MentorshipCheckIn", row.id)),
            pk=row.id,
            row=row,
            happened_at=row.happened_at,
            notes=row.notes,
            created_at=row.created_at,
        )

    @strawberry.field(description="Who logged the check-in.")
    async def author(self, info: Info) -> Employee | None:
        return Employee.from_row(
            required(await employee_reads.employee_by_id(info.context.loaders, self.row.author_id))
        )

    @strawberry.field(description="The mentorship this check-in belongs to.")
    async def mentorship(self, info: Info) -> Mentorship:
        row = await r.mentorship_by_id(info.context.loaders, self.row.mentorship_id)
        return Mentorship.from_row(required(row))


@presents(m.Mentorship)
@read_scope(Scope.MENTORSHIPS_READ)
@strawberry.type(description="A mentor helping a mentee grow, from request to completion.")
class Mentorship(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[m.Mentorship]
    status: MentorshipStatus = strawberry.field(description="Where the mentorship stands.")
    goals: str = strawberry.field(description="What the mentee wants to achieve.")
    focus_skills: list[str] = strawberry.field(description="Skills to work on.")
    started_at: datetime | None = strawberry.field(description="When the mentor accepted.")
    ended_at: datetime | None = strawberry.field(description="When it was declined, completed or cancelled.")
    created_at: datetime = strawberry.field(description="When it was requested.")
    end_reason: str | None = strawberry.field(
        description="Why it ended, as written by whoever ended it (`endMentorship`); null if none given."
    )
    mentor_rating: int | None = strawberry.field(
        description="The mentor's rating of the mentorship once it ended (1-5); null until they rate it."
    )
    mentee_rating: int | None = strawberry.field(
        description="The mentee's rating of the mentorship once it ended (1-5); null until they rate it."
    )

    @classmethod
    def from_row(cls, row: m.Mentorship) -> Mentorship:
        return cls(
            id=strawberry.ID(to_global_id("Mentorship", row.id)),
            pk=row.id,
            row=row,
            status=MentorshipStatus(row.status),
            goals=row.goals,
            focus_skills=list(row.focus_skills or []),
            started_at=row.started_at,
            ended_at=row.ended_at,
            created_at=row.created_at,
            end_reason=row.end_reason,
            mentor_rating=row.mentor_rating,
            mentee_rating=row.mentee_rating,
        )

    @strawberry.field(description="The mentor.")
    async def mentor(self, info: Info) -> Employee | None:
        return Employee.from_row(
            required(await employee_reads.employee_by_id(info.context.loaders, self.row.mentor_id))
        )

    @strawberry.field(description="The mentee.")
    async def mentee(self, info: Info) -> Employee | None:
        return Employee.from_row(
            required(await employee_reads.employee_by_id(info.context.loaders, self.row.mentee_id))
        )

    @strawberry.field(description="Check-ins logged for this mentorship, latest first.")
    async def check_ins(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[MentorshipCheckIn]:
        listing = await child_listing(
            self.pk, r.check_ins(page_args(first, after, last, before)), info.context.loaders
        )
        return to_connection(listing.page, MentorshipCheckIn.from_row, listing.count)

    @strawberry.field(
        description="Whether you may accept or decline this request (the mentor, while proposed)."
    )
    async def viewer_can_respond(self, info: Info) -> bool:
        return (await info.context.policy()).can_respond_to_mentorship(self.row)

    @strawberry.field(
        description="Whether you may end this mentorship (mentor or mentee, while active) or withdraw "
        "your request (the mentee, while proposed)."
    )
    async def viewer_can_end(self, info: Info) -> bool:
        return (await info.context.policy()).can_end_mentorship(self.row)

    @strawberry.field(description="Whether you may log a check-in (mentor or mentee, while active).")
    async def viewer_can_log_check_in(self, info: Info) -> bool:
        return (await info.context.policy()).can_log_mentorship_check_in(self.row)

    @strawberry.field(
        description="Whether you may rate this mentorship now (mentor or mentee, once each, after it "
        "ran and ended): `rateMentorship`."
    )
    async def viewer_can_rate(self, info: Info) -> bool:
        return (await info.context.policy()).can_rate_mentorship(self.row)


graphql_enum(
    ReasonKind,
    name="MentorSuggestionReasonKind",
    description="One part of a mentor suggestion's score.",
    values={
        ReasonKind.SHARED_SKILLS: "Asked-for skills the mentor lists: 10 points each.",
        ReasonKind.ORG_DISTANCE: "Manager links between you through your nearest common manager: "
        "6 points minus the steps (none when unrelated).",
        ReasonKind.TIME_ZONE_OVERLAP: "Hours your 09:00-17:00 working days share: a point each.",
        ReasonKind.LOAD: "Free mentoring places: a point each, up to 3.",
    },
)


@strawberry.type(description="One part of a mentor suggestion's score, and the measure behind it.")
class MentorSuggestionReason:
    reason: strawberry.Private[Reason]

    @strawberry.field(description="Which part of the score this is.")
    def kind(self) -> ReasonKind:
        return self.reason.kind

    @strawberry.field(description="The points this part adds to `totalScore`.")
    def points(self) -> int:
        return self.reason.points

    @strawberry.field(
        description="The measure: skills shared, steps in the org chart (null when unrelated), "
        "working hours in common (null when a time zone is unknown), or open mentorships."
    )
    def value(self) -> int | None:
        return self.reason.value

    @strawberry.field(description="The reason in words, for showing to the user.")
    def detail(self) -> str:
        return self.reason.detail


@read_scope(Scope.EMPLOYEES_READ)
@strawberry.type(
    description="A mentor's capacity: how many open (proposed or active) mentorships they take on."
)
class MentorCapacity:
    load: strawberry.Private[Load]

    @strawberry.field(
        description="How many open mentorships the mentor takes on (set with `setMentorCapacity`; "
        "3 until they set it; 0: not mentoring for now)."
    )
    def capacity(self) -> int:
        return self.load.capacity

    @strawberry.field(
        description="Their open mentorships as mentor: requests waiting for an answer and active ones."
    )
    def open_mentorships(self) -> int:
        return self.load.open_mentorships

    @strawberry.field(description="Whether they can take another request now.")
    def has_room(self) -> bool:
        return self.load.room > 0


@read_scope(Scope.EMPLOYEES_READ)
@strawberry.type(
    description="A colleague with room who could mentor you, the skills you asked for that they have, "
    "and why they rank where they do."
)
class MentorSuggestion:
    suggestion: strawberry.Private[Suggestion]

    @strawberry.field(description="The suggested mentor.")
    def employee(self) -> Employee:
        return Employee.from_row(self.suggestion.employee)

    @strawberry.field(description="The asked-for skills the employee lists, as they wrote them.")
    def matching_skills(self) -> list[str]:
        return self.suggestion.matching_skills

    @strawberry.field(
        description="How many of the asked-for skills match (the SHARED_SKILLS reason's value). "
        "Suggestions are ranked by `totalScore`."
    )
    def score(self) -> int:
        return self.suggestion.score

    @strawberry.field(description="The ranking score: the sum of the `reasons`' points.")
    def total_score(self) -> int:
        return self.suggestion.total_score

    @strawberry.field(
        description="The parts of `totalScore`: shared skills, distance in the org chart, time zone "
        "overlap and load, in that order."
    )
    def reasons(self) -> list[MentorSuggestionReason]:
        return [MentorSuggestionReason(reason=r) for r in self.suggestion.reasons]

    @strawberry.field(description="The mentor's capacity and how much of it is taken.")
    def mentor_capacity(self) -> MentorCapacity:
        return MentorCapacity(load=self.suggestion.load)
