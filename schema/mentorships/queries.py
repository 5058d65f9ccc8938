"""The mentorship root fields: `mentorships` you can see, and `mentorSuggestions`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.core.problems import BadInput
from resolvers.mentorships import capacity, suggestions
from resolvers.mentorships import reads as r
from resolvers.mentorships.suggestions import MAX_SUGGESTIONS
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args, pk_of
from schema.core.permissions import scoped
from schema.core.relay import Connection, to_connection
from schema.mentorships.filters import (
    MentorshipFilter,
    MentorshipOrder,
    mentorship_filter_kwargs,
    mentorship_sort,
)
from schema.mentorships.types import MentorCapacity, Mentorship, MentorSuggestion
from web.context import Info


@scoped("Mentorships you can see.", Scope.MENTORSHIPS_READ)
async def mentorships(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[MentorshipFilter | None, FILTER_ARGUMENT] = None,
    order_by: Annotated[MentorshipOrder | None, ORDER_ARGUMENT] = None,
) -> Connection[Mentorship] | None:
    args = page_args(first, after, last, before)
    policy = await info.context.policy()
    listing = await r.mentorship_listing(
        mentorship_filter_kwargs(filter), policy, mentorship_sort(order_by), args, info.context.loaders
    )
    return to_connection(listing.page, Mentorship.from_row, listing.count)


@scoped(
    "Colleagues with room who could mentor you in these skills: active employees who list at "
    "least one of them (any case) and have not reached their capacity, ranked by `totalScore` "
    "(shared skills, org chart distance, time zone overlap, load: see `reasons`), then by name; "
    "never you or your reports. A ranked list, not a connection: it is computed, not paged.",
    Scope.EMPLOYEES_READ,
)
async def mentor_suggestions(
    info: Info,
    skills: Annotated[list[str], strawberry.argument(description="The skills you want to grow.")],
    first: Annotated[
        int, strawberry.argument(description=f"How many suggestions (1-{MAX_SUGGESTIONS}).")
    ] = 10,
) -> list[MentorSuggestion] | None:
    if not 1 <= first <= MAX_SUGGESTIONS:
        raise BadInput(f"first must be between 1 and {MAX_SUGGESTIONS}.")
    found = await suggestions.mentor_suggestions(await info.context.policy(), skills, first)
    return [MentorSuggestion(suggestion=s) for s in found]


@scoped(
    "An employee's capacity as a mentor and how much of it is taken (yours if `employeeId` is "
    "omitted; null for a service token without `employeeId`, or an unknown employee).",
    Scope.EMPLOYEES_READ,
)
async def mentor_capacity(
    info: Info,
    employee_id: Annotated[
        strawberry.ID | None, strawberry.argument(description="The employee; you if omitted.")
    ] = None,
) -> MentorCapacity | None:
    pk = (
        pk_of(employee_id, "Employee") if employee_id is not None else (await info.context.policy()).viewer_id
    )
    load = await capacity.capacity_of(pk)
    return MentorCapacity(load=load) if load else None
