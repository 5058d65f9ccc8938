"""PEOPLEGRAPH_MIN_GROUP_SIZE sets the floor; a value that is no whole number from 1 to 1000 refuses
to start."""

from __future__ import annotations

from dataclasses import replace

import pytest

from config import Settings, load_settings
from tests.api.stats.org import build_org
from tests.support.graphql_client import Caller

BY_TEAM = "{ taskStats(groupBy: [TEAM]) { team { name } count suppressed } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A floor of two people."""
    return replace(settings, min_group_size=2)


async def test_a_lower_floor_shows_smaller_groups(service: Caller) -> None:
    # given the org, whose Sec team has two people, and a floor of two
    await build_org()

    # when a service counts tasks by team, then Sec's two show
    data = await service.data(BY_TEAM)
    assert {"team": {"name": "Sec"}, "count": 2, "suppressed": False} in data["taskStats"]
    assert all(not row["suppressed"] for row in data["taskStats"])


def test_the_floor_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PEOPLEGRAPH_MIN_GROUP_SIZE", raising=False)
    assert load_settings().min_group_size == 5
    monkeypatch.setenv("PEOPLEGRAPH_MIN_GROUP_SIZE", "10")
    assert load_settings().min_group_size == 10
    for bad in ("0", "-1", "five", "1001"):
        monkeypatch.setenv("PEOPLEGRAPH_MIN_GROUP_SIZE", bad)
        with pytest.raises(
            ValueError, match="PEOPLEGRAPH_MIN_GROUP_SIZE must be a whole number from 1 to 1000"
        ):
            load_settings()
