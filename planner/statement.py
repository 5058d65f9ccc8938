"""The state of one statement the compiler writes: its parameters, the viewer's facts it binds,
its aliases, and JSON objects of selected fields.

planner/compiler.py (root fields, objects, to-one relations) and planner/connections.py (lists,
pages, edges) build on it; the two call each other through the methods declared abstract here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from graphql import FieldNode, GraphQLField, GraphQLObjectType, get_named_type

from auth.policy import Policy
from planner.dialect import Dialect, literal
from planner.mapping import TYPES
from planner.params import BoundInt, BoundStr, Fact, Param, Path, bound_paths, symbolic
from planner.selection import Fields, Uncovered, Walker
from planner.specs import Many, Sensitive
from planner.visibility import Derivation

Value = Callable[[str, list[FieldNode], GraphQLField], str]

# Nested connections SQLite's parser takes (its stack holds about 100 frames, and each level of
# JSON objects and subqueries takes 30 or more); PostgreSQL has no such limit. Deeper statements
# that still overflow fail at run time, and planner/extension.py then falls back for good.
MAX_SQLITE_NESTING = 2


class Statement(ABC):
    def __init__(self, walker: Walker, dialect: Dialect, policy: Policy) -> None:
        # The viewer's facts are stand-ins, bound per request: the plan serves every viewer of
        # the principal's class (planner/params.py).
        self.walker, self.dialect, self.policy = walker, dialect, symbolic(policy)
        self._facts: dict[tuple[str, ...], str] = {}  # the placeholder of each fact the root field binds
        self._own = ""  # the alias of the viewer's own row (`viewer`), whose sensitive fields they read
        self._aliases = 0
        self._defaults: dict[str, dict[str, str]] = {}  # an attached row's alias: its fields' defaults
        self._nesting = 0
        # Whether the rows being compiled are a nested list's (a page per parent row), whose
        # to-one rows PostgreSQL reads by their key (planner/compiler.py `_joined`).
        self._nested = False
        self.params: list[Param] = []  # of the root field being compiled
        self.consumed: set[Path] = set()  # the variables bound as parameters
        self.cursors = False  # whether the root field being compiled returns cursors (to splice)

    def param(self, value: Any, convert: str = "") -> str:
        """A variable's value as a parameter of the statement (planner/params.py); a value of
        the document itself is inlined (the document is part of the plan's key)."""
        if not isinstance(value, BoundInt | BoundStr):
            return str(int(value))
        self.consumed.add(value.path)
        self.params.append(Param(value.path, convert))
        return self.dialect.placeholder(len(self.params))

    def constant(self, value: Any) -> str:
        """A constant as a parameter of the statement (a value Tortoise converts for the
        database), or the viewer's id where the symbolic policy has its stand-in."""
        if isinstance(value, Fact):
            if value.many:  # outside an `IN` list (planner/visibility.py renders those)
                raise Uncovered("a set of the viewer's ids compared as one value")
            return self.dialect.integer(self._fact((value.name,)))
        self.params.append(Param(None, constant=value))
        return self.dialect.placeholder(len(self.params))

    def member(self, column: str, facts: tuple[Fact, ...]) -> str:
        """Whether `column` is one of the viewer's ids that `facts` stand for (the union of their
        sets, one parameter): no sub-select, as SQLite's parser takes only so many."""
        names = tuple(sorted({fact.name for fact in facts}))
        return self.dialect.member(column, self._fact(names, self.dialect.ids))

    def _fact(self, names: tuple[str, ...], convert: str = "fact") -> str:
        """The placeholder of the fact parameter (one per fact and statement)."""
        if names not in self._facts:
            self.params.append(Param(None, convert, names))
            self._facts[names] = self.dialect.placeholder(len(self.params))
        return self._facts[names]

    def _derived(self, derivation: Derivation | None) -> str | None:
        """A condition built from the request's variables (planner/visibility.py `Derivation`),
        its values parameters of the statement, rebuilt per request."""
        if derivation is None:
            return None
        names = []
        for index in range(derivation.size):
            self.params.append(Param(None, "derived", (derivation, index)))
            names.append(self.dialect.placeholder(len(self.params)))
        self.consumed |= bound_paths(derivation.template)
        return derivation.sql(names)

    def _alias(self) -> str:
        self._aliases += 1
        return f'"p{self._aliases}"'

    def _named(self, field: GraphQLField) -> GraphQLObjectType:
        return self.walker.object_type(get_named_type(field.type).name)

    def _pairs(self, gtype: GraphQLObjectType, fields: Fields, value: Value) -> str:
        """A JSON object of the selected fields; `value` renders each one but `__typename`."""
        pairs: list[tuple[str, str]] = []
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                pairs.append((key, literal(gtype.name)))
            else:
                # A sensitive field's permission is the policy's, asked by the compiler itself.
                checked = (
                    isinstance(TYPES[gtype.name].fields.get(name), Sensitive)
                    if gtype.name in TYPES
                    else False
                )
                pairs.append((key, value(name, nodes, self.walker.definition(gtype, nodes, checked))))
        return self.dialect.obj(pairs)

    @abstractmethod
    def _object(self, gtype: GraphQLObjectType, alias: str, fields: Fields, joins: list[str]) -> str:
        """The JSON of the row `alias` (planner/compiler.py)."""

    @abstractmethod
    def _joined(
        self,
        target: GraphQLObjectType,
        nodes: list[FieldNode],
        fk: str,
        joins: list[str],
        nullable: bool = True,
    ) -> str:
        """The JSON of the `target` row whose primary key is `fk` (planner/compiler.py)."""

    @abstractmethod
    def _connection(
        self,
        spec: Many,
        field: GraphQLField,
        nodes: list[FieldNode],
        args: dict[str, Any],
        parent: str | None,
    ) -> str:
        """A connection's JSON (planner/connections.py)."""
