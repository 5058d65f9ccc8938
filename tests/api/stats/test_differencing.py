"""Differencing attacks: two overlapping answers whose difference would name a group under the floor.

A naive floor hides only the small cells; these tests show the subtraction an analyst would try
and that it comes out as no single small group."""

from __future__ import annotations

from models.employees import Employee, EmployeeStatus
from tests.api.stats.org import build_org
from tests.support.graphql_client import Caller

TASKS_BY_TEAM = "{ taskStats(groupBy: [TEAM]) { team { name } count suppressed } }"
TASKS_BY_TEAM_AND_STATUS = "{ taskStats(groupBy: [TEAM, STATUS]) { team { name } status count suppressed } }"
EMPLOYEES_BY_TEAM = """
query($filter: EmployeeFilter) {
  employeeStats(groupBy: [TEAM], filter: $filter) { team { name } count people suppressed }
}
"""
ACTIVE = {"status": ["ACTIVE"]}


def shown(rows: list[dict[str, object]], team: str) -> list[dict[str, object]]:
    return [r for r in rows if r["team"] == {"name": team}]


async def test_by_team_minus_by_team_and_status_does_not_reveal_a_small_status_group(service: Caller) -> None:
    # given Web, where only Bo has a BLOCKED task (a naive floor would show Web's six TODO and six
    # DONE tasks, and Web's 13 tasks minus those 12 is Bo's)
    await build_org()

    # when a service asks by team, then by team and status
    by_team = (await service.data(TASKS_BY_TEAM))["taskStats"]
    finer = (await service.data(TASKS_BY_TEAM_AND_STATUS))["taskStats"]

    # then Web's total shows, but only one of its large status groups does: the other is merged
    # with Bo's into the "other" row, so the difference is 7 tasks of two groups, not Bo's one
    web_total = shown(by_team, "Web")[0]["count"]
    web_rows = shown(finer, "Web")
    assert web_total == 13
    assert [r["status"] for r in web_rows] in (["TODO"], ["DONE"])
    assert all(r["status"] != "BLOCKED" for r in finer)
    assert web_total - sum(r["count"] for r in web_rows) == 7  # type: ignore[misc]  # JSON numbers


async def test_with_and_without_a_filter_does_not_reveal_who_the_filter_leaves_out(
    service: Caller, hr: Caller
) -> None:
    # given the org with one of Web's seven on leave
    org = await build_org()
    await Employee.filter(id=org.people["Web"][0].id).update(status=EmployeeStatus.ON_LEAVE)

    # when a service counts employees by team with and without `status: ACTIVE`
    everyone = (await service.data(EMPLOYEES_BY_TEAM))["employeeStats"]
    active = (await service.data(EMPLOYEES_BY_TEAM, {"filter": ACTIVE}))["employeeStats"]

    # then the unfiltered answer shows Web's seven, and the filtered one cannot be subtracted from
    # it: it leaves out one person only, so its total is itself a group under the floor
    assert shown(everyone, "Web") == [{"team": {"name": "Web"}, "count": 7, "people": 7, "suppressed": False}]
    assert active == [{"team": None, "count": None, "people": None, "suppressed": True}]

    # while HR sees the six
    exact = (await hr.data(EMPLOYEES_BY_TEAM, {"filter": ACTIVE}))["employeeStats"]
    assert shown(exact, "Web")[0]["count"] == 6


async def test_a_filter_leaving_out_a_small_part_of_one_group_hides_that_group(service: Caller) -> None:
    # given one of Web's seven and all five of Ops on leave: the filter leaves out six people,
    # one of them in Web
    org = await build_org()
    away = [org.people["Web"][0].id, *(p.id for p in org.people["Ops"])]
    await Employee.filter(id__in=away).update(status=EmployeeStatus.ON_LEAVE)

    # when a service counts active employees by team
    active = (await service.data(EMPLOYEES_BY_TEAM, {"filter": ACTIVE}))["employeeStats"]

    # then Web's six are not shown (seven without the filter minus six would be the one on leave):
    # they are merged with the small groups into the "other" row
    assert active == [{"team": None, "count": 9, "people": None, "suppressed": True}]
