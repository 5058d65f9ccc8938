"""The read API's own tests again, on the resolver path.

The default read path is `auto` (planner/README.md), so the rest of the suite runs on the
compiled path wherever the planner covers a query. These are the read-side test files of
tests/api/graph/ once more, with `PEOPLEGRAPH_READ_PATH=resolvers`, so that `make test` keeps
checking both paths against the same expectations (the differential tests compare them too).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from config import Settings
from tests.api.graph.test_authorization_matrix import *  # noqa: F403
from tests.api.graph.test_read_api import *  # noqa: F403
from tests.api.graph.test_readme import *  # noqa: F403
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings, on the resolver path."""
    return replace(settings, read_path="resolvers")


async def test_these_tests_run_on_the_resolver_path(
    graphql: ClientMaker, tokens: TokenMaker, compiled: list[object]
) -> None:
    # Given an employee, when they ask a query the planner covers,
    await f.employee(email="reader@example.com")
    response = await graphql(await tokens("reader@example.com")).post("{ viewer { email } }")
    # then the resolvers answer it: nothing was planned.
    assert response.json()["data"] == {"viewer": {"email": "reader@example.com"}}
    assert compiled == []
