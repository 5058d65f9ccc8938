"""The two renderings of the planner's JSON: PostgreSQL (`json_build_object`, `json_agg`) and
SQLite (`json_object`, `json_group_array`).

Values are shown exactly as the resolver path shows them. Global IDs are SQL expressions on both
(SQLite has no base64: planner/sqlite_ids.py renders it by integer arithmetic), which
tests/unit/planner/ checks against the codec. Times on SQLite are the stored text with a "T" when
it is Tortoise's UTC form, else Tortoise's own conversion called from SQL (`planner_datetime`,
planner/sqlite_functions.py).
"""

from __future__ import annotations

import base64
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

from planner import sqlite_ids

# A list's items as SQLite's ordered_array selects them: the subquery, and each item's JSON.
_ITEMS, _ITEM = '"q"', '"q"."j"'
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Dialect(ABC):
    """How one database spells JSON, ids, parameters and times; one subclass per backend."""

    name = ""
    # Whether `ORDER BY column ASC` / `DESC` puts nulls where the lists do (last when ascending,
    # first when descending: the resolvers' nulls flag sorts in the list's direction).
    nulls_in_list_order = False

    @abstractmethod
    def obj(self, pairs: Sequence[tuple[str, str]]) -> str: ...

    @abstractmethod
    def embed(self, subquery: str) -> str:
        """A subquery that returns JSON, as a JSON value of the enclosing object."""
        ...

    @abstractmethod
    def array(self, items: Sequence[str]) -> str:
        """A JSON array of SQL values."""
        ...

    @abstractmethod
    def ordered_array(
        self, item: str, source: str, order: Sequence[tuple[str, str]], ordered: bool = False
    ) -> str:
        """A query whose one value is the JSON array of `item` (a JSON value of each row) over
        the rows of `source` (a FROM clause: a table or subquery and its joins), in `order` (each
        term's expression and direction). `ordered`: `source` is a page's rows, already in
        `order`, and its joins are LEFT JOINs of at most one row each (to-one and attached
        rows), which keep that order."""
        ...

    @abstractmethod
    def gid(self, type_name: str, column: str) -> str: ...

    @abstractmethod
    def placeholder(self, number: int) -> str:
        """The statement's parameter `number` (from 1; numbered, so any order and reuse work)."""
        ...

    @abstractmethod
    def integer(self, placeholder: str) -> str:
        """An integer parameter, typed where the database cannot tell (`SELECT $1`)."""
        ...

    @abstractmethod
    def member(self, column: str, placeholder: str) -> str:
        """Whether `column` is one of the ids of a parameter holding a set of ids (bound as
        `ids` says, planner/params.py), with `IN`'s answers: null for a null column."""
        ...

    @property
    @abstractmethod
    def ids(self) -> str:
        """How a set of ids is bound (planner/params.py `Param.convert`)."""
        ...

    @abstractmethod
    def datetime(self, column: str) -> str: ...

    @abstractmethod
    def date(self, column: str) -> str: ...

    @abstractmethod
    def boolean(self, column: str) -> str: ...

    @abstractmethod
    def greatest(self, *values: str) -> str: ...

    @abstractmethod
    def number(self, column: str) -> str:
        """A decimal column as the resolver path's `float(...)` shows it in JSON (`2.0`, `1.5`)."""
        ...

    @abstractmethod
    def strings(self, column: str) -> str:
        """A JSON list column as the resolver path shows it (`list(row.skills or [])`): the
        stored array in its order, `[]` for SQL or JSON null."""
        ...

    @abstractmethod
    def weekdays(self, column: str, names: Mapping[str, str]) -> str:
        """A JSON list of ISO weekday numbers as the resolver path shows it (`[Weekday(d) for d in
        sorted(row.days)]`): sorted, each as its GraphQL name."""
        ...

    @abstractmethod
    def clock(self, minutes: str) -> str:
        """Minutes after midnight as a GraphQL `Time` (`time(*divmod(minutes, 60))`: `09:00:00`)."""
        ...

    def enum(self, column: str, names: Mapping[str, str]) -> str:
        """A stored enum value as its GraphQL name (`in_progress` → `IN_PROGRESS`)."""
        cases = " ".join(f"WHEN {literal(value)} THEN {literal(name)}" for value, name in names.items())
        return f"CASE {column} {cases} END"


