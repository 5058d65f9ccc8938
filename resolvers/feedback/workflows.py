"""Feedback workflows: give kudos, ask colleagues for feedback, submit the feedback asked for.

Events name the people and the skills, never a kudos message, a request's `about` or a
feedback body: the audit log (HR), webhooks and subscriptions carry `data`, and feedback is
for the requester (and their manager, when shared) alone. Subscribers read the object itself,
through the policy.
"""

from __future__ import annotations

from datetime import date

from events.log import EventType
from models.employees import Employee, EmployeeStatus
from models.feedback import FeedbackRequest, FeedbackStatus, FeedbackVisibility, Kudos, KudosSkill
from resolvers.core.clock import now, today
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.core.validation import Checks

MIN_MESSAGE = 3
MAX_MESSAGE = 1_000
MAX_KUDOS_SKILLS = 5
MAX_ABOUT = 500
MAX_BODY = 5_000
MAX_ASKED = 10


def _recognized_as(skills: list[str], profile: list[str]) -> list[str]:
    """Each skill spelled as the receiver's profile spells it, when it lists it (any case)."""
    spelled = {s.casefold(): s for s in profile}
    return list(dict.fromkeys(spelled.get(s.casefold(), s) for s in skills))


async def give_kudos(
    uow: UnitOfWork, *, to_id: int | None, message: str | None, skills: list[str] | None
) -> Kudos:
    """The viewer thanks `to_id` in public; the skills count toward the receiver's profile."""
    policy = uow.actor.policy
    if not policy.can_give_kudos():
        raise user_error(ErrorCode.NOT_ALLOWED, "Only an employee gives kudos.", "input")
    giver_id = policy.viewer_id
    assert giver_id is not None  # can_give_kudos() holds only for an employee
    checks = Checks()
    text = checks.text(message, "message", max_length=MAX_MESSAGE, min_length=MIN_MESSAGE, required=True)
    named = checks.skills(skills, "skills", most=MAX_KUDOS_SKILLS) or []
    receiver = None
    if to_id is None:
        checks.add(ErrorCode.REQUIRED, "toId is required.", "toId")
    else:
        receiver = await Employee.filter(id=to_id).using_db(uow.conn).first()
        if receiver is None:
            checks.add(ErrorCode.NOT_FOUND, "No such employee.", "toId")
        elif receiver.id == giver_id:
            checks.add(ErrorCode.INVALID, "Kudos are for someone else; you cannot thank yourself.", "toId")
        elif receiver.status == EmployeeStatus.TERMINATED:
            checks.add(ErrorCode.INVALID, "The colleague no longer works here.", "toId")
    checks.raise_if_any()
    assert receiver is not None and text is not None
    recognized = _recognized_as(named, list(receiver.skills or []))
    kudos = await Kudos.create(
        giver_id=giver_id, receiver_id=receiver.id, message=text, skills=recognized, using_db=uow.conn
    )
    if recognized:
        await KudosSkill.bulk_create(
            [KudosSkill(kudos_id=kudos.id, receiver_id=receiver.id, skill=s) for s in recognized],
            using_db=uow.conn,
        )
    await uow.record(
        EventType.KUDOS_GIVEN,
        "Kudos",
        kudos.id,
        {"giverId": giver_id, "receiverId": receiver.id, "skills": recognized},
    )
    return kudos


async def _asked(uow: UnitOfWork, checks: Checks, from_ids: list[int] | None, requester_id: int) -> list[int]:
    """The distinct people asked, each an active colleague other than the requester."""
    if not from_ids:
        checks.add(ErrorCode.REQUIRED, "Ask at least one colleague (fromIds).", "fromIds")
        return []
    asked = list(dict.fromkeys(from_ids))
    if len(asked) > MAX_ASKED:
        checks.add(ErrorCode.INVALID, f"Ask at most {MAX_ASKED} colleagues at once.", "fromIds")
        return []
    found = {e.id: e for e in await Employee.filter(id__in=asked).using_db(uow.conn)}
    for pk in asked:
        person = found.get(pk)
        if person is None:
            checks.add(ErrorCode.NOT_FOUND, "No such employee.", "fromIds")
        elif pk == requester_id:
            checks.add(ErrorCode.INVALID, "Ask colleagues, not yourself.", "fromIds")
        elif person.status != EmployeeStatus.ACTIVE:
            checks.add(ErrorCode.INVALID, f"{person.display_name} is not working now.", "fromIds")
    return asked


