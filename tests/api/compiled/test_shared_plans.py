"""One plan per principal class: the viewer's facts (their id, reports and teams) are parameters.

Employees with the same scopes share one cached plan, and each gets their own answer from it:
the one the resolver path gives them (the policy's rules, rendered with the facts bound per
request: planner/params.py). HR shares another, service tokens a third.
"""

from __future__ import annotations

from tests.api.compiled.conftest import Org, Paths
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker

# Visibility (tasks, mentorships, enrollments), capabilities and `viewer`: every rule that reads
# the viewer's facts.
PER_VIEWER = """query PerViewer($id: ID!) {
  viewer { email directReports { totalCount } }
  tasks(first: 50, orderBy: {field: TITLE, direction: ASC}) {
    totalCount nodes { title viewerCanUpdate viewerCanDelete team { name viewerCanManage } } }
  mentorships { totalCount nodes { status mentor { email } mentee { email } } }
  node(id: $id) { ... on Employee { email viewerCanUpdate
    enrollments { totalCount nodes { status } }
    teams { edges { role node { viewerCanManage } } } } }
}"""


async def test_employees_share_one_plan_and_each_gets_their_own_answer(
    paths: Paths, org: Org, tokens: TokenMaker
) -> None:
    from planner.plans import PLANS

    # Given employees with and without reports and teams (the newcomer has neither).
    await f.employee(email="newcomer@example.com")
    people = ("worker", "manager", "other", "boss", "newcomer")
    viewers = {name: await tokens(f"{name}@example.com") for name in people}
    before = len(PLANS)
    answers = []
    for name, token in viewers.items():
        # When each asks the same operation about the worker.
        slow, fast, path = await paths.both(token, PER_VIEWER, {"id": org.ids["worker"]})
        # Then the compiled path answers each as the resolver path does.
        assert "errors" not in slow, slow
        assert (fast, path) == (slow, "compiled"), name
        assert slow["data"]["viewer"]["email"] == f"{name}@example.com"
        answers.append(slow["data"])
    # And one plan served them all.
    assert len(PLANS) == before + 1
    counts = {(a["tasks"]["totalCount"], a["mentorships"]["totalCount"]) for a in answers}
    assert len(counts) > 2, counts  # the answers differ by viewer, as their facts do
    newcomer = answers[-1]
    assert newcomer["tasks"]["totalCount"] == 0 and newcomer["mentorships"]["totalCount"] == 0


async def test_hr_and_service_tokens_have_plans_of_their_own(
    paths: Paths, org: Org, tokens: TokenMaker
) -> None:
    from planner.plans import PLANS

    # Given a plan for an employee.
    await paths.both(org.tokens["employee"], PER_VIEWER, {"id": org.ids["worker"]})
    before = len(PLANS)
    # When HR, a second HR person and a service token ask the same.
    await f.employee(email="hr2@example.com", role="hr")
    for token in (org.tokens["hr"], await tokens("hr2@example.com"), org.tokens["service"]):
        slow, fast, path = await paths.both(token, PER_VIEWER, {"id": org.ids["worker"]})
        assert (fast, path) == (slow, "compiled")
    # Then HR shares one plan (they see everything), and the service token has another.
    assert len(PLANS) == before + 2
