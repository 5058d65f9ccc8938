"""Enrollment workflows: take a seat or a waitlist spot, give it up, promote the waitlist.

The invariant: a session never has more ENROLLED rows than its capacity, and each freed seat
promotes the first waitlisted enrollment exactly once. Every workflow that changes the seats of
a session first locks the session's row inside its transaction (`SELECT ... FOR UPDATE` on
PostgreSQL), so enrollers and cancellers of one session run one after another while the seats
are counted and written. SQLite ignores `FOR UPDATE`, but Tortoise holds one connection per
process and serialises whole transactions on it, which gives the same guarantee.
"""

from __future__ import annotations

from datetime import datetime

from events.log import EventType
from models.employees import Employee, EmployeeStatus
from models.training import Enrollment, EnrollmentStatus, SessionStatus, TrainingSession
from resolvers.core.clock import now
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.training.prerequisites import refuse_without_prerequisites

# Enrollments that are still in play: they hold a seat or wait for one.
ACTIVE_STATUSES = (EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED)


def is_open_for_enrollment(session: TrainingSession, at: datetime | None = None) -> bool:
    """Scheduled and not yet started."""
    return session.status == SessionStatus.SCHEDULED and session.starts_at > (at or now())


async def lock_session(uow: UnitOfWork, session_id: int | None, field: str = "sessionId") -> TrainingSession:
    """The session's row, locked until the transaction ends: this serialises its seat changes."""
    session = await TrainingSession.filter(id=session_id).select_for_update().using_db(uow.conn).first()
    if session is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such training session.", "input", field)
    return session


async def seats_taken(uow: UnitOfWork, session_id: int) -> int:
    return (
        await Enrollment.filter(session_id=session_id, status=EnrollmentStatus.ENROLLED)
        .using_db(uow.conn)
        .count()
    )


def _data(enrollment: Enrollment, session: TrainingSession, **extra: object) -> dict[str, object]:
    return {
        "sessionId": session.id,
        "courseId": session.course_id,
        "employeeId": enrollment.employee_id,
        "status": EnrollmentStatus(enrollment.status).value,
        **extra,
    }


async def enroll(uow: UnitOfWork, *, session_id: int | None, employee_id: int | None) -> Enrollment:
    """A seat if one is free, else a place at the end of the waitlist."""
    policy = uow.actor.policy
    if employee_id is None:
        employee_id = policy.viewer_id
        if employee_id is None:
            raise user_error(
                ErrorCode.REQUIRED, "A service token must name the employee.", "input", "employeeId"
            )
    session = await lock_session(uow, session_id)
    employee = await Employee.filter(id=employee_id).using_db(uow.conn).first()
    if employee is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such employee.", "input", "employeeId")
    if not policy.can_enroll(employee.id):
        raise user_error(
            ErrorCode.NOT_ALLOWED, "You may enroll yourself and your reports.", "input", "employeeId"
        )
    if employee.status == EmployeeStatus.TERMINATED:
        raise user_error(ErrorCode.INVALID, "Someone who has left cannot be enrolled.", "input", "employeeId")
    if not is_open_for_enrollment(session):
        raise user_error(
            ErrorCode.CLOSED,
            "The session is cancelled, over or has started: pick another one.",
            "input",
            "sessionId",
        )
    existing = (
        await Enrollment.filter(session_id=session.id, employee_id=employee.id)
        .select_for_update()
        .using_db(uow.conn)
        .first()
    )
    if existing is not None and existing.status != EnrollmentStatus.CANCELLED:
        raise user_error(
            ErrorCode.ALREADY_EXISTS,
            f"Already {EnrollmentStatus(existing.status).name} in this session.",
            "input",
            "sessionId",
        )
    await refuse_without_prerequisites(session.course_id, employee.id, uow.conn)
    full = await seats_taken(uow, session.id) >= session.capacity
    status = EnrollmentStatus.WAITLISTED if full else EnrollmentStatus.ENROLLED
    moment = now()
    if existing is None:
        enrollment = await Enrollment.create(
            session_id=session.id,
            employee_id=employee.id,
            status=status,
            enrolled_at=moment,
            using_db=uow.conn,
        )
    else:
        # (session, employee) is unique: a cancelled enrollment comes back to life, at the end
        # of the queue, rather than being inserted again.
        enrollment = existing
        await (
            Enrollment.filter(id=existing.id)
            .using_db(uow.conn)
            .update(
                status=status,
                enrolled_at=moment,
                completed_at=None,
                score=None,
                feedback_rating=None,
                feedback_comment=None,
                certificate_expires_at=None,
                updated_at=moment,
            )
        )
        await enrollment.refresh_from_db(using_db=uow.conn)
    event = EventType.TRAINING_WAITLISTED if full else EventType.TRAINING_ENROLLED
    await uow.record(event, "Enrollment", enrollment.id, _data(enrollment, session))
    return enrollment