async def request_feedback(
    uow: UnitOfWork, *, from_ids: list[int] | None, about: str | None, due_on: date | None
) -> list[FeedbackRequest]:
    """The viewer asks each of `from_ids` for feedback on themselves: one request per person."""
    policy = uow.actor.policy
    if not policy.can_request_feedback():
        raise user_error(ErrorCode.NOT_ALLOWED, "Only an employee asks for feedback, on themselves.", "input")
    requester_id = policy.viewer_id
    assert requester_id is not None  # can_request_feedback() holds only for an employee
    checks = Checks()
    topic = checks.text(about, "about", max_length=MAX_ABOUT, required=True)
    checks.not_in_past(due_on, today(), "dueOn")
    asked = await _asked(uow, checks, from_ids, requester_id)
    checks.raise_if_any()
    assert topic is not None
    requests = []
    for respondent_id in asked:
        request = await FeedbackRequest.create(
            requester_id=requester_id,
            respondent_id=respondent_id,
            about=topic,
            due_on=due_on,
            using_db=uow.conn,
        )
        data: dict[str, object] = {"requesterId": requester_id, "respondentId": respondent_id}
        if due_on is not None:
            data["dueOn"] = due_on.isoformat()
        await uow.record(EventType.FEEDBACK_REQUESTED, "FeedbackRequest", request.id, data)
        requests.append(request)
    return requests


async def submit_feedback(
    uow: UnitOfWork, *, request_id: int | None, body: str | None, visibility: FeedbackVisibility
) -> FeedbackRequest:
    """The person asked answers, once, before or after the due date."""
    policy = uow.actor.policy
    row = await FeedbackRequest.filter(id=request_id).select_for_update().using_db(uow.conn).first()
    if row is None or policy.viewer_id not in (row.requester_id, row.respondent_id):
        raise user_error(ErrorCode.NOT_FOUND, "No such feedback request.", "input", "requestId")
    if row.respondent_id != policy.viewer_id:
        raise user_error(
            ErrorCode.NOT_ALLOWED, "Only the colleague you asked submits this feedback.", "input", "requestId"
        )
    if not policy.can_submit_feedback(row):
        raise user_error(
            ErrorCode.ALREADY_EXISTS,
            "You already submitted this feedback; it cannot change.",
            "input",
            "requestId",
        )
    checks = Checks()
    text = checks.text(body, "body", max_length=MAX_BODY, required=True)
    checks.raise_if_any()
    # The status condition makes "once" hold under concurrency: a second submission updates nothing.
    updated = await (
        FeedbackRequest.filter(id=row.id, status=FeedbackStatus.PENDING)
        .using_db(uow.conn)
        .update(
            status=FeedbackStatus.SUBMITTED,
            body=text,
            visibility=visibility,
            submitted_at=now(),
            updated_at=now(),
        )
    )
    if not updated:
        raise user_error(
            ErrorCode.ALREADY_EXISTS, "You already submitted this feedback.", "input", "requestId"
        )
    await row.refresh_from_db(using_db=uow.conn)
    await uow.record(
        EventType.FEEDBACK_SUBMITTED,
        "FeedbackRequest",
        row.id,
        {"requesterId": row.requester_id, "respondentId": row.respondent_id, "visibility": visibility.value},
        ["status", "body", "visibility", "submittedAt"],
    )
    return row
