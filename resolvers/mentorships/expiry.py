"""Expiring mentorship requests that their mentor left unanswered, so the mentee can ask the next
suggestion (their place in the mentor's capacity is freed too).

Run by `peoplegraph mentorships expire` (cron, daily or more often). Safe to run on many
machines at once and again at any time: each request moves with a conditional UPDATE
(`... WHERE id = ? AND status = 'proposed'`) in its own transaction with its event, so of
several processes exactly one changes a given row and writes its `mentorship.expired`; a
request answered meanwhile is left alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from auth.policy import Policy
from events.log import EventType
from models.mentorships import Mentorship, MentorshipStatus
from resolvers.core.clock import now
from resolvers.core.unit_of_work import Actor, UnitOfWork, mutate

BATCH = 500


async def _expire_one(uow: UnitOfWork, mentorship_id: int, days: int, at: datetime) -> bool:
    moved = (
        await Mentorship.filter(id=mentorship_id, status=MentorshipStatus.PROPOSED)
        .using_db(uow.conn)
        .update(status=MentorshipStatus.EXPIRED, ended_at=at, updated_at=at)
    )
    if not moved:  # answered, withdrawn or expired by another process meanwhile
        return False
    row = await Mentorship.filter(id=mentorship_id).using_db(uow.conn).get()
    await uow.record(
        EventType.MENTORSHIP_EXPIRED,
        "Mentorship",
        mentorship_id,
        {
            "mentorId": row.mentor_id,
            "menteeId": row.mentee_id,
            "from": "proposed",
            "to": "expired",
            "days": days,
        },
        ["status", "endedAt"],
    )
    return True


async def expire_stale_requests(days: int, at: datetime | None = None) -> list[int]:
    """Expire every request created more than `days` days before `at` (now); the ids it moved."""
    at = at or now()
    cutoff = at - timedelta(days=days)
    actor = Actor(Policy(None), client_id=None)  # the system: no employee, no client
    expired: list[int] = []
    while True:
        rows = (
            await Mentorship.filter(status=MentorshipStatus.PROPOSED, created_at__lt=cutoff)
            .order_by("id")
            .limit(BATCH)
            .values("id")
        )
        stale = [int(row["id"]) for row in rows]
        moved_any = False
        for mentorship_id in stale:
            outcome = await mutate(actor, partial(_expire_one, mentorship_id=mentorship_id, days=days, at=at))
            if outcome.value:
                expired.append(mentorship_id)
                moved_any = True
        if len(stale) < BATCH or not moved_any:
            return expired
