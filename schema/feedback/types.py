"""The Kudos, FeedbackRequest and RecognizedSkill types; enums and filters are in filters.py."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from auth.scopes import Scope
from ids import to_global_id
from models import feedback as m
from models.feedback import FeedbackVisibility
from resolvers.employees import reads as employee_reads
from resolvers.feedback.reads import RecognizedSkill as RecognizedSkillRow
from schema.core.permissions import read_scope
from schema.core.relay import Node, presents, required
from schema.employees.types import Employee
from schema.feedback.filters import FeedbackRequestStatus
from web.context import Info


async def _person(info: Info, pk: int) -> Employee:
    """An employee the row points to (always there: employees are never deleted)."""
    return Employee.from_row(required(await employee_reads.employee_by_id(info.context.loaders, pk)))


@presents(m.Kudos)
@read_scope(Scope.FEEDBACK_READ)
@strawberry.type(
    description="A public thank-you to a colleague, seen by the receiver, the giver, the receiver's "
    "teammates and managers, and HR."
)
class Kudos(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[m.Kudos]
    message: str = strawberry.field(description="What the giver wrote.")
    skills: list[str] = strawberry.field(
        description="The skills recognized; they count toward the receiver's `recognizedSkills`."
    )
    created_at: datetime = strawberry.field(description="When the kudos was given.")

    @classmethod
    def from_row(cls, row: m.Kudos) -> Kudos:
        return cls(
            id=strawberry.ID(to_global_id("Kudos", row.id)),
            pk=row.id,
            row=row,
            message=row.message,
            skills=list(row.skills or []),
            created_at=row.created_at,
        )

    @strawberry.field(description="Who gave the kudos.")
    async def giver(self, info: Info) -> Employee | None:
        return await _person(info, self.row.giver_id)

    @strawberry.field(description="Who received the kudos.")
    async def receiver(self, info: Info) -> Employee | None:
        return await _person(info, self.row.receiver_id)


@presents(m.FeedbackRequest)
@read_scope(Scope.FEEDBACK_READ)
@strawberry.type(
    description="A request for private feedback to one colleague, and their answer. Seen only by the "
    "requester, the colleague asked and, once submitted `SHARED_WITH_MANAGER`, the requester's "
    "direct manager: never by HR or a service token."
)
class FeedbackRequest(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[m.FeedbackRequest]
    about: str = strawberry.field(description="What the requester wants feedback on.")
    due_on: date | None = strawberry.field(description="When the requester would like an answer by.")
    status: FeedbackRequestStatus = strawberry.field(description="Whether the colleague has answered.")
    body: str | None = strawberry.field(description="The feedback; null until it is submitted.")
    visibility: FeedbackVisibility | None = strawberry.field(
        description="Who reads the feedback besides its author; null until it is submitted."
    )
    submitted_at: datetime | None = strawberry.field(description="When the feedback was submitted.")
    created_at: datetime = strawberry.field(description="When the feedback was asked for.")

    @classmethod
    def from_row(cls, row: m.FeedbackRequest) -> FeedbackRequest:
        return cls(
            id=strawberry.ID(to_global_id("FeedbackRequest", row.id)),
            pk=row.id,
            row=row,
            about=row.about,
            due_on=row.due_on,
            status=FeedbackRequestStatus(row.status),
            body=row.body,
            visibility=FeedbackVisibility(row.visibility) if row.visibility else None,
            submitted_at=row.submitted_at,
            created_at=row.created_at,
        )

    @strawberry.field(description="Who asked for feedback (on themselves).")
    async def requester(self, info: Info) -> Employee | None:
        return await _person(info, self.row.requester_id)

    @strawberry.field(description="The colleague asked to give the feedback.")
    async def respondent(self, info: Info) -> Employee | None:
        return await _person(info, self.row.respondent_id)

    @strawberry.field(
        description="Whether you may submit this feedback (the colleague asked, while pending)."
    )
    async def viewer_can_submit(self, info: Info) -> bool:
        return (await info.context.policy()).can_submit_feedback(self.row)


@presents(RecognizedSkillRow)
@strawberry.type(description="A skill colleagues recognized in their kudos, and how many kudos named it.")
class RecognizedSkill:
    skill: str = strawberry.field(
        description="The skill, spelled as the employee's profile spells it when it lists it."
    )
    count: int = strawberry.field(description="How many kudos the employee received naming it.")

    @classmethod
    def from_row(cls, row: RecognizedSkillRow) -> RecognizedSkill:
        return cls(skill=row.skill, count=row.count)
