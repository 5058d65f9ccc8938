"""The SQL that differs between SQLite and PostgreSQL in aggregates, in one place.

Each is a Tortoise function (so its arguments may be field paths across joins) whose SQL is chosen
when the statement is rendered, from the connection's dialect:

- `MonthOfDate` / `MonthOfTime`: the calendar month of a date or a timestamp as `YYYY-MM`
  (`strftime` on SQLite; `to_char` on PostgreSQL, timestamps taken in UTC as they are stored);
- `one_if(q)`: 1 for the rows where a condition holds, else 0 (the same CASE on both);
- `DaysBetween`: the days (fractional) from one timestamp to a later one (`julianday` on SQLite,
  the epoch difference on PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from pypika_tortoise.context import SqlContext
from pypika_tortoise.terms import Function as SqlFunction
from tortoise.expressions import Case, Function, Q, RawSQL, ResolveContext, ResolveResult, When


def _is_postgres(ctx: SqlContext) -> bool:
    return bool(ctx.dialect.value == "postgresql")


class _MonthSql(SqlFunction):
    utc = False

    def __init__(self, term: Any, **kwargs: Any) -> None:
        super().__init__("month_of", term, **kwargs)

    def get_function_sql(self, ctx: SqlContext) -> str:
        arg = self.get_arg_sql(self.args[0], ctx)
        if _is_postgres(ctx):
            return (
                f"to_char(({arg}) AT TIME ZONE 'UTC', 'YYYY-MM')"
                if self.utc
                else f"to_char({arg}, 'YYYY-MM')"
            )
        return f"strftime('%Y-%m', {arg})"


class _TimeMonthSql(_MonthSql):
    utc = True


class _DaysBetweenSql(SqlFunction):
    def __init__(self, end: Any, start: Any, **kwargs: Any) -> None:
        super().__init__("days_between", end, start, **kwargs)

    def get_function_sql(self, ctx: SqlContext) -> str:
        end, start = (self.get_arg_sql(arg, ctx) for arg in self.args)
        if _is_postgres(ctx):
            return f"(EXTRACT(EPOCH FROM ({end}) - ({start})) / 86400.0)"
        return f"(julianday({end}) - julianday({start}))"


class _Computed(Function):
    """A function whose value is not of its argument's type: Tortoise must not convert it as one
    (a month string is no datetime, a number of days no timestamp)."""

    def resolve(self, resolve_context: ResolveContext) -> ResolveResult:
        resolved = super().resolve(resolve_context)
        return ResolveResult(term=resolved.term, joins=resolved.joins)


class MonthOfDate(_Computed):
    """`MonthOfDate("due_date")`: the month of a date column, as `YYYY-MM`."""

    database_func = _MonthSql


class MonthOfTime(_Computed):
    """`MonthOfTime("created_at")`: the month (UTC) of a timestamp column, as `YYYY-MM`."""

    database_func = _TimeMonthSql


class DaysBetween(Function):
    """`DaysBetween("completed_at", "created_at")`: days from the second field to the first."""

    def resolve(self, resolve_context: ResolveContext) -> ResolveResult:
        # Both are fields of the model, qualified with its table (a join may share their names).
        end = self._resolve_nested_field(resolve_context, str(self.field))
        start = self._resolve_nested_field(resolve_context, str(self.default_values[0]))
        return ResolveResult(term=_DaysBetweenSql(end.term, start.term), joins=[*end.joins, *start.joins])


def one_if(condition: Q) -> Case:
    """1 where `condition` holds, else 0: a yes/no dimension the database can group by."""
    # Tortoise's annotations list only field-like terms for THEN/ELSE; a RawSQL literal renders as is.
    return Case(When(condition, then=RawSQL("1")), default=RawSQL("0"))  # type: ignore[arg-type]
