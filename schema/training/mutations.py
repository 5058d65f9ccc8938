"""Training mutations: the wiring of inputs to the training workflows.

Inputs and payloads are in `training_inputs`; the rules in `resolvers/training/`.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.scopes import Scope
from models import training as rows
from resolvers.core.validation import Checks
from resolvers.training import courses, prerequisites
from resolvers.training import enrollment as enrollment_workflow
from resolvers.training import workflows as workflow
from schema.core.payloads import UserError, run_mutation
from schema.core.permissions import scoped
from schema.training.inputs import (
    CancelEnrollmentInput,
    CancelTrainingSessionInput,
    CreateTrainingCourseInput,
    EnrollInTrainingSessionInput,
    EnrollmentPayload,
    RecordTrainingOutcomeInput,
    ScheduleTrainingSessionInput,
    SetCoursePrerequisitesInput,
    SubmitTrainingFeedbackInput,
    TrainingCoursePayload,
    TrainingSessionPayload,
    UpdateTrainingCourseInput,
)
from schema.training.types import Enrollment, TrainingCourse, TrainingSession
from web.context import Info


def _course(row: rows.TrainingCourse | None, errors: list[UserError]) -> TrainingCoursePayload:
    return TrainingCoursePayload(course=TrainingCourse.from_row(row) if row else None, errors=errors)


def _session(row: rows.TrainingSession | None, errors: list[UserError]) -> TrainingSessionPayload:
    return TrainingSessionPayload(session=TrainingSession.from_row(row) if row else None, errors=errors)


def _enrollment(row: rows.Enrollment | None, errors: list[UserError]) -> EnrollmentPayload:
    return EnrollmentPayload(enrollment=Enrollment.from_row(row) if row else None, errors=errors)


def _course_fields(input: CreateTrainingCourseInput | UpdateTrainingCourseInput) -> courses.CourseFields:
    months = input.certification_valid_months
    return courses.CourseFields(
        code=input.code,
        title=input.title,
        description=input.description,
        category=input.category,
        duration_hours=input.duration_hours,
        mandatory=input.mandatory,
        skills=input.skills,
        certification_valid_months=None if months is strawberry.UNSET else months,
        # On an update an omitted field is UNSET, so None is an explicit null: clear the column.
        cleared=frozenset({"certification_valid_months"} if months is None else ()),
    )


async def create_training_course(
    info: Info,
    input: Annotated[CreateTrainingCourseInput, strawberry.argument(description="The course to add.")],
) -> TrainingCoursePayload:
    fields = _course_fields(input)
    return await run_mutation(info, Checks(), lambda uow: courses.create_course(uow, fields), _course)


async def update_training_course(
    info: Info,
    input: Annotated[UpdateTrainingCourseInput, strawberry.argument(description="The course and changes.")],
) -> TrainingCoursePayload:
    checks = Checks()
    course_id = checks.global_id(input.id, "TrainingCourse", "id")
    fields = _course_fields(input)
    return await run_mutation(
        info, checks, lambda uow: courses.update_course(uow, course_id, fields), _course
    )


async def schedule_training_session(
    info: Info,
    input: Annotated[
        ScheduleTrainingSessionInput, strawberry.argument(description="The session to schedule.")
    ],
) -> TrainingSessionPayload:
    checks = Checks()
    course_id = checks.global_id(input.course_id, "TrainingCourse", "courseId")
    instructor_id = checks.global_id(input.instructor_id, "Employee", "instructorId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.schedule_session(
            uow,
            course_id=course_id,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            capacity=input.capacity,
            location=input.location,
            instructor_id=instructor_id,
        ),
        _session,
    )


async def cancel_training_session(
    info: Info,
    input: Annotated[CancelTrainingSessionInput, strawberry.argument(description="The session to call off.")],
) -> TrainingSessionPayload:
    checks = Checks()
    session_id = checks.global_id(input.id, "TrainingSession", "id")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.cancel_session(uow, session_id=session_id, reason=input.reason),
        _session,
    )


async def enroll_in_training_session(
    info: Info,
    input: Annotated[
        EnrollInTrainingSessionInput, strawberry.argument(description="The session and who enrolls.")
    ],
) -> EnrollmentPayload:
    checks = Checks()
    session_id = checks.global_id(input.session_id, "TrainingSession", "sessionId")
    employee_id = checks.global_id(input.employee_id, "Employee", "employeeId")
    return await run_mutation(
        info,
        checks,
        lambda uow: enrollment_workflow.enroll(uow, session_id=session_id, employee_id=employee_id),
        _enrollment,
    )


async def cancel_enrollment(
    info: Info,
    input: Annotated[CancelEnrollmentInput, strawberry.argument(description="The enrollment to cancel.")],
) -> EnrollmentPayload:
    checks = Checks()
    enrollment_id = checks.global_id(input.enrollment_id, "Enrollment", "enrollmentId")
    return await run_mutation(
        info,
        checks,
        lambda uow: enrollment_workflow.cancel_enrollment(uow, enrollment_id=enrollment_id),
        _enrollment,
    )


async def record_training_outcome(
    info: Info,
    input: Annotated[
        RecordTrainingOutcomeInput, strawberry.argument(description="The enrollment and its outcome.")
    ],
) -> EnrollmentPayload:
    checks = Checks()
    enrollment_id = checks.global_id(input.enrollment_id, "Enrollment", "enrollmentId")
    status = rows.EnrollmentStatus[input.outcome.name]
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.record_outcome(
            uow, enrollment_id=enrollment_id, outcome=status, score=input.score
        ),
        _enrollment,
    )


async def submit_training_feedback(
    info: Info,
    input: Annotated[
        SubmitTrainingFeedbackInput, strawberry.argument(description="Your rating and comment.")
    ],
) -> EnrollmentPayload:
    checks = Checks()
    enrollment_id = checks.global_id(input.enrollment_id, "Enrollment", "enrollmentId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.submit_feedback(
            uow, enrollment_id=enrollment_id, rating=input.rating, comment=input.comment
        ),
        _enrollment,
    )


async def set_course_prerequisites(
    info: Info,
    input: Annotated[
        SetCoursePrerequisitesInput, strawberry.argument(description="The course and its prerequisites.")
    ],
) -> TrainingCoursePayload:
    checks = Checks()
    course_id = checks.global_id(input.course_id, "TrainingCourse", "courseId")
    wanted = [checks.global_id(i, "TrainingCourse", "prerequisiteIds") for i in input.prerequisite_ids]
    return await run_mutation(
        info,
        checks,
        lambda uow: prerequisites.set_prerequisites(uow, course_id=course_id, prerequisite_ids=wanted),
        _course,
    )


@strawberry.type
class TrainingMutations:
    create_training_course: TrainingCoursePayload = scoped(
        "Add a course to the catalog (HR and service tokens). Its code must be unique.",
        Scope.TRAINING_MANAGE,
        create_training_course,
        on="mutation",
    )
    update_training_course: TrainingCoursePayload = scoped(
        "Change a course of the catalog (HR and service tokens).",
        Scope.TRAINING_MANAGE,
        update_training_course,
        on="mutation",
    )
    schedule_training_session: TrainingSessionPayload = scoped(
        "Schedule a future session of a course (HR and service tokens).",
        Scope.TRAINING_MANAGE,
        schedule_training_session,
        on="mutation",
    )
    cancel_training_session: TrainingSessionPayload = scoped(
        "Cancel a SCHEDULED session (HR, or its instructor); its enrollments and waitlist are cancelled with it.",
        Scope.TRAINING_MANAGE,
        cancel_training_session,
        on="mutation",
    )
    enroll_in_training_session: EnrollmentPayload = scoped(
        "Enroll yourself (or, as their manager, a report) in a session that has not started: ENROLLED while "
        "seats are free, else WAITLISTED in order of enrollment. A cancelled enrollment is re-activated.",
        Scope.TRAINING_ENROLL,
        enroll_in_training_session,
        on="mutation",
    )
    cancel_enrollment: EnrollmentPayload = scoped(
        "Cancel an ENROLLED or WAITLISTED enrollment (the employee or their manager); a freed seat goes to "
        "the first on the waitlist at once.",
        Scope.TRAINING_ENROLL,
        cancel_enrollment,
        on="mutation",
    )
    record_training_outcome: EnrollmentPayload = scoped(
        "Record the outcome for an ENROLLED employee (the session's instructor or HR); a completion "
        "certifies for the course's `certificationValidMonths`.",
        Scope.TRAINING_MANAGE,
        record_training_outcome,
        on="mutation",
    )
    submit_training_feedback: EnrollmentPayload = scoped(
        "Rate a training you completed, once.",
        Scope.TRAINING_ENROLL,
        submit_training_feedback,
        on="mutation",
    )
    set_course_prerequisites: TrainingCoursePayload = scoped(
        "Set the courses an employee must complete before enrolling in a course (HR and service "
        "tokens); enrolling without them is refused with PREREQUISITES_MISSING, naming them.",
        Scope.TRAINING_MANAGE,
        set_course_prerequisites,
        on="mutation",
    )
