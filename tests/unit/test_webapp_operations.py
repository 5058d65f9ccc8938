"""The web app's GraphQL operations (web/app/operations/*.graphql) are valid against the committed
schema.graphql, so a schema change that would break the app fails here, in review."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, build_schema, parse, validate

import config

OPERATIONS = config.ROOT / "web" / "app" / "operations"
SOURCES = config.ROOT / "web" / "app" / "src"
FILES = sorted(OPERATIONS.glob("*.graphql"))


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema((config.ROOT / "schema.graphql").read_text())


def test_the_app_has_its_operations() -> None:
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_operation_file_is_valid_against_the_schema(schema: GraphQLSchema, path: Path) -> None:
    document = parse(path.read_text())
    errors = validate(schema, document)
    assert not errors, "\n".join(error.message for error in errors)
    names = [d.name.value for d in document.definitions if isinstance(d, OperationDefinitionNode) and d.name]
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert names and len(names) == len(operations), f"{path.name}: every operation needs a name"


def test_every_operation_is_used_by_the_app_and_every_import_exists() -> None:
    code = "\n".join(p.read_text() for p in SOURCES.rglob("*.js"))
    imported = set(re.findall(r"operations/([a-z_]+\.graphql)", code))
    assert imported == {p.name for p in FILES}
    operation_names = {
        d.name.value
        for p in FILES
        for d in parse(p.read_text()).definitions
        if isinstance(d, OperationDefinitionNode) and d.name
    }
    # The app names the operation it sends (a file may hold several): each name must exist.
    sent = set(re.findall(r'(?:request|mutate|useQuery)\([A-Z_]+, "([A-Za-z]+)"', code))
    sent |= set(re.findall(r'operationName: "([A-Za-z]+)"', code))
    assert sent and sent <= operation_names, sent - operation_names
    assert operation_names <= sent, operation_names - sent
