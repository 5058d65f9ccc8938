"""The README's analyst question, run as written against the demo data seeded on the README's day,
answers exactly what the README shows."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from auth.passwords import hash_password
from cli.seed.demo import DEMO_PASSWORD, seed_demo
from config import ROOT
from tests.support.graphql_client import ClientMaker, TokenMaker

SECTION = (Path(ROOT) / "README.md").read_text().split("## Aggregates\n", 1)[1].split("\n## ", 1)[0]
QUESTION = re.findall(r"```graphql\n(.*?)```", SECTION, re.S)[0]
ANSWER = json.loads(re.findall(r"```json\n(.*?)```", SECTION, re.S)[0])
SEEDED = datetime(2026, 12, 1, 12, tzinfo=UTC)  # "seeded on 1 December 2026"


async def test_the_readme_question_answers_what_the_readme_shows(
    graphql: ClientMaker, tokens: TokenMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the demo data seeded on the README's day, and that day as today
    await seed_demo(now=SEEDED, password_hash=hash_password(DEMO_PASSWORD))
    monkeypatch.setattr("resolvers.stats.dimensions.today", lambda: date(2026, 12, 1))
    ceo = graphql(await tokens("nadia.okafor@example.com"))

    # when the CEO asks the README's question
    data = await ceo.data(QUESTION)

    # then the answer is the README's, and no shown group has fewer than five people
    assert data == ANSWER
    assert all(row["suppressed"] or row["people"] >= 5 for row in data["taskStats"])
