"""Cursors on the compiled path: the very strings the resolver path hands out, and `after:`.

Each list of `PAGED` is walked to its end, page by page, with the `endCursor` of the previous
page; both paths must give the same bodies, and the compiled one must serve every page.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.api.compiled.conftest import Org, Paths
from tests.api.compiled.queries import PAGED


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


@pytest.mark.parametrize("name", sorted(PAGED))
@pytest.mark.parametrize("role", ["hr", "employee"])
async def test_paging_with_after_answers_the_same(
    paths: Paths, org: Org, name: str, role: str, compiled: list[object]
) -> None:
    query, path = PAGED[name]
    after: str | None = None
    pages = 0
    null_sort_values: set[bool] = set()
    while True:
        variables: dict[str, object] = {"after": after}
        if "$id" in query:
            variables["id"] = org.ids["worker"]
        slow, fast, served = await paths.both(org.tokens[role], query, variables)
        assert "errors" not in slow, slow
        assert (fast, served) == (slow, "compiled"), (pages, after)
        connection = _at(slow["data"], path)
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
        null_sort_values.add(_sort_value(after) is None)
    # HR reads no one's feedback requests (auth/rules/feedback.py): one empty page.
    assert pages > 1 or name == "members" or (name, role) == ("feedback", "hr")
    # One plan pages through the whole list: the first page's, and one per kind of cursor (a
    # cursor at a null sort value seeks with another condition), never one per page.
    assert len(compiled) <= 1 + len(null_sort_values), (len(compiled), pages)


def _sort_value(cursor: str) -> Any:
    """The sort value a cursor holds (base64url of JSON `[list key, value, id]`)."""
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))[1]


async def test_a_cursor_of_another_list_is_refused_by_the_resolver_path(paths: Paths, org: Org) -> None:
    query, _ = PAGED["root_due"]
    slow, _, _ = await paths.both(org.tokens["hr"], query, {"after": None})
    other = slow["data"]["tasks"]["pageInfo"]["endCursor"]
    title, _ = PAGED["root_title"]
    for cursor in (other, "not a cursor"):
        slow, fast, served = await paths.both(
            org.tokens["hr"], title, {"after": cursor, "id": org.ids["worker"]}
        )
        assert slow["errors"]
        assert (fast, served) == (slow, "resolvers")
