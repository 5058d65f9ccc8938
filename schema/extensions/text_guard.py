"""Text no field may store, refused in one place before any resolver sees it.

- Mutations: every string of the `input` argument (nested inputs and lists included) passes
  `text_problem`; a refused one makes the payload's `errors` an `INVALID_CHARACTERS` user error
  at that field's path, and nothing runs, so nothing is written. Tabs and line breaks are kept
  in the multi-line fields (`MULTILINE_FIELDS`). A list of more than MAX_LIST_VALUES values is
  a `TOO_LONG` user error the same way.
- Queries: the variables and the document's string literals are checked the same way (tabs and
  line breaks allowed: no read stores text) and lists are bounded; a refusal is a GraphQL error
  (`INVALID_CHARACTERS`, `TOO_MANY_VALUES`) instead of a database error deep in a filter.
  Subscriptions take only IDs and event positions, which the ID codec refuses itself.

GraphQL's parser already refuses unpaired surrogates in string literals.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import ExecutionResult, GraphQLError, ListValueNode, StringValueNode, Visitor, visit
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.types.base import has_object_definition
from strawberry.types.field import StrawberryField
from strawberry.types.graphql import OperationType
from strawberry.utils.str_converters import to_camel_case

from resolvers.core.errors import ErrorCode
from resolvers.core.errors import UserError as UserErrorData
from resolvers.core.problems import ProblemCode
from resolvers.core.validation import MULTILINE_FIELDS, text_problem
from schema.core.payloads import to_user_errors

# A list argument (statuses, types, IDs, skills) longer than this is a mistake, not a filter.
MAX_LIST_VALUES = 100


Problem = tuple[tuple[str, ...], ErrorCode, str]


def _input_problems(value: Any, path: tuple[str, ...], multiline: bool) -> Iterator[Problem]:
    if isinstance(value, str):
        if problem := text_problem(value, multiline=multiline):
            yield path, ErrorCode.INVALID_CHARACTERS, problem
    elif isinstance(value, list):
        if len(value) > MAX_LIST_VALUES:
            yield path, ErrorCode.TOO_LONG, f"has {len(value)} values; at most {MAX_LIST_VALUES} are allowed"
            return
        for index, item in enumerate(value):
            yield from _input_problems(item, (*path, str(index)), multiline)
    elif has_object_definition(value):
        for field in value.__strawberry_definition__.fields:
            name = field.graphql_name or to_camel_case(field.python_name)
            yield from _input_problems(
                getattr(value, field.python_name, None), (*path, name), name in MULTILINE_FIELDS
            )


def input_text_errors(input: Any) -> list[UserErrorData]:
    """One user error per field of a mutation's input whose text cannot be stored or whose list
    is absurdly long."""
    errors, seen = [], set()
    for path, code, problem in _input_problems(input, ("input",), False):
        field = path[:-1] if path[-1].isdigit() else path
        if field not in seen:
            seen.add(field)
            errors.append(UserErrorData(code, f"{'.'.join(path[1:])} {problem}.", field))
    return errors


class MutationInputText(FieldExtension):
    """Refuses a mutation whose input holds text that cannot be stored, as payload errors."""

    def apply(self, field: StrawberryField) -> None:
        self.field = field

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        errors = input_text_errors(kwargs.get("input"))
        if not errors:
            return await next_(source, info, **kwargs)
        payload = self.field.type
        values: dict[str, Any] = {f.name: None for f in dataclasses.fields(payload) if f.init}  # type: ignore[arg-type]
        values["errors"] = to_user_errors(errors)
        return payload(**values)  # type: ignore[operator]


def _request_problems(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        if problem := text_problem(value, multiline=True):
            yield ProblemCode.INVALID_CHARACTERS, f"{where} {problem}."
    elif isinstance(value, list):
        if len(value) > MAX_LIST_VALUES:
            yield (
                ProblemCode.TOO_MANY_VALUES,
                f"{where} has {len(value)} values; at most {MAX_LIST_VALUES} are allowed.",
            )
        for index, item in enumerate(value):
            yield from _request_problems(item, f"{where}[{index}]")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _request_problems(item, f"{where}.{key}")


def variable_problems(variables: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(code, message) of each text or list in a query's variables that no field accepts."""
    return [
        problem
        for name, value in variables.items()
        for problem in _request_problems(value, f"Variable ${name}")
    ]


class _Literals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[tuple[str, str]] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.problems += _request_problems(node.value, f"The string at line {_line(node)}")

    def enter_list_value(self, node: ListValueNode, *_: Any) -> None:
        if len(node.values) > MAX_LIST_VALUES:
            self.problems.append(
                (ProblemCode.TOO_MANY_VALUES, f"The list at line {_line(node)} has {len(node.values)} values; "
                 f"at most {MAX_LIST_VALUES} are allowed.")
            )  # fmt: skip


def _line(node: Any) -> int:
    return node.loc.source.get_location(node.loc.start).line if node.loc else 0


class ReadInputText(SchemaExtension):
    """Refuses a query whose variables or literals hold text no field stores, or huge lists."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.operation_type is OperationType.QUERY:
            problems = variable_problems(context.variables or {})
            literals = _Literals()
            visit(context.graphql_document, literals)
            problems += literals.problems
            if problems:
                code, message = problems[0]
                context.result = ExecutionResult(
                    data=None, errors=[GraphQLError(message, extensions={"code": code})]
                )
        yield
