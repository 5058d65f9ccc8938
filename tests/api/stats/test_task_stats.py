"""taskStats: tasks counted by group in SQL, over the tasks the viewer could list, with the floor."""

from __future__ import annotations

import pytest

from ids import to_global_id
from tests.api.stats.org import build_org
from tests.support.graphql_client import Caller, TokenMaker, error_codes

BY_TEAM = "{ taskStats(groupBy: [TEAM]) { team { name } count people suppressed } }"
BY_TEAM_AND_STATUS = "{ taskStats(groupBy: [TEAM, STATUS]) { team { name } status count people suppressed } }"
OPEN_OVERDUE_BY_MONTH = """
{
  taskStats(groupBy: [TEAM, OVERDUE, DUE_MONTH], filter: {status: [TODO, IN_PROGRESS, BLOCKED]}) {
    team { name } overdue dueMonth count people suppressed
  }
}
"""
STATS_OF = (
    "query($filter: TaskFilter) { taskStats(groupBy: [STATUS], filter: $filter) { status count suppressed } }"
)
# Grouped by the assignee's manager too: a join with employees, whose columns share names with tasks'.
DAYS = "{ taskStats(groupBy: [STATUS, MANAGER]) { status count averageDaysToComplete } }"
TASKS = "{ tasks { totalCount } }"
GROUP_BY = "query($by: [TaskStatsDimension!]!) { taskStats(groupBy: $by) { count } }"


def row(
    team: str | None, count: int | None, people: int | None, suppressed: bool = False
) -> dict[str, object]:
    return {
        "team": {"name": team} if team else None,
        "count": count,
        "people": people,
        "suppressed": suppressed,
    }


async def test_hr_sees_every_group_exactly(hr: Caller) -> None:
    # given the org, whose Sec team has two people
    await build_org()

    # when HR counts tasks by team
    data = await hr.data(BY_TEAM)

    # then every team shows, Sec's two people too, sorted by team
    assert sorted(data["taskStats"], key=lambda r: r["team"]["name"]) == [
        row("Ops", 5, 5),
        row("Sec", 2, 2),
        row("Web", 13, 7),
    ]


async def test_a_small_group_is_merged_into_the_other_row_with_its_complement(service: Caller) -> None:
    # given the org: Sec's two people are under the floor of five
    await build_org()

    # when a service (not HR) counts tasks by team
    data = await service.data(BY_TEAM)

    # then Sec is hidden, and so is the next smallest team, Ops, so that the total minus the shown
    # rows is Sec and Ops together, never Sec alone
    rows = data["taskStats"]
    assert [r for r in rows if not r["suppressed"]] == [row("Web", 13, 7)]
    assert [r for r in rows if r["suppressed"]] == [row(None, 7, None, True)]


async def test_the_analyst_question_is_one_query(hr: Caller, service: Caller) -> None:
    # given the org
    await build_org()

    # when HR asks for open tasks per team, overdue, by month
    exact = (await hr.data(OPEN_OVERDUE_BY_MONTH))["taskStats"]

    # then each open group is counted: Web's January tasks are overdue, Ops' February ones too,
    # Sec's tasks have no due date
    assert exact == [
        {"team": {"name": "Web"}, "overdue": True, "dueMonth": "2026-01-01", "count": 7, "people": 7,
         "suppressed": False},
        {"team": {"name": "Ops"}, "overdue": True, "dueMonth": "2026-02-01", "count": 5, "people": 5,
         "suppressed": False},
        {"team": {"name": "Sec"}, "overdue": False, "dueMonth": None, "count": 2, "people": 2,
         "suppressed": False},
    ]  # fmt: skip

    # and a service sees Web's group; Sec's group of two is merged with the next smallest, Ops'
    floored = (await service.data(OPEN_OVERDUE_BY_MONTH))["taskStats"]
    assert floored == [
        {"team": {"name": "Web"}, "overdue": True, "dueMonth": "2026-01-01", "count": 7, "people": 7,
         "suppressed": False},
        {"team": None, "overdue": None, "dueMonth": None, "count": 7, "people": None, "suppressed": True},
    ]  # fmt: skip


async def test_a_filter_narrowing_to_fewer_than_the_floor_shows_nothing(service: Caller, hr: Caller) -> None:
    # given the org
    org = await build_org()
    sec = {"teamId": to_global_id("Team", org.teams["Sec"].id)}

    # when a service counts only Sec's tasks, then the answer is one suppressed row without numbers
    data = await service.data(STATS_OF, {"filter": sec})
    assert data["taskStats"] == [{"status": None, "count": None, "suppressed": True}]

    # while HR sees the two
    assert (await hr.data(STATS_OF, {"filter": sec}))["taskStats"] == [
        {"status": "TODO", "count": 2, "suppressed": False}
    ]


async def test_a_manager_aggregates_only_the_tasks_they_could_list(
    service: Caller, tokens: TokenMaker
) -> None:
    # given the org, where Boss manages Web's seven people
    org = await build_org()
    boss = Caller(service.http, await tokens(org.boss.email), org.boss)

    # when Boss counts tasks by team
    data = await boss.data(BY_TEAM)
    listed = await boss.data(TASKS)

    # then only Web's tasks are counted, as many as Boss can list
    assert data["taskStats"] == [row("Web", 13, 7)]
    assert listed["tasks"]["totalCount"] == 13


async def test_average_days_to_complete(hr: Caller) -> None:
    await build_org()

    data = await hr.data(DAYS)

    by_status = {r["status"]: r for r in data["taskStats"]}
    assert by_status["DONE"]["count"] == 6
    assert abs(by_status["DONE"]["averageDaysToComplete"] - 3.0) < 1e-6
    assert by_status["TODO"]["averageDaysToComplete"] is None


async def test_empty_and_repeated_dimensions_are_refused(hr: Caller) -> None:
    await build_org()

    for by, message in (([], "at least one dimension"), (["TEAM", "TEAM"], "TEAM more than once")):
        body = await hr.execute(GROUP_BY, {"by": by})
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert message in body["errors"][0]["message"]
        assert body["data"] == {"taskStats": None}


NESTED = "{ taskStats(groupBy: [TEAM]) { team { tasks(first: 100) { nodes { id } } } } }"


async def test_an_aggregate_is_costed_as_its_most_groups(hr: Caller) -> None:
    await build_org()

    body = await hr.execute(BY_TEAM)
    nested = await hr.execute(NESTED)

    # up to 500 rows, each with one team: 500 x (1 + 1)
    assert body["extensions"]["cost"]["estimated"] == 500 * 2
    # and a team's page of 100 tasks under each: 500 x (1 + (1 + 100 x (1 + 1)))
    assert nested["extensions"]["cost"]["estimated"] == 500 * (1 + (1 + 100 * (1 + 1)))


async def test_more_groups_than_the_limit_are_refused_not_cut(
    hr: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given three teams with tasks, and a limit of two groups
    await build_org()
    monkeypatch.setattr("resolvers.stats.tables.MAX_GROUPS", 1)

    body = await hr.execute(BY_TEAM)

    assert error_codes(body) == ["TOO_MANY_GROUPS"]
    assert body["data"] == {"taskStats": None}
