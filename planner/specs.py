"""The vocabulary of planner/mapping/: how a GraphQL field maps to SQL (a column, a computed
value, a capability, a to-one relation or a connection), and a model's columns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q
from tortoise.models import Model

from auth.policy import Policy
from planner.capabilities import Rule
from resolvers.core.loaders import NestedList
from resolvers.core.pagination import SortKey


@dataclass(frozen=True)
class Column:
    """A scalar field: a model field and how it is shown (`str`, `int`, `enum`, `date`, `datetime`,
    `bool`, `strings` (a JSON list of strings), `weekdays` (a JSON list of ISO weekday numbers, as
    enum names), `clock` (minutes after midnight, as a `Time`), or `id`, the object's global ID)."""

    field: str
    kind: str


@dataclass(frozen=True)
class Computed:
    """A field computed from the row's columns: `sql` with `{row}` standing for the row's alias;
    `kind` "bool" for a condition, shown as JSON true or false."""

    sql: str
    kind: str = ""


@dataclass(frozen=True)
class Capability:
    """A `viewerCan…` field: the policy's rule as a constant or a `Q` of the row."""

    rule: Rule


@dataclass(frozen=True)
class Counted:
    """How many rows a nested list of the resolver path (`NestedList`, with its fixed filters)
    holds for the row (`seatsTaken`, `waitlistCount`); with `left_of`, what is left of that column
    once they are taken, never below zero (`seatsLeft`: `max(0, capacity - seats taken)`)."""

    rows: NestedList
    left_of: str | None = None


@dataclass(frozen=True)
class Sensitive:
    """A sensitive field (`phone`, `birthDate`, `emergencyContact`): its column, shown only where
    the policy's rule `readable(policy, own row)` lets the principal read it for every row the
    statement may show; elsewhere the resolver path answers (and refuses it with an error)."""

    column: Column
    readable: Callable[[Policy, bool], bool]


@dataclass(frozen=True)
class ToOne:
    """An object field that follows a foreign key of the parent row to `target`'s primary key."""

    target: str
    fk: str


@dataclass(frozen=True)
class Attached:
    """An object field shown from the row of type `target` whose field `key` is the parent's
    primary key (one to one: `workingPattern`). Always an object, as on the resolver path: without
    such a row, each model field named in `defaults` shows that SQL value instead (`{parent}`
    standing for the parent row's alias)."""

    target: str
    key: str
    defaults: Mapping[str, str]


@dataclass(frozen=True)
class Many:
    """A connection: rows of `model` whose `partition` column is the parent's primary key.

    `link` is set for lists of link rows (team memberships): the edge's `node` is the row of
    type `link[1]` that the link row's field `link[0]` points to, and `edge_fields` are the link
    row's own fields shown on the edge (`role`, `joinedAt`). `filter_of` turns the `filter:`
    argument's allowed keys into the resolver path's `Q`; `extra` lists other arguments that
    become plain equality filters (`members(role:)`). `name` is the resolver path's name of the
    list (its `NestedList.name`, or the root field's name), the cursors' list key."""

    model: type[Model]
    partition: str
    sort: SortKey
    visibility: str | None = None
    order_fields: Mapping[str, str] | None = None
    filter_of: Callable[..., Q] | None = None
    filter_keys: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)
    link: tuple[str, str] | None = None
    edge_fields: Mapping[str, Column] = field(default_factory=dict)
    name: str = ""


@dataclass(frozen=True)
class Listed:
    """A root field that returns a plain list of rows, not a connection (`publicHolidays`):
    `model`'s rows where the resolvers' `Q` builder `where(**arguments)` holds, in the order of
    the columns `order` (then the id)."""

    model: type[Model]
    where: Callable[..., Q]
    order: tuple[str, ...]


@dataclass(frozen=True)
class Keyed:
    """A root field that shows one row of `type_name` (`mentorCapacity(employeeId:)`): the row
    whose primary key the global ID `argument` (of `id_type`) names, or the viewer's own when it
    is omitted; null when there is no such row, or no viewer."""

    type_name: str
    argument: str
    id_type: str


@dataclass(frozen=True)
class Chosen:
    """A connection whose list an enum argument chooses (`feedbackRequests(direction:)`): the
    `Many` of each of the argument's values (the enum's stored value). The executor fills the
    argument's default, so it always has one."""

    argument: str
    lists: Mapping[str, Many]


Spec = Attached | Chosen | Column | Computed | Capability | Counted | Sensitive | ToOne | Many


@dataclass(frozen=True)
class TypeMap:
    model: type[Model]
    fields: Mapping[str, Spec]


def column_of(model: type[Model], name: str) -> str:
    """The database column of a model field."""
    found: Any = model._meta.fields_map[name]
    return str(found.source_field or name)


def is_nullable(model: type[Model], name: str) -> bool:
    return bool(model._meta.fields_map[name].null)
