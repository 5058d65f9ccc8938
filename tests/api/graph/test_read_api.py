"""The read API: the connected graph, paging, filters, orders and bad input."""

from __future__ import annotations

import httpx

from models.employees import Employee
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, error_codes

VIEWER = """
query {
  viewer { displayName email manager { displayName } directReports(first: 10) { totalCount nodes { email } } }
}
"""

EMPLOYEES_PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String) {
  employees(first: $first, after: $after, last: $last, before: $before,
            orderBy: {field: FAMILY_NAME, direction: ASC}) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { familyName } }
  }
}
"""

NODE = "query($id: ID!) { node(id: $id) { id __typename ... on Task { title } ... on Employee { email } } }"


async def make_org() -> tuple[Employee, Employee, Employee]:
    boss = await f.employee(email="boss@example.com", family_name="Aaron")
    ada = await f.employee(email="ada@example.com", family_name="Byron", manager=boss)
    bob = await f.employee(email="bob@example.com", family_name="Cole", manager=boss)
    return boss, ada, bob


async def test_viewer_shows_the_signed_in_employee_and_their_org(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    boss, ada, bob = await make_org()
    client = graphql(await tokens("boss@example.com"))

    data = await client.data(VIEWER)

    assert data["viewer"]["email"] == "boss@example.com"
    assert data["viewer"]["manager"] is None
    assert data["viewer"]["directReports"]["totalCount"] == 2
    assert {n["email"] for n in data["viewer"]["directReports"]["nodes"]} == {
        "ada@example.com",
        "bob@example.com",
    }


async def test_paging_forward_and_backward_visits_every_employee_once(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await make_org()
    for i in range(7):
        await f.employee(family_name=f"Zed{i}")
    client = graphql(await tokens("boss@example.com"))

    seen, after = [], None
    while True:
        page = (await client.data(EMPLOYEES_PAGE, {"first": 3, "after": after}))["employees"]
        seen += [e["node"]["familyName"] for e in page["edges"]]
        assert page["totalCount"] == 10
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(seen) and len(seen) == 10 == len(set(seen))

    last = (await client.data(EMPLOYEES_PAGE, {"last": 2}))["employees"]
    assert [e["node"]["familyName"] for e in last["edges"]] == seen[-2:]
    before = (await client.data(EMPLOYEES_PAGE, {"last": 3, "before": last["pageInfo"]["startCursor"]}))[
        "employees"
    ]
    assert [e["node"]["familyName"] for e in before["edges"]] == seen[-5:-2]


async def test_page_size_over_100_is_refused_with_a_clear_error(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await make_org()
    client = graphql(await tokens("boss@example.com"))

    body = await client.execute(EMPLOYEES_PAGE, {"first": 101})

    assert error_codes(body) == ["PAGE_SIZE_EXCEEDED"]
    assert "at most 100" in body["errors"][0]["message"]


async def test_negative_first_is_refused(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await make_org()
    body = await graphql(await tokens("boss@example.com")).execute(EMPLOYEES_PAGE, {"first": -1})
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_a_cursor_from_another_list_is_refused(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await make_org()
    client = graphql(await tokens("boss@example.com"))
    teams = await client.data("{ teams(first: 1) { pageInfo { endCursor } } }")
    await f.team(name="Platform")
    foreign = (await client.data("{ teams(first: 1) { pageInfo { endCursor } } }"))["teams"]["pageInfo"][
        "endCursor"
    ]
    assert teams

    body = await client.execute(EMPLOYEES_PAGE, {"first": 2, "after": foreign})

    assert error_codes(body) == ["INVALID_CURSOR"]
    assert "another list" in body["errors"][0]["message"]


async def test_a_malformed_cursor_is_refused(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await make_org()
    body = await graphql(await tokens("boss@example.com")).execute(
        EMPLOYEES_PAGE, {"first": 2, "after": "%%%"}
    )
    assert error_codes(body) == ["INVALID_CURSOR"]


async def test_node_resolves_by_global_id_and_refuses_malformed_ids(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    boss, ada, _ = await make_org()
    task = await f.task(ada, title="Write report")
    client = graphql(await tokens("ada@example.com"))
    task_id = (await client.data("{ tasks(first: 1) { nodes { id } } }"))["tasks"]["nodes"][0]["id"]

    found = await client.data(NODE, {"id": task_id})
    assert found["node"] == {"id": task_id, "__typename": "Task", "title": task.title}

    for bad in ["not-an-id", "", "VGFzazphYmM"]:  # the last is base64 of "Task:abc"
        body = await client.execute(NODE, {"id": bad})
        assert error_codes(body) == ["INVALID_ID"], bad


async def test_unknown_enum_values_are_refused_before_anything_runs(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await make_org()
    body = await graphql(await tokens("boss@example.com")).execute(
        "{ employees(orderBy: {field: SHOE_SIZE}) { totalCount } }"
    )
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "SHOE_SIZE" in body["errors"][0]["message"]


async def test_filters_narrow_lists(graphql: ClientMaker, tokens: TokenMaker) -> None:
    boss, ada, bob = await make_org()
    team = await f.team(name="Platform")
    await f.member(team, ada, "lead")
    await f.task(ada, title="Fix login", status="in_progress", team=team)
    await f.task(ada, title="Write docs", status="done")
    client = graphql(await tokens("boss@example.com"))

    data = await client.data(
        """{ tasks(filter: {status: [IN_PROGRESS]}) { totalCount nodes { title team { name } } }
             employees(filter: {search: "ada"}) { nodes { email teams { edges { role node { name } } } } } }"""
    )

    assert data["tasks"] == {"totalCount": 1, "nodes": [{"title": "Fix login", "team": {"name": "Platform"}}]}
    assert data["employees"]["nodes"] == [
        {"email": "ada@example.com", "teams": {"edges": [{"role": "LEAD", "node": {"name": "Platform"}}]}}
    ]


async def test_an_employee_reads_their_enrollments_through_the_instructor_rule(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    boss, ada, bob = await make_org()
    course = await f.course(title="Security basics")
    session = await f.session(course, instructor=bob)
    await f.enrollment(session, ada)
    await f.enrollment(session, boss)

    ada_view = await graphql(await tokens("ada@example.com")).data(
        "{ viewer { enrollments(first: 5) { totalCount nodes { session { course { title } } } } } }"
    )
    instructor_view = await graphql(await tokens("bob@example.com")).data(
        "{ trainingSessions { nodes { enrollments { totalCount nodes { employee { email } } } } } }"
    )

    assert ada_view["viewer"]["enrollments"]["totalCount"] == 1
    assert ada_view["viewer"]["enrollments"]["nodes"][0]["session"]["course"]["title"] == "Security basics"
    emails = {
        n["employee"]["email"]
        for n in instructor_view["trainingSessions"]["nodes"][0]["enrollments"]["nodes"]
    }
    assert emails == {"ada@example.com", "boss@example.com"}


async def test_persisted_queries_save_sending_the_query_text(
    http: httpx.AsyncClient, tokens: TokenMaker
) -> None:
    import hashlib

    await make_org()
    headers = {"Authorization": f"Bearer {await tokens('ada@example.com')}"}
    query = "{ viewer { email } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}

    unknown = await http.post("/graphql", json={"extensions": extensions}, headers=headers)
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    await http.post("/graphql", json={"query": query, "extensions": extensions}, headers=headers)
    known = await http.post("/graphql", json={"extensions": extensions}, headers=headers)

    assert known.json()["data"] == {"viewer": {"email": "ada@example.com"}}


async def test_employees_filter_by_skill(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await make_org()
    await f.employee(email="py@example.com", skills=["Python", "SQL"])
    await f.employee(email="go@example.com", skills=["Go"])
    client = graphql(await tokens("boss@example.com"))

    data = await client.data('{ employees(filter: {skill: "python"}) { nodes { email } } }')

    assert data["employees"]["nodes"] == [{"email": "py@example.com"}]


async def test_relations_read_in_both_directions(graphql: ClientMaker, tokens: TokenMaker) -> None:
    boss, ada, bob = await make_org()
    web = await f.team(name="Web", lead=boss)
    await f.task(bob, title="Review", creator=boss)
    course = await f.course(title="Security basics")
    await f.session(course, instructor=boss)
    client = graphql(await tokens("boss@example.com"))

    data = await client.data(
        """{ viewer { ledTeams { nodes { name lead { email } } }
                      createdTasks { nodes { title creator { email } assignee { email } } }
                      instructedSessions { nodes { instructor { email } course { title } } } } }"""
    )

    viewer = data["viewer"]
    assert viewer["ledTeams"]["nodes"] == [{"name": web.name, "lead": {"email": "boss@example.com"}}]
    assert viewer["createdTasks"]["nodes"] == [
        {
            "title": "Review",
            "creator": {"email": "boss@example.com"},
            "assignee": {"email": "bob@example.com"},
        }
    ]
    assert viewer["instructedSessions"]["nodes"] == [
        {"instructor": {"email": "boss@example.com"}, "course": {"title": "Security basics"}}
    ]


WEBHOOKS = """
query($filter: WebhookFilter) { webhooks(first: 10, filter: $filter) { totalCount nodes { url enabled } } }
"""


async def test_webhooks_are_filtered_by_state_and_text(graphql: ClientMaker, tokens: TokenMaker) -> None:
    # given
    from models.webhooks import Webhook

    await f.employee(email="hr@example.com", role="hr")
    await Webhook.create(url="https://chat.example.com/in", secret="whsec_x", description="Chat bot")
    await Webhook.create(url="https://lms.example.com/hook", secret="whsec_x", enabled=False)
    client = graphql(await tokens("hr@example.com"))

    # when
    disabled = (await client.data(WEBHOOKS, {"filter": {"enabled": False}}))["webhooks"]
    chat = (await client.data(WEBHOOKS, {"filter": {"search": "CHAT BOT"}}))["webhooks"]

    # then
    assert disabled == {"totalCount": 1, "nodes": [{"url": "https://lms.example.com/hook", "enabled": False}]}
    assert chat == {"totalCount": 1, "nodes": [{"url": "https://chat.example.com/in", "enabled": True}]}