class Postgres(Dialect):
    name = "postgres"
    nulls_in_list_order = True  # PostgreSQL's default: NULLS LAST ascending, NULLS FIRST descending

    def obj(self, pairs: Sequence[tuple[str, str]]) -> str:
        return "json_build_object(" + ", ".join(f"{literal(k)}, {v}" for k, v in pairs) + ")"

    def embed(self, subquery: str) -> str:
        return f"({subquery})"

    def array(self, items: Sequence[str]) -> str:
        return f"json_build_array({', '.join(items)})"

    def ordered_array(
        self, item: str, source: str, order: Sequence[tuple[str, str]], ordered: bool = False
    ) -> str:
        # An array of the items in the query's own order (ARRAY(subquery) keeps the order of
        # its rows; an empty one is `[]`). Where nothing reorders the page's rows (no join, the
        # to-one rows of a nested list being subqueries: planner/compiler.py), PostgreSQL knows
        # they come in `order` and sorts nothing, where `json_agg(... ORDER BY ...)` sorted
        # every list once more (bench/README.md, branch sqlq). After a hash join it sorts once.
        by = ", ".join(f"{term} {direction}" for term, direction in order)
        return f"SELECT array_to_json(ARRAY(SELECT {item} FROM {source} ORDER BY {by}))"

    def placeholder(self, number: int) -> str:
        return f"${number}"

    def integer(self, placeholder: str) -> str:
        return f"CAST({placeholder} AS BIGINT)"

    def member(self, column: str, placeholder: str) -> str:
        return f"{column} = ANY(CAST({placeholder} AS BIGINT[]))"

    @property
    def ids(self) -> str:
        return "facts:array"

    def gid(self, type_name: str, column: str) -> str:
        # ids.to_global_id: unpadded URL-safe base64 of "<Type>:<pk>" (short enough for one
        # line). The text is of ASCII letters, digits, "_", ":" and "-", whose base64 never
        # holds "+" or "/" (tests/unit/planner/test_dialect.py checks every group of three), so
        # the standard alphabet is the URL-safe one here: no translate(); and a cast to bytea
        # (ASCII without backslashes), not convert_to().
        # The prefix's whole groups of three bytes encode to a constant (planner/sqlite_ids.py
        # does the same): only the rest of it and the digits are encoded per row.
        if not _GRAPHQL_NAME.fullmatch(type_name):
            raise ValueError(f"not a GraphQL type name: {type_name!r}")
        prefix = type_name + ":"
        whole = len(prefix) // 3 * 3
        rest = f"{literal(prefix[whole:])} || {column}" if prefix[whole:] else f"CAST({column} AS text)"
        encoded = f"rtrim(encode(CAST({rest} AS bytea), 'base64'), '=')"
        if not whole:
            return encoded
        return f"{literal(base64.urlsafe_b64encode(prefix[:whole].encode()).decode())} || {encoded}"

    def datetime(self, column: str) -> str:
        # datetime.isoformat() of the UTC time: microseconds only when there are some.
        utc = f"({column} AT TIME ZONE 'UTC')"
        micro = f"CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE '.' || to_char({utc}, 'US') END"
        return f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || {micro} || '+00:00')"

    def date(self, column: str) -> str:
        return f"to_char({column}, 'YYYY-MM-DD')"

    def boolean(self, column: str) -> str:
        return column

    def greatest(self, *values: str) -> str:
        return f"GREATEST({', '.join(values)})"

    def number(self, column: str) -> str:
        # float8's text is the shortest that reads back (as Python's repr); a whole number
        # gets Python's ".0". Decimal columns here are small: no exponents.
        value = f"CAST({column} AS DOUBLE PRECISION)"
        text = f"CASE WHEN {value} = trunc({value}) THEN {value}::text || '.0' ELSE {value}::text END"
        return f"CAST({text} AS json)"

    def strings(self, column: str) -> str:
        return f"coalesce(nullif({column}::jsonb, 'null'::jsonb), '[]'::jsonb)::json"

    def weekdays(self, column: str, names: Mapping[str, str]) -> str:
        cases = " ".join(f"WHEN {int(value)} THEN {literal(name)}" for value, name in names.items())
        day = '"d"."v"::int'
        return (
            f"(SELECT coalesce(json_agg(CASE {day} {cases} END ORDER BY {day}), '[]'::json)"
            f' FROM json_array_elements_text(CAST({column} AS json)) AS "d"("v"))'
        )

    def clock(self, minutes: str) -> str:
        hours, rest = f"lpad((({minutes}) / 60)::text, 2, '0')", f"lpad((({minutes}) % 60)::text, 2, '0')"
        return f"{hours} || ':' || {rest} || ':00'"


