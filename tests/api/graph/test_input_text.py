"""Text no field can store (unpaired surrogates, NUL, control and bidi characters, line breaks
in one-line fields), huge lists and overlong searches get a clear error with a stable code,
never a 500, and nothing is written."""

from __future__ import annotations

import pytest

from models.employees import Employee
from models.tasks import Task
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, GraphQLClient, TokenMaker, error_codes

CREATE_TASK = """
mutation($input: CreateTaskInput!) {
  createTask(input: $input) { task { id title description } errors { field code message } }
}
"""
CREATE_EMPLOYEE = """
mutation($input: CreateEmployeeInput!) {
  createEmployee(input: $input) { employee { id } errors { field code message } }
}
"""
SEARCH_TASKS = "query($s: String) { tasks(filter: {search: $s}) { totalCount } }"
TASKS_BY_STATUS = "query($s: [TaskStatus!]) { tasks(filter: {status: $s}) { totalCount } }"
SEARCH_EMPLOYEES = "query($s: String) { employees(filter: {search: $s}) { totalCount } }"

REFUSED_IN_ONE_LINE = {
    "NUL": "a\x00b",
    "escape": "a\x1bb",
    "DEL": "a\x7fb",
    "C1 control": "a\x85b",
    "right-to-left override": "invoice\u202egnp.exe",
    "first strong isolate": "a\u2068b",
    "newline": "a\nb",
    "tab": "a\tb",
    "line separator": "a\u2028b",
}


@pytest.fixture
async def ada(graphql: ClientMaker, tokens: TokenMaker) -> GraphQLClient:
    await f.employee(email="ada@example.com")
    return graphql(await tokens("ada@example.com"))


@pytest.mark.parametrize("text", REFUSED_IN_ONE_LINE.values(), ids=REFUSED_IN_ONE_LINE.keys())
async def test_a_title_with_characters_it_cannot_hold_is_refused(ada: GraphQLClient, text: str) -> None:
    # When a task is created with such a title
    data = await ada.data(CREATE_TASK, {"input": {"title": text}})

    # Then the payload names the field and the character, and no task exists
    [error] = data["createTask"]["errors"]
    assert data["createTask"]["task"] is None
    assert (error["field"], error["code"]) == (["input", "title"], "INVALID_CHARACTERS")
    assert "U+" in error["message"] and text not in error["message"]
    assert await Task.all().count() == 0


@pytest.mark.parametrize("field", ["title", "description"])
async def test_half_a_surrogate_pair_is_refused_with_the_body_and_writes_nothing(
    ada: GraphQLClient, field: str
) -> None:
    # over HTTP the whole body is refused before GraphQL runs: it is not Unicode text
    response = await ada.post(CREATE_TASK, {"input": {"title": "Plan", field: "one\udfffx"}})

    assert (response.status_code, error_codes(response.json())) == (400, ["INVALID_ENCODING"])
    assert await Task.all().count() == 0


async def test_multi_line_fields_keep_line_breaks_and_tabs_but_not_controls(ada: GraphQLClient) -> None:
    kept = await ada.data(CREATE_TASK, {"input": {"title": "Plan", "description": "one\n\ttwo\r\nthree"}})
    assert kept["createTask"]["task"]["description"] == "one\n\ttwo\r\nthree"

    for text in ["one\x00two", "one\u202etwo"]:
        refused = await ada.data(CREATE_TASK, {"input": {"title": "Plan", "description": text}})
        assert [(e["field"], e["code"]) for e in refused["createTask"]["errors"]] == [
            (["input", "description"], "INVALID_CHARACTERS")
        ]
    assert await Task.all().count() == 1


