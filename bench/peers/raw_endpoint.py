"""The raw endpoint: Q1-Q3 of issue 12 hand-written as one SQL statement each, served by Starlette.

What Python can do when nothing stands between the request and the database: no GraphQL, no
policy, no ORM. PostgreSQL builds each answer's JSON (`json_build_object`/`json_agg`, pages as
`LIMIT` subqueries ordered like peoplegraph's lists, ties broken on the id), and orjson splices
that text into the response envelope without parsing it again (`orjson.Fragment`).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reads \
        .venv/bin/uvicorn --app-dir bench/peers raw_endpoint:app --port 5010

`GET /q1?id=<employee id>`, `GET /q2?id=<team id>`, `GET /q3`, `GET /trivial?id=<employee id>`
(one employee's name: the cheapest statement), and `GET /floor` (no SQL).
A benchmark peer only: it has no authentication and must listen on loopback.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def _page(select: str, source: str, order: str, limit: int) -> str:
    """A JSON array of at most `limit` objects in `order` (e.g. "k.due_date ASC, k.id ASC"): one page.

    The sort keys travel with each object so that the aggregate orders by them explicitly.
    """
    keys = [key.split(maxsplit=1) for key in order.split(",")]
    carried = ", ".join(f"{key[0]} AS o{n}" for n, key in enumerate(keys))
    outer = ", ".join(f"p.o{n} {key[1] if len(key) > 1 else ''}".rstrip() for n, key in enumerate(keys))
    return (
        f"(SELECT coalesce(json_agg(p.j ORDER BY {outer}), '[]'::json) FROM "
        f"(SELECT {select} AS j, {carried} {source} ORDER BY {order} LIMIT {limit}) p)"
    )


def _person(alias: str, *extra: str) -> str:
    fields = ["id", "given_name", "family_name", *extra]
    names = {"given_name": "givenName", "family_name": "familyName", "job_title": "jobTitle"}
    pairs = ", ".join(f"'{names.get(f, f)}', {alias}.{f}" for f in fields)
    return f"json_build_object({pairs})"


_OPEN = "k.status IN ('todo', 'in_progress')"
_BY_DUE = "k.due_date ASC NULLS LAST, k.id ASC"

_Q1_MEMBERS = _page(
    _person("x", "job_title"),
    "FROM team_memberships mm JOIN employees x ON x.id = mm.employee_id WHERE mm.team_id = t.id",
    "mm.joined_at, mm.id",
    20,
)
_Q1_TEAMS = _page(
    f"json_build_object('role', tm.role, 'team', json_build_object('id', t.id, 'name', t.name, 'members', {_Q1_MEMBERS}))",
    "FROM team_memberships tm JOIN teams t ON t.id = tm.team_id WHERE tm.employee_id = e.id",
    "tm.joined_at, tm.id",
    5,
)
_Q1_TASKS = _page(
    "json_build_object('id', k.id, 'title', k.title, 'status', k.status, 'priority', k.priority, 'dueDate', k.due_date)",
    f"FROM tasks k WHERE k.assignee_id = e.id AND {_OPEN}",
    _BY_DUE,
    20,
)
_Q1_ENROLLMENTS = _page(
    "json_build_object('id', r.id, 'status', r.status, 'session', json_build_object('id', s.id, "
    "'startsAt', s.starts_at, 'course', json_build_object('id', c.id, 'title', c.title)))",
    "FROM enrollments r JOIN training_sessions s ON s.id = r.session_id "
    "JOIN training_courses c ON c.id = s.course_id WHERE r.employee_id = e.id",
    "r.enrolled_at, r.id",
    10,
)
_Q1_MENTORSHIPS = _page(
    f"json_build_object('id', ms.id, 'status', ms.status, 'mentor', {_person('mr')})",
    "FROM mentorships ms JOIN employees mr ON mr.id = ms.mentor_id WHERE ms.mentee_id = e.id",
    "ms.created_at DESC, ms.id DESC",
    5,
)
Q1 = (
    "SELECT json_build_object('id', e.id, 'givenName', e.given_name, 'familyName', e.family_name, "
    f"'jobTitle', e.job_title, 'manager', (SELECT {_person('m')} FROM employees m WHERE m.id = e.manager_id), "
    f"'teams', {_Q1_TEAMS}, 'tasks', {_Q1_TASKS}, 'enrollments', {_Q1_ENROLLMENTS}, "
    f"'mentorshipsAsMentee', {_Q1_MENTORSHIPS}) FROM employees e WHERE e.id = $1"
)

_Q2_TASKS = _page(
    "json_build_object('id', k.id, 'title', k.title, 'status', k.status)",
    "FROM tasks k WHERE k.assignee_id = x.id",
    "k.created_at DESC, k.id DESC",
    10,
)
_Q2_MEMBERS = _page(
    f"json_build_object('role', mm.role, 'employee', json_build_object('id', x.id, 'givenName', x.given_name, "
    f"'familyName', x.family_name, 'jobTitle', x.job_title, 'tasks', {_Q2_TASKS}))",
    "FROM team_memberships mm JOIN employees x ON x.id = mm.employee_id WHERE mm.team_id = t.id",
    "mm.joined_at, mm.id",
    50,
)
Q2 = f"SELECT json_build_object('id', t.id, 'name', t.name, 'members', {_Q2_MEMBERS}) FROM teams t WHERE t.id = $1"

Q3 = "SELECT " + _page(
    "json_build_object('id', k.id, 'title', k.title, 'status', k.status, 'dueDate', k.due_date, "
    "'assignee', json_build_object('id', a.id, 'givenName', a.given_name, 'familyName', a.family_name, "
    f"'manager', (SELECT {_person('m')} FROM employees m WHERE m.id = a.manager_id)), "
    "'team', (SELECT json_build_object('id', t.id, 'name', t.name) FROM teams t WHERE t.id = k.team_id))",
    f"FROM tasks k JOIN employees a ON a.id = k.assignee_id WHERE {_OPEN}",
    _BY_DUE,
    100,
)

TRIVIAL = "SELECT json_build_object('givenName', e.given_name) FROM employees e WHERE e.id = $1"

_pool: asyncpg.Pool | None = None


def _json(payload: object, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


async def _answer(statement: str, *params: object) -> Response:
    assert _pool is not None
    text = await _pool.fetchval(statement, *params)
    if text is None:
        return _json({"data": None})
    return _json({"data": orjson.Fragment(text)})


def _id(request: Request) -> int | None:
    raw = request.query_params.get("id", "")
    return int(raw) if raw.isdigit() else None


async def q1(request: Request) -> Response:
    employee = _id(request)
    return _json({"error": "id must be a number"}, 400) if employee is None else await _answer(Q1, employee)


async def q2(request: Request) -> Response:
    team = _id(request)
    return _json({"error": "id must be a number"}, 400) if team is None else await _answer(Q2, team)


async def q3(request: Request) -> Response:
    return await _answer(Q3)


async def trivial(request: Request) -> Response:
    employee = _id(request)
    return (
        _json({"error": "id must be a number"}, 400) if employee is None else await _answer(TRIVIAL, employee)
    )


async def floor(request: Request) -> Response:
    return _json({"data": {"__typename": "Query"}})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global _pool
    # asyncpg hands json columns back as text by default: exactly what the splice wants.
    _pool = await asyncpg.create_pool(os.environ["BENCH_DATABASE_URL"], min_size=2, max_size=10)
    try:
        yield
    finally:
        await _pool.close()


app = Starlette(
    routes=[
        Route("/q1", q1),
        Route("/q2", q2),
        Route("/q3", q3),
        Route("/trivial", trivial),
        Route("/floor", floor),
    ],
    lifespan=lifespan,
)
