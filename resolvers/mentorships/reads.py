"""Reading mentorships and their check-ins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from tortoise.expressions import Q

from auth.policy import Policy
from models.mentorships import Mentorship, MentorshipCheckIn, MentorshipStatus
from resolvers.core.listing import Listing, root_listing
from resolvers.core.loaders import ChildList, Loaders, NestedList, by_partition
from resolvers.core.pagination import PageArgs, SortKey

MENTORSHIP_ORDER_FIELDS = {"CREATED_AT": "created_at", "UPDATED_AT": "updated_at"}


def mentorship_filter(
    *,
    statuses: Sequence[MentorshipStatus] | None = None,
    mentor_id: int | None = None,
    mentee_id: int | None = None,
    participant_id: int | None = None,
) -> Q:
    q = Q()
    if statuses:
        q &= Q(status__in=statuses)
    if mentor_id is not None:
        q &= Q(mentor_id=mentor_id)
    if mentee_id is not None:
        q &= Q(mentee_id=mentee_id)
    if participant_id is not None:
        q &= Q(mentor_id=participant_id) | Q(mentee_id=participant_id)
    return q


# The template of the lists below (`on` names and partitions each).
_MENTORSHIPS_BY = NestedList(
    name="Mentorship.by",
    model=Mentorship,
    partition="id",
    sort=SortKey("created_at", descending=True),
    visibility=Policy.visible_mentorships,
    filter_fn=mentorship_filter,
)
MENTORSHIPS_BY_MENTOR = _MENTORSHIPS_BY.on("mentor_id")
MENTORSHIPS_BY_MENTEE = _MENTORSHIPS_BY.on("mentee_id")
MENTORSHIPS_BY = by_partition(MENTORSHIPS_BY_MENTOR, MENTORSHIPS_BY_MENTEE)
CHECK_INS = NestedList(
    name="Mentorship.checkIns",
    model=MentorshipCheckIn,
    partition="mentorship_id",
    sort=SortKey("happened_at", descending=True),
)


def child_mentorships(partition: str, args: PageArgs, filters: dict[str, object]) -> ChildList:
    return MENTORSHIPS_BY[partition].spec(args, filters=filters)


def check_ins(args: PageArgs) -> ChildList:
    return CHECK_INS.spec(args)


async def mentorship_listing(
    filters: dict[str, Any], policy: Policy, sort: SortKey, args: PageArgs, loaders: Loaders
) -> Listing:
    """The `mentorships` root list: those the policy lets the viewer see, narrowed by `filters`."""
    qs = Mentorship.filter(mentorship_filter(**filters)).filter(policy.visible_mentorships())
    return await root_listing(qs, sort, "mentorships", args, loaders)


async def mentorship_by_id(loaders: Loaders, pk: int | None) -> Mentorship | None:
    """The mentorship with this ID (None for no ID or no such row), batched with those asked for at once."""
    return None if pk is None else cast("Mentorship | None", await loaders.by_id(Mentorship).load(pk))
