"""The README's GraphQL examples are valid against the schema, so a newcomer can paste them."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import parse, validate

from config import ROOT
from schema import schema

EXAMPLES = re.findall(r"```graphql\n(.*?)```", (Path(ROOT) / "README.md").read_text(), re.S)


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 10


def test_every_graphql_example_in_the_readme_validates():
    problems = {
        i: [e.message for e in validate(schema._schema, parse(example))] for i, example in enumerate(EXAMPLES)
    }
    assert {i: p for i, p in problems.items() if p} == {}
