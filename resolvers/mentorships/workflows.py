"""Mentorship workflows: request, answer, end, and log check-ins.

The state machine is the `TRANSITIONS` table below; who may make each move is the policy's
(`Policy.can_move_mentorship`). A pair has at most one open mentorship: the partial unique
index `uniq_mentorships_open_pair` guarantees it whatever the concurrency, the pre-check only
gives the common case a friendlier message.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError

from events.log import EventType
from models.employees import Employee, EmployeeStatus
from models.mentorships import OPEN_MENTORSHIP_STATUSES, Mentorship, MentorshipCheckIn, MentorshipStatus
from resolvers.core.clock import aware, now
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.core.validation import Checks
from resolvers.mentorships.capacity import ensure_room

# from → the statuses it may move to. Terminal statuses move nowhere.
TRANSITIONS: dict[MentorshipStatus, frozenset[MentorshipStatus]] = {
    MentorshipStatus.PROPOSED: frozenset(
        {MentorshipStatus.ACTIVE, MentorshipStatus.DECLINED, MentorshipStatus.CANCELLED}
    ),
    MentorshipStatus.ACTIVE: frozenset({MentorshipStatus.COMPLETED, MentorshipStatus.CANCELLED}),
    MentorshipStatus.DECLINED: frozenset(),
    MentorshipStatus.COMPLETED: frozenset(),
    MentorshipStatus.CANCELLED: frozenset(),
    MentorshipStatus.EXPIRED: frozenset(),  # set by the expiry job (expiry.py), never by a move
}

# The event each move writes.
_MOVE_EVENTS = {
    MentorshipStatus.ACTIVE: EventType.MENTORSHIP_ACCEPTED,
    MentorshipStatus.DECLINED: EventType.MENTORSHIP_DECLINED,
    MentorshipStatus.COMPLETED: EventType.MENTORSHIP_ENDED,
    MentorshipStatus.CANCELLED: EventType.MENTORSHIP_ENDED,
}

MAX_GOALS = 2_000
MAX_NOTES = 5_000
MAX_FOCUS_SKILLS = 10
MAX_END_REASON = 1_000
RATINGS = range(1, 6)


def _data(m: Mentorship, **extra: object) -> dict[str, object]:
    return {"mentorId": m.mentor_id, "menteeId": m.mentee_id, **extra}


async def request_mentorship(
    uow: UnitOfWork, *, mentor_id: int | None, goals: str | None, focus_skills: list[str] | None
) -> Mentorship:
    """The viewer asks `mentor_id` to mentor them; the request waits for the mentor's answer."""
    policy = uow.actor.policy
    if not policy.can_request_mentorship():
        raise user_error(
            ErrorCode.NOT_ALLOWED, "Only an employee can ask for a mentor, for themselves.", "input"
        )
    mentee_id = policy.viewer_id
    assert mentee_id is not None  # can_request_mentorship() holds only for an employee
    checks = Checks()
    goals = checks.text(goals, "goals", max_length=MAX_GOALS) or ""
    skills = checks.skills(focus_skills, "focusSkills", most=MAX_FOCUS_SKILLS) or []
    if mentor_id is None:
        checks.add(ErrorCode.REQUIRED, "mentorId is required.", "mentorId")
    else:
        # The lock on the mentor's row serializes requests to one mentor, so two cannot both
        # take their last free place (ensure_room below).
        mentor = await Employee.filter(id=mentor_id).select_for_update().using_db(uow.conn).first()
        if mentor is None:
            checks.add(ErrorCode.NOT_FOUND, "No such employee.", "mentorId")
        elif mentor.id == mentee_id:
            checks.add(ErrorCode.INVALID, "You cannot mentor yourself; ask someone else.", "mentorId")
        elif mentor.status != EmployeeStatus.ACTIVE:
            checks.add(ErrorCode.INVALID, "The mentor is not currently working here.", "mentorId")
    checks.raise_if_any()
    already = user_error(
        ErrorCode.ALREADY_EXISTS, "You already have an open mentorship with this mentor.", "input", "mentorId"
    )
    open_pair = Mentorship.filter(
        mentor_id=mentor_id, mentee_id=mentee_id, status__in=OPEN_MENTORSHIP_STATUSES
    )
    if await open_pair.using_db(uow.conn).exists():
        raise already
    assert mentor_id is not None  # checked above
    await ensure_room(mentor_id, uow.conn)
    try:
        mentorship = await Mentorship.create(
            mentor_id=mentor_id, mentee_id=mentee_id, goals=goals, focus_skills=skills, using_db=uow.conn
        )
    except IntegrityError:  # a concurrent request for the same pair won the unique index
        raise already from None
    await uow.record(
        EventType.MENTORSHIP_REQUESTED, "Mentorship", mentorship.id, _data(mentorship, focusSkills=skills)
    )
    return mentorship


