"""The seat invariant under load: never more ENROLLED than capacity; the waitlist moves in order.

Fifty employees enroll into a ten-seat session at the same moment (fifty concurrent HTTP
requests, each with its own token); then seats are given up at the same moment. On PostgreSQL
the requests run on separate pooled connections and really contend for the session's row lock.
"""

from __future__ import annotations

import asyncio

from auth.policy import Policy
from auth.principal import Principal
from auth.scopes import ALL_SCOPES
from ids import to_global_id
from models.events import Event
from models.training import Enrollment, EnrollmentStatus
from resolvers.core.unit_of_work import Actor, mutate
from resolvers.training.enrollment import enroll
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker

ENROLL = """
mutation Enroll($input: EnrollInTrainingSessionInput!) {
  enrollInTrainingSession(input: $input) { enrollment { id status } errors { code } }
}
"""

CANCEL = """
mutation Cancel($input: CancelEnrollmentInput!) {
  cancelEnrollment(input: $input) { enrollment { status } errors { code } }
}
"""

PEOPLE = 50
SEATS = 10


async def _in_line(session_id: int) -> list[Enrollment]:
    return await Enrollment.filter(session_id=session_id).order_by("enrolled_at", "id")


async def test_fifty_enrollers_fill_ten_seats_and_queue_in_order(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    session = await f.session(await f.course(), capacity=SEATS)
    people = [await f.employee(email=f"p{i}@example.com") for i in range(PEOPLE)]
    clients = [graphql(await tokens(p.email)) for p in people]
    variables = {"input": {"sessionId": to_global_id("TrainingSession", session.id)}}

    results = await asyncio.gather(*(c.data(ENROLL, variables) for c in clients))

    assert all(r["enrollInTrainingSession"]["errors"] == [] for r in results)
    statuses = [r["enrollInTrainingSession"]["enrollment"]["status"] for r in results]
    assert statuses.count("ENROLLED") == SEATS and statuses.count("WAITLISTED") == PEOPLE - SEATS
    line = await _in_line(session.id)
    assert [e.status for e in line] == ["enrolled"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)
    assert await Event.filter(type="training.enrolled").count() == SEATS
    assert await Event.filter(type="training.waitlisted").count() == PEOPLE - SEATS

    # When five seat holders cancel at once, the first five in line move up: once each.
    seated = line[:5]
    by_employee = {p.id: c for p, c in zip(people, clients, strict=True)}
    cancels = await asyncio.gather(
        *(
            by_employee[e.employee_id].data(
                CANCEL, {"input": {"enrollmentId": to_global_id("Enrollment", e.id)}}
            )
            for e in seated
        )
    )

    assert all(r["cancelEnrollment"]["errors"] == [] for r in cancels)
    waitlist = line[SEATS:]
    after = {e.id: e.status for e in await Enrollment.filter(session_id=session.id)}
    assert [after[e.id] for e in waitlist[:5]] == ["enrolled"] * 5
    assert all(after[e.id] == "waitlisted" for e in waitlist[5:])
    assert list(after.values()).count(EnrollmentStatus.ENROLLED) == SEATS
    promoted = await Event.filter(type="training.promoted").values_list("subject_id", flat=True)
    assert sorted(promoted) == sorted(e.id for e in waitlist[:5])  # type: ignore[comparison-overlap]  # tortoise types a flat values_list as tuples


async def test_racing_cancellations_and_enrollments_never_overfill(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    session = await f.session(await f.course(), capacity=3)
    holders = [await f.employee(email=f"h{i}@example.com") for i in range(3)]
    seats = [await f.enrollment(session, p) for p in holders]
    newcomers = [await f.employee(email=f"n{i}@example.com") for i in range(12)]
    holder_clients = [graphql(await tokens(p.email)) for p in holders]
    newcomer_clients = [graphql(await tokens(p.email)) for p in newcomers]
    session_input = {"input": {"sessionId": to_global_id("TrainingSession", session.id)}}

    await asyncio.gather(
        *(c.data(ENROLL, session_input) for c in newcomer_clients),
        *(
            c.data(CANCEL, {"input": {"enrollmentId": to_global_id("Enrollment", e.id)}})
            for c, e in zip(holder_clients, seats, strict=True)
        ),
    )

    line = [e for e in await _in_line(session.id) if e.status != "cancelled"]
    assert len(line) == 12
    # Whatever the interleaving, the seats belong to the earliest in line and nobody waits
    # while a seat is free.
    assert [e.status for e in line] == ["enrolled"] * 3 + ["waitlisted"] * 9


async def test_fifty_direct_workflow_calls_overlap_in_the_database_and_still_fit(database_url: str) -> None:
    # Without HTTP in between, the fifty transactions overlap for real (on PostgreSQL each on
    # its own pooled connection): only the session lock keeps the count-then-insert honest.
    session = await f.session(await f.course(), capacity=SEATS)
    people = [await f.employee() for _ in range(PEOPLE)]
    actors = [Actor(await Policy.load(Principal(frozenset(ALL_SCOPES), employee_id=p.id))) for p in people]

    outcomes = await asyncio.gather(
        *(mutate(a, lambda uow: enroll(uow, session_id=session.id, employee_id=None)) for a in actors)
    )

    assert all(o.errors == [] for o in outcomes)
    line = await _in_line(session.id)
    assert [e.status for e in line] == ["enrolled"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)
