"""Reading mentorships and their check-ins."""

from __future__ import annotations

from typing import Any, cast

from tortoise.expressions import Q

from auth.policy import Policy
from models.mentorships import Mentorship, MentorshipCheckIn
from resolvers.core.listing import Listing, root_listing
from resolvers.core.loaders import ChildList, Loaders, freeze
from resolvers.core.pagination import PageArgs, SortKey

MENTORSHIP_ORDER_FIELDS = {"CREATED_AT": "created_at", "UPDATED_AT": "updated_at"}


def mentorship_filter(
    *,
    statuses: list[str] | None = None,
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


def child_mentorships(partition: str, args: PageArgs, filters: dict[str, object]) -> ChildList:
    return ChildList(
        f"Mentorship.by.{partition}",
        Mentorship,
        partition,
        SortKey("created_at", descending=True),
        args,
        freeze(filters),
        "visible_mentorships",
        mentorship_filter,
    )


def check_ins(args: PageArgs) -> ChildList:
    return ChildList(
        "Mentorship.checkIns", MentorshipCheckIn, "mentorship_id", SortKey("happened_at", True), args
    )


async def mentorship_listing(
    filters: dict[str, Any], policy: Policy, sort: SortKey, args: PageArgs, loaders: Loaders
) -> Listing:
    """The `mentorships` root list: those the policy lets the viewer see, narrowed by `filters`."""
    qs = Mentorship.filter(mentorship_filter(**filters)).filter(policy.visible_mentorships())
    return await root_listing(qs, sort, "mentorships", args, loaders)


async def mentorship_by_id(loaders: Loaders, pk: int | None) -> Mentorship | None:
    """The mentorship with this ID (None for no ID or no such row), batched with those asked for at once."""
    return None if pk is None else cast("Mentorship | None", await loaders.by_id(Mentorship).load(pk))