async def _party_mentorship(uow: UnitOfWork, mentorship_id: int | None) -> Mentorship:
    """The mentorship, locked, if the viewer can see it and is its mentor or mentee."""
    row = await Mentorship.filter(id=mentorship_id).select_for_update().using_db(uow.conn).first()
    policy = uow.actor.policy
    if row is None or not policy.can_see_mentorship(row):
        raise user_error(ErrorCode.NOT_FOUND, "No such mentorship.", "input", "id")
    if not policy.is_mentorship_party(row):
        raise user_error(
            ErrorCode.NOT_ALLOWED, "Only the mentor and the mentee act on a mentorship.", "input", "id"
        )
    return row


async def _move(
    uow: UnitOfWork,
    mentorship: Mentorship,
    to: MentorshipStatus,
    field: str,
    extra: dict[str, object] | None = None,
) -> Mentorship:
    current = MentorshipStatus(mentorship.status)
    if to not in TRANSITIONS[current]:
        raise user_error(
            ErrorCode.INVALID_TRANSITION,
            f"A {current.name} mentorship cannot become {to.name}.",
            "input",
            field,
        )
    if not uow.actor.policy.can_move_mentorship(mentorship, to):
        message = (
            "Only the mentee withdraws a request; as its mentor, decline it instead."
            if to == MentorshipStatus.CANCELLED
            else "Only the mentor answers a mentorship request."
        )
        raise user_error(ErrorCode.NOT_ALLOWED, message, "input", field)
    changes: dict[str, object] = {"status": to, **(extra or {})}
    if to == MentorshipStatus.ACTIVE:
        changes["started_at"] = now()
    else:
        changes["ended_at"] = now()
    await Mentorship.filter(id=mentorship.id).using_db(uow.conn).update(updated_at=now(), **changes)
    await mentorship.refresh_from_db(using_db=uow.conn)
    await uow.record(
        _MOVE_EVENTS[to],
        "Mentorship",
        mentorship.id,
        _data(mentorship, **{"from": current.value, "to": to.value}, **_end_data(mentorship)),
        ["status", "startedAt" if to == MentorshipStatus.ACTIVE else "endedAt"],
    )
    return mentorship


async def respond_to_mentorship(uow: UnitOfWork, *, mentorship_id: int | None, accept: bool) -> Mentorship:
    """The mentor accepts (ACTIVE) or declines (DECLINED) a PROPOSED mentorship."""
    mentorship = await _party_mentorship(uow, mentorship_id)
    to = MentorshipStatus.ACTIVE if accept else MentorshipStatus.DECLINED
    return await _move(uow, mentorship, to, "decision")


def _end_data(m: Mentorship) -> dict[str, object]:
    ended = {"reason": m.end_reason, "mentorRating": m.mentor_rating, "menteeRating": m.mentee_rating}
    return {key: value for key, value in ended.items() if value is not None}


def _rating_field(uow: UnitOfWork, mentorship: Mentorship) -> str:
    side = uow.actor.policy.mentorship_side(mentorship)
    assert side is not None  # only parties get this far (_party_mentorship)
    return f"{side}_rating"


