"""One vocabulary: a GraphQL enum is its model enum, a nested list is a named constant, one scoped()."""

from __future__ import annotations

from enum import StrEnum

import pytest

from auth.policy import Policy
from auth.scopes import Scope
from models.tasks import TaskStatus
from models.teams import MembershipRole
from resolvers.core.errors import ErrorCode
from resolvers.core.pagination import PageArgs, SortKey
from resolvers.core.problems import BadInput, ProblemCode
from resolvers.tasks import reads as task_reads
from resolvers.training import reads as training_reads
from schema import schema
from schema.core import enums
from schema.core.enums import graphql_enum
from schema.core.permissions import scoped


def test_each_graphql_enum_is_the_model_enum_itself() -> None:
    assert enums.TaskStatus is TaskStatus
    assert enums.TeamRole is MembershipRole
    assert enums.UserErrorCode is ErrorCode
    graphql = schema.get_type_by_name("TeamRole")
    assert graphql is not None
    assert graphql.wrapped_cls is MembershipRole  # type: ignore[union-attr]


def test_a_member_without_a_description_is_refused_at_import() -> None:
    class Colour(StrEnum):
        RED = "red"
        BLUE = "blue"

    with pytest.raises(ValueError, match="BLUE"):
        graphql_enum(Colour, description="A colour.", values={Colour.RED: "Red."})


def test_named_lists_point_at_the_policy_rule_and_batch_as_equal_specs() -> None:
    by_assignee = task_reads.TASKS_BY_ASSIGNEE
    assert by_assignee.visibility is Policy.visible_tasks
    assert by_assignee.name == "Task.by.assignee_id"  # the cursors' list key stays what it was
    sort = SortKey("created_at")
    one = task_reads.child_tasks("assignee_id", sort, PageArgs(first=5), {"statuses": [TaskStatus.TODO]})
    other = task_reads.child_tasks("assignee_id", sort, PageArgs(first=5), {"statuses": [TaskStatus.TODO]})
    assert one == other and hash(one) == hash(other)
    assert one.filters == (("statuses", (TaskStatus.TODO,)),)


def test_a_fixed_filter_is_part_of_the_named_list() -> None:
    assert training_reads.seats_taken().filters == (("status", "enrolled"),)
    with pytest.raises(ValueError, match="no fixed order"):
        task_reads.TASKS_BY_TEAM.spec(PageArgs())


def test_mutations_and_subscriptions_need_a_scope() -> None:
    async def resolver() -> int:
        return 1

    with pytest.raises(ValueError, match="mutation needs a scope"):
        scoped("Does a thing.", None, resolver, on="mutation")
    field = scoped("Streams things.", Scope.TASKS_READ, resolver, on="subscription")
    assert field.is_subscription
    assert field.description == "Streams things.\n\nRequires scope `tasks:read`."


def test_request_errors_carry_their_code_as_the_wire_string() -> None:
    assert BadInput("no").extensions == {"code": "BAD_USER_INPUT"}
    assert all(code.value == code.name for code in ProblemCode)
