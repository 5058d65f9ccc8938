"""Mentor capacity: how many open mentorships a mentor takes on, and how many they have.

A mentor sets their own capacity (`setMentorCapacity`); without a setting it is
`DEFAULT_MENTOR_CAPACITY`. Open means PROPOSED or ACTIVE: a request waiting for an answer holds
a place, so a mentor is never asked by more people than they said they can take.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Count

from models.employees import Employee
from models.mentorships import OPEN_MENTORSHIP_STATUSES, MentorCapacity, Mentorship
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork

DEFAULT_MENTOR_CAPACITY = 3
MAX_MENTOR_CAPACITY = 20


@dataclass(frozen=True)
class Load:
    """A mentor's capacity and their open mentorships."""

    employee_id: int
    capacity: int
    open_mentorships: int

    @property
    def room(self) -> int:
        return max(0, self.capacity - self.open_mentorships)


async def loads_of(employee_ids: list[int], conn: BaseDBAsyncClient | None = None) -> dict[int, Load]:
    """Two statements for any number of mentors: their settings, and their open mentorships."""
    if not employee_ids:
        return {}
    settings = MentorCapacity.filter(employee_id__in=employee_ids)
    counts = (
        Mentorship.filter(mentor_id__in=employee_ids, status__in=OPEN_MENTORSHIP_STATUSES)
        .annotate(n=Count("id"))
        .group_by("mentor_id")
    )
    if conn is not None:
        settings, counts = settings.using_db(conn), counts.using_db(conn)
    capacity = dict(await settings.values_list("employee_id", "capacity"))
    open_counts = dict(await counts.values_list("mentor_id", "n"))
    return {
        i: Load(i, int(capacity.get(i, DEFAULT_MENTOR_CAPACITY)), int(open_counts.get(i, 0)))
        for i in employee_ids
    }


async def load_of(employee_id: int, conn: BaseDBAsyncClient | None = None) -> Load:
    return (await loads_of([employee_id], conn))[employee_id]


async def capacity_of(employee_id: int | None) -> Load | None:
    """An employee's capacity as a mentor; None when there is no such employee."""
    if employee_id is None or not await Employee.exists(id=employee_id):
        return None
    return await load_of(employee_id)


async def set_mentor_capacity(uow: UnitOfWork, *, capacity: int) -> Load:
    """The viewer says how many open mentorships they take on as a mentor (0: none for now).

    Lowering it below the open count keeps those mentorships; it only stops new requests.
    No event: the setting concerns no one else until someone asks for a suggestion.
    """
    policy = uow.actor.policy
    if not policy.can_set_mentor_capacity():
        raise user_error(
            ErrorCode.NOT_ALLOWED, "Only an employee sets a mentor capacity, for themselves.", "input"
        )
    if not 0 <= capacity <= MAX_MENTOR_CAPACITY:
        raise user_error(
            ErrorCode.INVALID,
            f"Capacity must be between 0 and {MAX_MENTOR_CAPACITY}.",
            "input",
            "capacity",
        )
    employee_id = policy.viewer_id
    assert employee_id is not None  # can_set_mentor_capacity() holds only for an employee
    # The lock on the employee's row serializes this with requests to them (and with itself, so
    # two first settings at once cannot both insert a row).
    await Employee.filter(id=employee_id).select_for_update().using_db(uow.conn).first()
    before = await load_of(employee_id, uow.conn)
    updated = (
        await MentorCapacity.filter(employee_id=employee_id).using_db(uow.conn).update(capacity=capacity)
    )
    if not updated:
        await MentorCapacity.create(employee_id=employee_id, capacity=capacity, using_db=uow.conn)
    return Load(employee_id, capacity, before.open_mentorships)


async def ensure_room(mentor_id: int, conn: BaseDBAsyncClient) -> None:
    """Refuse a request to a mentor without room; the caller holds a lock on the mentor's row."""
    load = await load_of(mentor_id, conn)
    if load.room == 0:
        raise user_error(
            ErrorCode.FULL,
            f"This mentor takes {load.capacity} open mentorship(s) at most and has no room now; "
            "ask another suggestion.",
            "input",
            "mentorId",
        )