async def end_mentorship(
    uow: UnitOfWork,
    *,
    mentorship_id: int | None,
    outcome: MentorshipStatus,
    reason: str | None = None,
    rating: int | None = None,
) -> Mentorship:
    """Complete or cancel an ACTIVE mentorship, or withdraw (cancel) a PROPOSED request; with a
    reason, and, for one that ran, the caller's rating (the other side rates with `rate`)."""
    mentorship = await _party_mentorship(uow, mentorship_id)
    if outcome not in (MentorshipStatus.COMPLETED, MentorshipStatus.CANCELLED):
        raise user_error(ErrorCode.INVALID, "A mentorship ends COMPLETED or CANCELLED.", "input", "outcome")
    checks = Checks()
    reason = checks.text(reason, "reason", max_length=MAX_END_REASON)
    if rating is not None and rating not in RATINGS:
        checks.add(ErrorCode.INVALID, "A rating is a whole number from 1 to 5.", "rating")
    elif rating is not None and mentorship.status == MentorshipStatus.PROPOSED:
        checks.add(
            ErrorCode.INVALID, "Only a mentorship that ran can be rated; this one never started.", "rating"
        )
    checks.raise_if_any()
    extra: dict[str, object] = {"end_reason": reason or None}
    if rating is not None:
        extra[_rating_field(uow, mentorship)] = rating
    return await _move(uow, mentorship, outcome, "outcome", extra)


async def rate_mentorship(uow: UnitOfWork, *, mentorship_id: int | None, rating: int) -> Mentorship:
    """The mentor or the mentee rates an ended mentorship, once each."""
    mentorship = await _party_mentorship(uow, mentorship_id)
    if rating not in RATINGS:
        raise user_error(ErrorCode.INVALID, "A rating is a whole number from 1 to 5.", "input", "rating")
    if not uow.actor.policy.can_rate_mentorship(mentorship):
        ran = mentorship.started_at is not None
        ended = mentorship.status in (MentorshipStatus.COMPLETED, MentorshipStatus.CANCELLED)
        if not (ran and ended):
            raise user_error(
                ErrorCode.INVALID_TRANSITION,
                "Only a mentorship that ran and has ended can be rated.",
                "input",
                "id",
            )
        raise user_error(
            ErrorCode.ALREADY_EXISTS, "You have already rated this mentorship.", "input", "rating"
        )
    field = _rating_field(uow, mentorship)
    await Mentorship.filter(id=mentorship.id).using_db(uow.conn).update(updated_at=now(), **{field: rating})
    await mentorship.refresh_from_db(using_db=uow.conn)
    side = field.removesuffix("_rating")
    await uow.record(
        EventType.MENTORSHIP_RATED,
        "Mentorship",
        mentorship.id,
        _data(mentorship, side=side, rating=rating),
        [f"{side}Rating"],
    )
    return mentorship


async def log_check_in(
    uow: UnitOfWork, *, mentorship_id: int | None, happened_at: datetime | None, notes: str | None
) -> MentorshipCheckIn:
    """Note that the mentor and mentee met; only while the mentorship is ACTIVE."""
    mentorship = await _party_mentorship(uow, mentorship_id)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise user_error(
            ErrorCode.CLOSED,
            "Check-ins are logged only while a mentorship is active.",
            "input",
            "mentorshipId",
        )
    checks = Checks()
    notes = checks.text(notes, "notes", max_length=MAX_NOTES) or ""
    moment = aware(happened_at) if happened_at else now()
    if moment > now():
        checks.add(ErrorCode.INVALID, "A check-in cannot happen in the future.", "happenedAt")
    elif mentorship.started_at and moment < mentorship.started_at:
        checks.add(ErrorCode.INVALID, "The check-in is dated before the mentorship started.", "happenedAt")
    checks.raise_if_any()
    author_id = uow.actor.employee_id
    assert author_id is not None  # a party is always an employee
    check_in = await MentorshipCheckIn.create(
        mentorship_id=mentorship.id, happened_at=moment, notes=notes, author_id=author_id, using_db=uow.conn
    )
    await Mentorship.filter(id=mentorship.id).using_db(uow.conn).update(updated_at=now())
    await uow.record(
        EventType.MENTORSHIP_CHECKED_IN,
        "Mentorship",
        mentorship.id,
        _data(mentorship, checkInId=check_in.id, happenedAt=moment.isoformat()),
    )
    return check_in
