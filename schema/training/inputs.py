"""Inputs, enums and payloads of the training mutations (the mutations are in `training`)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from resolvers.training import workflows as workflow
from schema.core.payloads import UserError
from schema.training.types import Enrollment, TrainingCourse, TrainingSession


@strawberry.enum(description="What happened to an enrolled employee at a session.")
class TrainingOutcome(Enum):
    COMPLETED = strawberry.enum_value(
        "completed", description="Attended and passed: sets completedAt and the certificate's expiry."
    )
    NO_SHOW = strawberry.enum_value("no_show", description="Held a seat but did not attend.")


_COURSE_FIELDS = {
    "code": "Short unique code, such as SEC-101 (letters, digits and single - _ or .; stored upper case).",
    "title": "Course title (1-200 characters).",
    "description": "What the course covers (up to 10,000 characters).",
    "category": "Category, such as Security or Leadership (up to 80 characters).",
    "duration_hours": "Length of one session in hours (more than 0, at most 1000).",
    "mandatory": "Whether every employee must complete it (it then shows in training compliance).",
    "skills": "Skills the course teaches (up to 30).",
    "certification_valid_months": "How long a completion certifies, in months (1-240); null: it does not expire.",
}


@strawberry.input(description="A new course in the training catalog.")
class CreateTrainingCourseInput:
    code: str = strawberry.field(description=_COURSE_FIELDS["code"])
    title: str = strawberry.field(description=_COURSE_FIELDS["title"])
    description: str | None = strawberry.field(default=None, description=_COURSE_FIELDS["description"])
    category: str | None = strawberry.field(default=None, description=_COURSE_FIELDS["category"])
    duration_hours: float | None = strawberry.field(
        default=None, description=_COURSE_FIELDS["duration_hours"]
    )
    mandatory: bool = strawberry.field(default=False, description=_COURSE_FIELDS["mandatory"])
    skills: list[str] | None = strawberry.field(default=None, description=_COURSE_FIELDS["skills"])
    certification_valid_months: int | None = strawberry.field(
        default=None, description=_COURSE_FIELDS["certification_valid_months"]
    )


@strawberry.input(description="Changes to a course; fields left out (or null) keep their value.")
class UpdateTrainingCourseInput:
    id: strawberry.ID = strawberry.field(description="The course.")
    code: str | None = strawberry.field(default=None, description=_COURSE_FIELDS["code"])
    title: str | None = strawberry.field(default=None, description=_COURSE_FIELDS["title"])
    description: str | None = strawberry.field(default=None, description=_COURSE_FIELDS["description"])
    category: str | None = strawberry.field(default=None, description=_COURSE_FIELDS["category"])
    duration_hours: float | None = strawberry.field(
        default=None, description=_COURSE_FIELDS["duration_hours"]
    )
    mandatory: bool | None = strawberry.field(default=None, description=_COURSE_FIELDS["mandatory"])
    skills: list[str] | None = strawberry.field(default=None, description=_COURSE_FIELDS["skills"])
    certification_valid_months: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="How long a completion certifies, in months (1-240); null clears it (certificates "
        "no longer expire), omitted keeps it.",
    )


@strawberry.input(description="Say which courses must be completed before enrolling in a course.")
class SetCoursePrerequisitesInput:
    course_id: strawberry.ID = strawberry.field(description="The course that requires the others.")
    prerequisite_ids: list[strawberry.ID] = strawberry.field(
        description="The courses to complete first (at most 10); they replace the current ones, and an "
        "empty list clears them. No cycles: a course cannot require itself, even through others."
    )


@strawberry.type(
    description="The result of `createTrainingCourse`, `updateTrainingCourse` and `setCoursePrerequisites`."
)
class TrainingCoursePayload:
    course: TrainingCourse | None = strawberry.field(
        description="The course as it is now; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="A new session of a course.")
class ScheduleTrainingSessionInput:
    course_id: strawberry.ID = strawberry.field(description="The course the session runs.")
    starts_at: datetime = strawberry.field(description="Start time; in the future. Without an offset: UTC.")
    ends_at: datetime = strawberry.field(description="End time; after the start.")
    capacity: int = strawberry.field(
        description=f"Seats (1-{workflow.MAX_CAPACITY}); more enrollers wait in line."
    )
    location: str | None = strawberry.field(default=None, description="Room, city or video link (up to 120).")
    instructor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Who teaches it; they may then cancel it and record its outcomes."
    )


@strawberry.input(description="Call a session off.")
class CancelTrainingSessionInput:
    id: strawberry.ID = strawberry.field(description="The SCHEDULED session.")
    reason: str | None = strawberry.field(
        default=None, description="Why, for the people affected (up to 500 characters)."
    )


@strawberry.type(description="The result of `scheduleTrainingSession` and `cancelTrainingSession`.")
class TrainingSessionPayload:
    session: TrainingSession | None = strawberry.field(
        description="The session as it is now; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="Take a seat in a session, or a place on its waitlist when it is full.")
class EnrollInTrainingSessionInput:
    session_id: strawberry.ID = strawberry.field(description="A SCHEDULED session that has not started.")
    employee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Who to enroll: you (the default) or, as their manager, a report."
    )


@strawberry.input(description="Give up a seat or a waitlist place.")
class CancelEnrollmentInput:
    enrollment_id: strawberry.ID = strawberry.field(description="An ENROLLED or WAITLISTED enrollment.")


@strawberry.input(description="Record how an enrolled employee did.")
class RecordTrainingOutcomeInput:
    enrollment_id: strawberry.ID = strawberry.field(description="An ENROLLED enrollment of your session.")
    outcome: TrainingOutcome = strawberry.field(description="COMPLETED or NO_SHOW.")
    score: int | None = strawberry.field(default=None, description="0-100, for a completion only.")


@strawberry.input(description="Rate a training you completed; once per enrollment.")
class SubmitTrainingFeedbackInput:
    enrollment_id: strawberry.ID = strawberry.field(description="Your COMPLETED enrollment.")
    rating: int = strawberry.field(description="1 (poor) to 5 (excellent).")
    comment: str | None = strawberry.field(
        default=None, description=f"What to keep or change (up to {workflow.MAX_COMMENT:,} characters)."
    )


@strawberry.type(description="The result of an enrollment mutation.")
class EnrollmentPayload:
    enrollment: Enrollment | None = strawberry.field(
        description="The enrollment as it is now; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")
