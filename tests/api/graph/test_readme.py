"""The README's GraphQL examples validate against the schema and run, in the README's order,
against the demo data, each signed in as the account its section describes: a newcomer can paste
every one of them into GraphiQL and see it work."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse, validate

from auth.passwords import hash_password
from cli.seed.demo import DEMO_PASSWORD, seed_demo
from config import ROOT
from schema import schema
from tests.support.graphql_client import ClientMaker, TokenMaker

EXAMPLES = re.findall(r"```graphql\n(.*?)```", (Path(ROOT) / "README.md").read_text(), re.S)

ADA = "ada.lovelace@example.com"
HR = "hr@example.com"
# Who runs each example, by its root field: the person the README's section speaks to.
ACCOUNTS = {
    "viewer": ADA,
    "updateMyProfile": ADA,
    "createEmployee": HR,
    "updateEmployee": HR,
    "createTeam": HR,
    "updateTeam": HR,
    "addTeamMember": HR,
    "removeTeamMember": HR,
    "updateTask": "jordan.lindqvist@example.com",  # the assignee and creator of Task:12
    "deleteTask": "jordan.lindqvist@example.com",
    "mentorSuggestions": ADA,
    "requestMentorship": ADA,
    "respondToMentorship": ADA,  # Ada is the mentor asked in Mentorship:3
    "logMentorshipCheckIn": ADA,
    "endMentorship": ADA,
    "rateMentorship": ADA,  # Ada, the mentor of Mentorship:3, rates it after ending it
    "setMentorCapacity": ADA,
    "mentorCapacity": ADA,
    "createTrainingCourse": HR,
    "scheduleTrainingSession": HR,
    "enrollInTrainingSession": ADA,
    "cancelEnrollment": ADA,  # Enrollment:161 is Ada's seat
    "recordTrainingOutcome": HR,  # Enrollment:300 sits in yesterday's session
    "submitTrainingFeedback": "hugo.ibrahim@example.com",  # whose outcome HR just recorded
    "cancelTrainingSession": HR,
    "setCoursePrerequisites": HR,
    "createTrainingRequirement": HR,
    "exemptFromTrainingRequirement": HR,
    "removeTrainingExemption": HR,
    "archiveTrainingRequirement": HR,
    "complianceReport": "grace.hopper@example.com",  # Ada's manager; Ada is in Web (Team:7)
    "createWebhook": HR,
    "giveKudos": ADA,
    "requestFeedback": ADA,
    "submitFeedback": ADA,  # FeedbackRequest:1 asks Ada
    "requestTimeOff": ADA,
    "teamCalendar": ADA,
    "decideTimeOff": "grace.hopper@example.com",  # Ada's manager; TimeOffRequest:3 is Ada's pending trip
    "cancelTimeOff": ADA,  # TimeOffRequest:2 is Ada's week three weeks ahead
    "updateWorkingPattern": ADA,
    "setPublicHoliday": HR,
    "setTeamCover": HR,
    "taskStats": "nadia.okafor@example.com",  # the CEO: every task but not HR, so the floor applies
}


def _operations() -> list[tuple[int, OperationDefinitionNode]]:
    return [
        (i, op)
        for i, example in enumerate(EXAMPLES)
        for op in parse(example).definitions
        if isinstance(op, OperationDefinitionNode)
    ]


def _root_field(op: OperationDefinitionNode) -> str:
    return op.selection_set.selections[0].name.value  # type: ignore[attr-defined, no-any-return]  # graphql-core's AST is a union of node types


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 10


def test_every_graphql_example_in_the_readme_validates() -> None:
    problems = {
        i: [e.message for e in validate(schema._schema, parse(example))] for i, example in enumerate(EXAMPLES)
    }
    assert {i: p for i, p in problems.items() if p} == {}


def test_every_example_has_an_account_to_run_as() -> None:
    assert {_root_field(op) for _, op in _operations()} <= set(ACCOUNTS)


@pytest.fixture
def public_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The webhook example's host resolves to a public address, as it would on the internet."""

    async def resolve(host: str, port: int) -> list[Any]:
        return [ipaddress.ip_address("93.184.215.14")]

    monkeypatch.setattr("events.webhooks.targets.resolve", resolve)


async def test_every_example_runs_against_the_demo_data_without_errors(
    graphql: ClientMaker, tokens: TokenMaker, public_dns: None
) -> None:
    # given the demo data
    await seed_demo(password_hash=hash_password(DEMO_PASSWORD))
    clients: dict[str, Any] = {}

    for index, op in _operations():
        account = ACCOUNTS[_root_field(op)]
        if account not in clients:
            clients[account] = graphql(await tokens(account))
        name = op.name.value if op.name else None

        # when the example runs, as written
        client = clients[account]
        response = await client.http.post(
            "/graphql",
            json={"query": EXAMPLES[index], "operationName": name},
            headers={"Authorization": f"Bearer {client.token}"},
        )

        # then it is served without a GraphQL error and every payload reports no user error
        where = f"example {index} ({name or _root_field(op)}) as {account}"
        assert response.status_code == 200, (where, response.text)
        body = response.json()
        assert "errors" not in body, (where, body["errors"])
        for field, payload in body["data"].items():
            if isinstance(payload, dict) and "errors" in payload:
                assert payload["errors"] == [], (where, field, payload["errors"])