async def load_enrollment(uow: UnitOfWork, enrollment_id: int | None) -> tuple[Enrollment, TrainingSession]:
    """The enrollment and its session, both locked (session first, as every seat change does)."""
    found = await Enrollment.filter(id=enrollment_id).using_db(uow.conn).first()
    if found is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such enrollment.", "input", "enrollmentId")
    session = await lock_session(uow, found.session_id, "enrollmentId")
    enrollment = await Enrollment.filter(id=found.id).select_for_update().using_db(uow.conn).first()
    if enrollment is None or not uow.actor.policy.can_see_enrollment(enrollment, session):
        raise user_error(ErrorCode.NOT_FOUND, "No such enrollment.", "input", "enrollmentId")
    return enrollment, session


async def cancel_enrollment(uow: UnitOfWork, *, enrollment_id: int | None) -> Enrollment:
    """Give up a seat or a waitlist spot; a freed seat goes to the first in the waitlist."""
    enrollment, session = await load_enrollment(uow, enrollment_id)
    if not uow.actor.policy.can_cancel_enrollment(enrollment):
        raise user_error(
            ErrorCode.NOT_ALLOWED,
            "Only the employee and their managers cancel an enrollment.",
            "input",
            "enrollmentId",
        )
    previous = EnrollmentStatus(enrollment.status)
    if previous not in ACTIVE_STATUSES:
        raise user_error(
            ErrorCode.INVALID_TRANSITION,
            f"A {previous.name} enrollment cannot be cancelled.",
            "input",
            "enrollmentId",
        )
    await (
        Enrollment.filter(id=enrollment.id)
        .using_db(uow.conn)
        .update(status=EnrollmentStatus.CANCELLED, updated_at=now())
    )
    await enrollment.refresh_from_db(using_db=uow.conn)
    await uow.record(
        EventType.TRAINING_ENROLLMENT_CANCELLED,
        "Enrollment",
        enrollment.id,
        _data(
            enrollment,
            session,
            previousStatus=previous.value,
            freedSeat=previous == EnrollmentStatus.ENROLLED,
        ),
        ["status"],
    )
    if previous == EnrollmentStatus.ENROLLED:
        await promote_waitlist(uow, session)
    return enrollment


async def promote_waitlist(uow: UnitOfWork, session: TrainingSession) -> list[Enrollment]:
    """Give every free seat to the first waitlisted enrollments (by enrolled_at, then id).

    Called with the session locked; normally one seat is free, so one enrollment moves up.
    """
    if session.status != SessionStatus.SCHEDULED:
        return []
    free = session.capacity - await seats_taken(uow, session.id)
    if free <= 0:
        return []
    waiting = (
        await Enrollment.filter(session_id=session.id, status=EnrollmentStatus.WAITLISTED)
        .order_by("enrolled_at", "id")
        .limit(free)
        .select_for_update()
        .using_db(uow.conn)
    )
    for enrollment in waiting:
        await (
            Enrollment.filter(id=enrollment.id)
            .using_db(uow.conn)
            .update(status=EnrollmentStatus.ENROLLED, updated_at=now())
        )
        await enrollment.refresh_from_db(using_db=uow.conn)
        await uow.record(
            EventType.TRAINING_PROMOTED, "Enrollment", enrollment.id, _data(enrollment, session), ["status"]
        )
    return list(waiting)