class Sqlite(Dialect):
    name = "sqlite"

    def obj(self, pairs: Sequence[tuple[str, str]]) -> str:
        return "json_object(" + ", ".join(f"{literal(k)}, {v}" for k, v in pairs) + ")"

    def embed(self, subquery: str) -> str:
        return f"json(({subquery}))"  # a subquery's text loses its JSON subtype; json() restores it

    def array(self, items: Sequence[str]) -> str:
        return f"json_array({', '.join(items)})"

    def ordered_array(
        self, item: str, source: str, order: Sequence[tuple[str, str]], ordered: bool = False
    ) -> str:
        # group_concat joins the subquery's rows as they come (no window of row numbers, which
        # sorted the rows once more for nothing), and its items are JSON text: joined as they
        # are, not parsed again one by one (json_group_array(json(...)) did); `embed` parses
        # the array once. A page's rows are already in order, and SQLite's LEFT JOINs of one
        # row each keep the left side as the outer loop, so in its order: no ORDER BY, whose
        # sort (of the items' JSON) SQLite does not skip after a join.
        by = ", ".join(f"{term} {direction}" for term, direction in order)
        items = f'SELECT {item} AS "j" FROM {source}' + ("" if ordered else f" ORDER BY {by}")
        return f"SELECT '[' || coalesce(group_concat({_ITEM}, ','), '') || ']' FROM ({items}) AS {_ITEMS}"

    def placeholder(self, number: int) -> str:
        return f"?{number}"

    def integer(self, placeholder: str) -> str:
        return placeholder

    def member(self, column: str, placeholder: str) -> str:
        # The ids as one text, ",1,2,3,": a function of the row, not a sub-select (SQLite's
        # parser takes only so many nested queries, and the JSON of a plan nests them already).
        return f"instr({placeholder}, ',' || {column} || ',') > 0"

    @property
    def ids(self) -> str:
        return "facts:text"

    def gid(self, type_name: str, column: str) -> str:
        return sqlite_ids.global_id(type_name, column)  # base64 by arithmetic, no callback

    def datetime(self, column: str) -> str:
        # Tortoise stores a UTC time as "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00", which isoformat()
        # shows with a "T"; anything else (another offset, a fraction of zeros, no offset) goes
        # through Tortoise's own conversion (`planner_datetime`).
        stamp = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
        plain = f"{column} GLOB '{stamp}+00:00'"
        fraction = f"({column} GLOB '{stamp}.[0-9][0-9][0-9][0-9][0-9][0-9]+00:00' AND substr({column}, 20, 7) <> '.000000')"
        return (
            f"CASE WHEN {plain} OR {fraction} THEN substr({column}, 1, 10) || 'T' || substr({column}, 12)"
            f" ELSE planner_datetime({column}) END"
        )

    def date(self, column: str) -> str:
        return column  # stored as the ISO text the resolver path shows

    def boolean(self, column: str) -> str:
        return f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN json('true') ELSE json('false') END"

    def greatest(self, *values: str) -> str:
        return f"max({', '.join(values)})"  # with several arguments, SQLite's max is a scalar

    def number(self, column: str) -> str:
        return f"CAST({column} AS REAL)"  # stored as the decimal's text; JSON shows a REAL as 2.0

    def strings(self, column: str) -> str:
        return f"json(coalesce(nullif(json({column}), 'null'), '[]'))"

    def weekdays(self, column: str, names: Mapping[str, str]) -> str:
        cases = " ".join(f"WHEN {int(value)} THEN {literal(name)}" for value, name in names.items())
        days = f'(SELECT "value" FROM json_each({column}) ORDER BY "value")'
        return f'json((SELECT json_group_array(CASE "d"."value" {cases} END) FROM {days} AS "d"))'

    def clock(self, minutes: str) -> str:
        return f"printf('%02d:%02d:00', ({minutes}) / 60, ({minutes}) % 60)"


def dialect_for(name: str) -> Dialect:
    return Postgres() if name == "postgres" else Sqlite()
