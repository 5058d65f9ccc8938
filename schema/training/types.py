"""Training types: courses, sessions (with live seat counts) and enrollments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from auth.scopes import Scope
from ids import to_global_id
from models import training as m
from resolvers.core.listing import child_listing
from resolvers.employees import reads as employee_reads
from resolvers.training import prerequisites as prerequisite_reads
from resolvers.training import reads as r
from resolvers.training.compliance import Compliance
from resolvers.training.enrollment import is_open_for_enrollment
from schema.core.enums import EnrollmentStatus, TrainingSessionStatus
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import read_scope, scoped
from schema.core.relay import Connection, Node, child_connection, presents, required, to_connection
from schema.employees.types import Employee
from schema.training.filters import (
    EnrollmentFilter,
    TrainingSessionFilter,
    TrainingSessionOrder,
    enrollment_filter_kwargs,
    session_filter_kwargs,
    session_sort,
)
from web.context import Info


@presents(m.TrainingCourse)
@read_scope(Scope.TRAINING_READ)
@strawberry.type(description="A course employees can take; it runs as scheduled sessions.")
class TrainingCourse(Node):
    pk: strawberry.Private[int]
    code: str = strawberry.field(description="Short unique code, such as SEC-101.")
    title: str = strawberry.field(description="Course title.")
    description: str = strawberry.field(description="What the course covers.")
    category: str = strawberry.field(description="Category, such as Security or Leadership.")
    duration_hours: float = strawberry.field(description="Length of one session in hours.")
    mandatory: bool = strawberry.field(description="Whether every employee must complete it.")
    skills: list[str] = strawberry.field(description="Skills the course teaches.")
    certification_valid_months: int | None = strawberry.field(
        description="How long a completion certifies, in months; null when it does not expire."
    )

    @classmethod
    def from_row(cls, row: m.TrainingCourse) -> TrainingCourse:
        return cls(
            id=strawberry.ID(to_global_id("TrainingCourse", row.id)),
            pk=row.id,
            code=row.code,
            title=row.title,
            description=row.description,
            category=row.category,
            duration_hours=float(row.duration_hours),
            mandatory=row.mandatory,
            skills=list(row.skills or []),
            certification_valid_months=row.certification_valid_months,
        )

    @strawberry.field(
        description="Courses to complete before enrolling in this one (`setCoursePrerequisites`), by title."
    )
    async def prerequisites(self) -> list[TrainingCourse]:
        return [TrainingCourse.from_row(row) for row in await prerequisite_reads.prerequisites_of(self.pk)]

    @strawberry.field(description="Sessions of this course.")
    async def sessions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[TrainingSessionFilter | None, FILTER_ARGUMENT] = None,
        order_by: Annotated[TrainingSessionOrder | None, ORDER_ARGUMENT] = None,
    ) -> Connection[TrainingSession]:
        spec = r.course_sessions(
            session_sort(order_by), page_args(first, after, last, before), session_filter_kwargs(filter)
        )
        listing = await child_listing(self.pk, spec, info.context.loaders)
        return to_connection(listing.page, TrainingSession.from_row, listing.count)


@presents(m.TrainingSession)
@read_scope(Scope.TRAINING_READ)
@strawberry.type(description="One scheduled run of a course, with a capacity and a waitlist.")
class TrainingSession(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[m.TrainingSession]
    starts_at: datetime = strawberry.field(description="Start time.")
    ends_at: datetime = strawberry.field(description="End time.")
    location: str = strawberry.field(description="Room, city or video link.")
    capacity: int = strawberry.field(description="How many seats the session has.")
    status: TrainingSessionStatus = strawberry.field(description="Where the session stands.")

    @classmethod
    def from_row(cls, row: m.TrainingSession) -> TrainingSession:
        return cls(
            id=strawberry.ID(to_global_id("TrainingSession", row.id)),
            pk=row.id,
            row=row,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            location=row.location,
            capacity=row.capacity,
            status=TrainingSessionStatus(row.status),
        )

    @strawberry.field(description="The course this session runs.")
    async def course(self, info: Info) -> TrainingCourse:
        return TrainingCourse.from_row(
            required(await r.course_by_id(info.context.loaders, self.row.course_id))
        )

    @strawberry.field(description="Who teaches the session, if assigned.")
    async def instructor(self, info: Info) -> Employee | None:
        if self.row.instructor_id is None:
            return None
        return Employee.from_row(
            required(await employee_reads.employee_by_id(info.context.loaders, self.row.instructor_id))
        )

    @strawberry.field(description="Seats held by enrolled employees.")
    async def seats_taken(self, info: Info) -> int:
        return await r.seats_taken_of(info.context.loaders, self.pk)

    @strawberry.field(description="Seats still free; enrolling when none are left puts you on the waitlist.")
    async def seats_left(self, info: Info) -> int:
        return max(0, self.capacity - await r.seats_taken_of(info.context.loaders, self.pk))

    @strawberry.field(description="How many employees wait for a seat.")
    async def waitlist_count(self, info: Info) -> int:
        return await r.waitlisted_of(info.context.loaders, self.pk)

    @strawberry.field(
        description="Whether you may enroll yourself now: the session is open (scheduled, not started) "
        "and you are an employee. False for service tokens."
    )
    async def viewer_can_enroll(self, info: Info) -> bool:
        policy = await info.context.policy()
        viewer = policy.viewer_id
        return viewer is not None and policy.can_enroll(viewer) and is_open_for_enrollment(self.row)

    @scoped("Enrollments in this session that you can see, in order of enrollment.", Scope.TRAINING_READ)
    async def enrollments(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[EnrollmentFilter | None, FILTER_ARGUMENT] = None,
    ) -> Connection[Enrollment]:
        args = page_args(first, after, last, before)
        spec = r.child_enrollments("session_id", args, enrollment_filter_kwargs(filter))
        return await child_connection(self.pk, spec, info.context.loaders)


@presents(m.Enrollment)
@read_scope(Scope.TRAINING_READ)
@strawberry.type(
    description="An employee's place in a training session: a seat, a waitlist spot, or an outcome."
)
class Enrollment(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[m.Enrollment]
    status: EnrollmentStatus = strawberry.field(description="Where the enrollment stands.")
    enrolled_at: datetime = strawberry.field(description="When the employee enrolled; orders the waitlist.")
    completed_at: datetime | None = strawberry.field(description="When the training was completed.")
    score: int | None = strawberry.field(description="Score recorded by the instructor or HR (0-100).")
    feedback_rating: int | None = strawberry.field(description="The employee's rating of the session (1-5).")
    feedback_comment: str | None = strawberry.field(description="The employee's comment on the session.")
    certificate_expires_at: datetime | None = strawberry.field(
        description="When the certificate from this completion expires; null if it does not."
    )

    @classmethod
    def from_row(cls, row: m.Enrollment) -> Enrollment:
        return cls(
            id=strawberry.ID(to_global_id("Enrollment", row.id)),
            pk=row.id,
            row=row,
            status=EnrollmentStatus(row.status),
            enrolled_at=row.enrolled_at,
            completed_at=row.completed_at,
            score=row.score,
            feedback_rating=row.feedback_rating,
            feedback_comment=row.feedback_comment,
            certificate_expires_at=row.certificate_expires_at,
        )

    @strawberry.field(description="The session.")
    async def session(self, info: Info) -> TrainingSession:
        return TrainingSession.from_row(
            required(await r.session_by_id(info.context.loaders, self.row.session_id))
        )

    @strawberry.field(description="The enrolled employee.")
    async def employee(self, info: Info) -> Employee | None:
        return Employee.from_row(
            required(await employee_reads.employee_by_id(info.context.loaders, self.row.employee_id))
        )

    @strawberry.field(
        description="Whether you may cancel this enrollment: it is ENROLLED or WAITLISTED and it is "
        "yours or a report's (HR and service tokens: any)."
    )
    async def viewer_can_cancel(self, info: Info) -> bool:
        active = self.row.status in (m.EnrollmentStatus.ENROLLED, m.EnrollmentStatus.WAITLISTED)
        return active and (await info.context.policy()).can_cancel_enrollment(self.row)


@presents(Compliance)
@read_scope(Scope.TRAINING_READ)
@strawberry.type(description="Where an employee stands with mandatory training and expiring certificates.")
class TrainingCompliance:
    data: strawberry.Private[Compliance]

    @classmethod
    def from_row(cls, data: Compliance) -> TrainingCompliance:
        return cls(data=data)

    @strawberry.field(description="True when no mandatory course is missing.")
    def compliant(self) -> bool:
        return self.data.compliant

    @strawberry.field(description="The window, in days, for `expiringCertificates`.")
    def within_days(self) -> int:
        return self.data.within_days

    @strawberry.field(
        description="Mandatory courses without a completion whose certificate is still valid, by title."
    )
    def missing_courses(self) -> list[TrainingCourse]:
        return [TrainingCourse.from_row(c) for c in self.data.missing_courses]

    @strawberry.field(
        description="Completions whose certificate (the latest of its course) expires within the window, "
        "soonest first."
    )
    def expiring_certificates(self) -> list[Enrollment]:
        return [Enrollment.from_row(e) for e in self.data.expiring]
