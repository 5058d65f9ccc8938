"""The published contract: the committed SDL matches the code, and everything is described."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from config import ROOT
from schema import schema

CONTRACT_MUTATIONS = [
    "updateMyProfile", "createEmployee", "updateEmployee", "createTeam", "addTeamMember", "removeTeamMember",
    "createTask", "updateTask", "setTaskStatus", "deleteTask", "requestMentorship", "respondToMentorship",
    "endMentorship", "logMentorshipCheckIn", "createTrainingCourse", "scheduleTrainingSession",
    "cancelTrainingSession", "enrollInTrainingSession", "cancelEnrollment", "recordTrainingOutcome",
    "submitTrainingFeedback", "createWebhook", "deleteWebhook", "redeliverWebhookEvent",
]  # fmt: skip
CONTRACT_QUERIES = [
    "viewer", "node", "nodes", "employees", "teams", "tasks", "mentorships", "trainingCourses",
    "trainingSessions", "webhooks", "auditEvents",
]  # fmt: skip


def test_committed_schema_matches_the_code() -> None:
    committed = (Path(ROOT) / "schema.graphql").read_text()
    assert committed == schema.as_str() + "\n", "schema.graphql is stale: run `make schema` and commit it"


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    missing = []
    for name, type_ in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not getattr(type_, "description", None) and not isinstance(type_, GraphQLUnionType):
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in type_.values.items() if not value.description]
    assert missing == []


def test_the_contracted_roots_exist() -> None:
    gql = schema._schema
    assert set(CONTRACT_QUERIES) <= set(gql.query_type.fields)  # type: ignore[union-attr]  # the schema has all three roots
    assert set(CONTRACT_MUTATIONS) <= set(gql.mutation_type.fields)  # type: ignore[union-attr]  # the schema has all three roots
    assert {"taskEvents", "viewerEvents"} <= set(gql.subscription_type.fields)  # type: ignore[union-attr]  # the schema has all three roots
