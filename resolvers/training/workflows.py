"""Training workflows: scheduling and cancelling sessions, outcomes, feedback.

The catalog lives in `training_courses`. Enrolling and cancelling enrollments live in `training_enrollment`; cancelling a session goes
through the same session lock, so nobody enrolls into a session while it is being cancelled.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from events.log import EventType
from models.employees import Employee, EmployeeStatus
from models.training import Enrollment, EnrollmentStatus, SessionStatus, TrainingCourse, TrainingSession
from resolvers.core.clock import aware, now
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.core.validation import Checks
from resolvers.training.courses import refuse_unless_manager
from resolvers.training.enrollment import ACTIVE_STATUSES, load_enrollment, lock_session

MAX_CAPACITY = 1_000
MAX_COMMENT = 2_000


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


async def schedule_session(
    uow: UnitOfWork,
    *,
    course_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    location: str | None,
    instructor_id: int | None,
) -> TrainingSession:
    refuse_unless_manager(uow)
    checks = Checks()
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    location = checks.text(location, "location", max_length=120) or ""
    if not await TrainingCourse.filter(id=course_id).using_db(uow.conn).exists():
        checks.add(ErrorCode.NOT_FOUND, "No such course.", "courseId")
    if starts_at <= now():
        checks.add(ErrorCode.IN_THE_PAST, "A session is scheduled in the future.", "startsAt")
    if ends_at <= starts_at:
        checks.add(ErrorCode.INVALID, "A session ends after it starts.", "endsAt")
    if not 1 <= capacity <= MAX_CAPACITY:
        checks.add(ErrorCode.INVALID, f"capacity must be between 1 and {MAX_CAPACITY}.", "capacity")
    if instructor_id is not None:
        instructor = await Employee.filter(id=instructor_id).using_db(uow.conn).first()
        if instructor is None:
            checks.add(ErrorCode.NOT_FOUND, "No such employee.", "instructorId")
        elif instructor.status == EmployeeStatus.TERMINATED:
            checks.add(ErrorCode.INVALID, "The instructor no longer works here.", "instructorId")
    checks.raise_if_any()
    session = await TrainingSession.create(
        course_id=course_id,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        location=location,
        instructor_id=instructor_id,
        using_db=uow.conn,
    )
    await uow.record(
        EventType.TRAINING_SESSION_SCHEDULED,
        "TrainingSession",
        session.id,
        {"courseId": course_id, "instructorId": instructor_id, "startsAt": starts_at.isoformat()},
    )
    return session


async def cancel_session(uow: UnitOfWork, *, session_id: int | None, reason: str | None) -> TrainingSession:
    """Call a session off; its seats and waitlist are cancelled in the same transaction."""
    session = await lock_session(uow, session_id, "id")
    if not uow.actor.policy.can_manage_session(session):
        raise user_error(
            ErrorCode.NOT_ALLOWED, "Only HR and the session's instructor cancel it.", "input", "id"
        )
    if session.status != SessionStatus.SCHEDULED:
        raise user_error(
            ErrorCode.INVALID_TRANSITION,
            f"A {SessionStatus(session.status).name} session cannot be cancelled.",
            "input",
            "id",
        )
    checks = Checks()
    reason = checks.text(reason, "reason", max_length=500) or ""
    checks.raise_if_any()
    affected = Enrollment.filter(session_id=session.id, status__in=ACTIVE_STATUSES).using_db(uow.conn)
    employee_ids = sorted(await affected.values_list("employee_id", flat=True))
    moment = now()
    await affected.update(status=EnrollmentStatus.CANCELLED, updated_at=moment)
    await (
        TrainingSession.filter(id=session.id)
        .using_db(uow.conn)
        .update(status=SessionStatus.CANCELLED, updated_at=moment)
    )
    await session.refresh_from_db(using_db=uow.conn)
    await uow.record(
        EventType.TRAINING_SESSION_CANCELLED,
        "TrainingSession",
        session.id,
        {"courseId": session.course_id, "reason": reason, "affectedEmployeeIds": employee_ids},
        ["status"],
    )
    return session


async def record_outcome(
    uow: UnitOfWork, *, enrollment_id: int | None, outcome: EnrollmentStatus, score: int | None
) -> Enrollment:
    """The instructor or HR marks an enrolled employee COMPLETED (with a certificate) or NO_SHOW,
    once the session has started, and never for themselves."""
    enrollment, session = await load_enrollment(uow, enrollment_id)
    if not uow.actor.policy.can_manage_session(session):
        raise user_error(
            ErrorCode.NOT_ALLOWED,
            "Only HR and the session's instructor record outcomes.",
            "input",
            "enrollmentId",
        )
    if not uow.actor.policy.may_record_outcome_of(enrollment):
        raise user_error(
            ErrorCode.NOT_ALLOWED,
            "Nobody records their own training outcome; HR or another instructor records it.",
            "input",
            "enrollmentId",
        )
    if aware(session.starts_at) > now():
        raise user_error(
            ErrorCode.NOT_STARTED,
            f"The session starts at {aware(session.starts_at).isoformat()}; "
            "an outcome is recorded once it has started.",
            "input",
            "enrollmentId",
        )
    if enrollment.status != EnrollmentStatus.ENROLLED:
        raise user_error(
            ErrorCode.INVALID_TRANSITION,
            f"Outcomes are recorded for ENROLLED employees; this one is {EnrollmentStatus(enrollment.status).name}.",
            "input",
            "enrollmentId",
        )
    checks = Checks()
    if outcome not in (EnrollmentStatus.COMPLETED, EnrollmentStatus.NO_SHOW):
        checks.add(ErrorCode.INVALID, "The outcome is COMPLETED or NO_SHOW.", "outcome")
    if score is not None and outcome == EnrollmentStatus.NO_SHOW:
        checks.add(ErrorCode.INVALID, "A no-show has no score.", "score")
    elif score is not None and not 0 <= score <= 100:
        checks.add(ErrorCode.INVALID, "score is between 0 and 100.", "score")
    checks.raise_if_any()
    moment = now()
    changes: dict[str, object] = {"status": outcome, "score": score}
    if outcome == EnrollmentStatus.COMPLETED:
        course = await TrainingCourse.filter(id=session.course_id).using_db(uow.conn).get()
        months = course.certification_valid_months
        changes["completed_at"] = moment
        changes["certificate_expires_at"] = add_months(moment, months) if months else None
    await Enrollment.filter(id=enrollment.id).using_db(uow.conn).update(updated_at=moment, **changes)
    await enrollment.refresh_from_db(using_db=uow.conn)
    expires = enrollment.certificate_expires_at
    # One event type for both outcomes (the contract names no `training.no_show`): `outcome` tells.
    await uow.record(
        EventType.TRAINING_COMPLETED,
        "Enrollment",
        enrollment.id,
        {
            "sessionId": session.id,
            "courseId": session.course_id,
            "employeeId": enrollment.employee_id,
            "outcome": outcome.value,
            "score": score,
            "certificateExpiresAt": expires.isoformat() if expires else None,
        },
        ["status", "score", "completedAt", "certificateExpiresAt"],
    )
    return enrollment


async def submit_feedback(
    uow: UnitOfWork, *, enrollment_id: int | None, rating: int, comment: str | None
) -> Enrollment:
    """The employee rates a session they completed, once."""
    enrollment, session = await load_enrollment(uow, enrollment_id)
    if not uow.actor.policy.can_submit_training_feedback(enrollment):
        raise user_error(
            ErrorCode.NOT_ALLOWED, "Only the trained employee gives feedback on it.", "input", "enrollmentId"
        )
    if enrollment.status != EnrollmentStatus.COMPLETED:
        raise user_error(
            ErrorCode.INVALID_TRANSITION, "Feedback follows a completed training.", "input", "enrollmentId"
        )
    if enrollment.feedback_rating is not None:
        raise user_error(
            ErrorCode.ALREADY_EXISTS, "You already gave feedback on this training.", "input", "enrollmentId"
        )
    checks = Checks()
    if not 1 <= rating <= 5:
        checks.add(ErrorCode.INVALID, "rating is between 1 and 5.", "rating")
    comment = checks.text(comment, "comment", max_length=MAX_COMMENT)
    checks.raise_if_any()
    await (
        Enrollment.filter(id=enrollment.id)
        .using_db(uow.conn)
        .update(feedback_rating=rating, feedback_comment=comment or None, updated_at=now())
    )
    await enrollment.refresh_from_db(using_db=uow.conn)
    await uow.record(
        EventType.TRAINING_FEEDBACK_SUBMITTED,
        "Enrollment",
        enrollment.id,
        {
            "sessionId": session.id,
            "courseId": session.course_id,
            "employeeId": enrollment.employee_id,
            "rating": rating,
        },
        ["feedbackRating", "feedbackComment"],
    )
    return enrollment
