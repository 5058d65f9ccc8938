"""Reading kudos, recognized skills and feedback requests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from tortoise.expressions import Q
from tortoise.functions import Count

from auth.policy import Policy
from models.employees import Employee
from models.feedback import FeedbackRequest, FeedbackStatus, Kudos, KudosSkill
from models.teams import TeamMembership
from resolvers.core.loaders import ChildList, Loaders, NestedList, by_partition
from resolvers.core.pagination import PageArgs, SortKey

KUDOS_RECEIVED = NestedList(
    name="Kudos.by.receiver_id",
    model=Kudos,
    partition="receiver_id",
    sort=SortKey("created_at", descending=True),
    visibility=Policy.visible_kudos,
)


def feedback_request_filter(*, statuses: Sequence[FeedbackStatus] | None = None) -> Q:
    return Q(status__in=statuses) if statuses else Q()


_FEEDBACK_REQUESTS_BY = NestedList(
    name="FeedbackRequest.by",
    model=FeedbackRequest,
    partition="id",
    sort=SortKey("created_at", descending=True),
    visibility=Policy.visible_feedback_requests,
    filter_fn=feedback_request_filter,
)
# Requests an employee made (about themselves), and those addressed to them.
FEEDBACK_REQUESTS_BY = by_partition(
    _FEEDBACK_REQUESTS_BY.on("requester_id"), _FEEDBACK_REQUESTS_BY.on("respondent_id")
)


def kudos_received(args: PageArgs) -> ChildList:
    return KUDOS_RECEIVED.spec(args)


def child_feedback_requests(partition: str, args: PageArgs, filters: dict[str, object]) -> ChildList:
    return FEEDBACK_REQUESTS_BY[partition].spec(args, filters=filters)


@dataclass(frozen=True)
class RecognizedSkill:
    """A skill colleagues recognized in an employee's kudos, and how many kudos named it."""

    skill: str
    count: int


async def _recognized_skills_of(employee_ids: list[int]) -> list[list[RecognizedSkill]]:
    rows = (
        await KudosSkill.filter(receiver_id__in=list(dict.fromkeys(employee_ids)))
        .annotate(kudos_count=Count("id"))
        .group_by("receiver_id", "skill")
        .values("receiver_id", "skill", "kudos_count")
    )
    found: dict[int, list[RecognizedSkill]] = defaultdict(list)
    for row in rows:
        found[row["receiver_id"]].append(RecognizedSkill(row["skill"], int(row["kudos_count"])))
    for skills in found.values():
        skills.sort(key=lambda s: (-s.count, s.skill.casefold()))
    return [found.get(i, []) for i in employee_ids]


async def recognized_skills(loaders: Loaders, employee_id: int) -> list[RecognizedSkill]:
    """The skills an employee's kudos recognize, most often first; one statement for all the
    employees of a response."""
    skills = await loaders.computed("recognized_skills", _recognized_skills_of).load(employee_id)
    return cast("list[RecognizedSkill]", skills)


async def kudos_by_id(loaders: Loaders, pk: int | None) -> Kudos | None:
    return None if pk is None else cast("Kudos | None", await loaders.by_id(Kudos).load(pk))


async def feedback_request_by_id(loaders: Loaders, pk: int | None) -> FeedbackRequest | None:
    return (
        None if pk is None else cast("FeedbackRequest | None", await loaders.by_id(FeedbackRequest).load(pk))
    )


async def kudos_visible(loaders: Loaders, policy: Policy, row: Kudos) -> bool:
    """The node lookup's rule for one kudos (the receiver's teams are read only when needed)."""
    if policy.can_see_kudos(row, ()):
        return True
    if not policy.teams:
        return False
    teams = await TeamMembership.filter(employee_id=row.receiver_id).values_list("team_id", flat=True)
    return policy.can_see_kudos(row, cast("list[int]", teams))


async def feedback_request_visible(loaders: Loaders, policy: Policy, row: FeedbackRequest) -> bool:
    """The node lookup's rule for one feedback request."""
    if policy.can_see_feedback_request(row, None):
        return True
    requester = cast("Employee | None", await loaders.by_id(Employee).load(row.requester_id))
    return requester is not None and policy.can_see_feedback_request(row, requester.manager_id)