async def test_every_field_at_fault_is_reported_with_its_path(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="hr@example.com", role="hr")
    hr = graphql(await tokens("hr@example.com"))
    given = {
        "email": "x\u202e@example.com",
        "givenName": "Ada\x00",
        "familyName": "Lovelace",
        "skills": ["ok", "bad\x07"],
        "bio": "Line one\nline two",
    }

    data = await hr.data(CREATE_EMPLOYEE, {"input": given})

    assert sorted((e["field"], e["code"]) for e in data["createEmployee"]["errors"]) == [
        (["input", "email"], "INVALID_CHARACTERS"),
        (["input", "givenName"], "INVALID_CHARACTERS"),
        (["input", "skills"], "INVALID_CHARACTERS"),
    ]
    assert await Employee.filter(family_name="Lovelace").count() == 0


async def test_a_caller_without_a_token_is_refused_before_the_input_is_read(graphql: ClientMaker) -> None:
    response = await graphql().post(CREATE_TASK, {"input": {"title": "\x00"}})
    assert response.status_code == 401 and error_codes(response.json()) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("text", ["x\x00", "\x1b[31m"])
async def test_search_text_that_no_row_can_hold_is_refused(ada: GraphQLClient, text: str) -> None:
    for query in (SEARCH_TASKS, SEARCH_EMPLOYEES):
        body = await ada.execute(query, {"s": text})
        assert error_codes(body) == ["INVALID_CHARACTERS"], query
        assert text not in body["errors"][0]["message"]


async def test_string_literals_are_checked_like_variables(ada: GraphQLClient) -> None:
    nul = await ada.execute('{ tasks(filter: {search: "x\\u0000"}) { totalCount } }')
    surrogate = await ada.execute('{ tasks(filter: {search: "x\\ud800"}) { totalCount } }')

    assert error_codes(nul) == ["INVALID_CHARACTERS"]
    assert error_codes(surrogate) == ["GRAPHQL_PARSE_FAILED"]


async def test_an_overlong_search_is_refused_and_a_long_one_works(ada: GraphQLClient) -> None:
    refused = await ada.execute(SEARCH_TASKS, {"s": "x" * 201})
    served = await ada.data(SEARCH_TASKS, {"s": "x" * 200})

    assert error_codes(refused) == ["SEARCH_TOO_LONG"]
    assert served["tasks"]["totalCount"] == 0


async def test_a_filter_list_with_thousands_of_values_is_refused(ada: GraphQLClient) -> None:
    by_variable = await ada.execute(TASKS_BY_STATUS, {"s": ["TODO"] * 5000})
    literal = "{ tasks(filter: {status: [" + ", ".join(["TODO"] * 101) + "]}) { totalCount } }"
    by_literal = await ada.execute(literal)
    served = await ada.data(TASKS_BY_STATUS, {"s": ["TODO"] * 100})

    assert error_codes(by_variable) == ["TOO_MANY_VALUES"]
    assert error_codes(by_literal) == ["TOO_MANY_VALUES"]
    assert served["tasks"]["totalCount"] == 0


async def test_a_mutation_list_with_thousands_of_values_is_a_user_error(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="hr@example.com", role="hr")
    hr = graphql(await tokens("hr@example.com"))
    given = {"email": "new@example.com", "givenName": "New", "familyName": "Hire", "skills": ["go"] * 5000}

    data = await hr.data(CREATE_EMPLOYEE, {"input": given})

    assert [(e["field"], e["code"]) for e in data["createEmployee"]["errors"]] == [
        (["input", "skills"], "TOO_LONG")
    ]
    assert await Employee.filter(email="new@example.com").count() == 0


SESSIONS_AFTER = "query($d: DateTime) { trainingSessions(filter: {startsAfter: $d}) { totalCount } }"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "2026-01-01T09:00:00"])
async def test_a_time_without_an_offset_is_read_as_utc(ada: GraphQLClient, moment: str) -> None:
    # Given a session, when sessions are filtered by a time without an offset (even at the ends
    # of the calendar), then that time is read as UTC and the filter answers
    await f.session(await f.course())
    data = await ada.data(SESSIONS_AFTER, {"d": moment})
    assert data["trainingSessions"]["totalCount"] == (1 if moment.startswith(("0001", "2026")) else 0)
