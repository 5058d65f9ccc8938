"""The demo's planned people and teams, as the activity planners (demo_activity.py,
demo_training.py) read them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Person:
    id: int
    key: str | None
    dept: str
    level: int
    manager_id: int | None
    team_id: int | None
    title: str
    status: str
    role: str
    skills: list[str]


@dataclass
class DemoContext:
    """The planned people and teams, for the activity planner and for tests."""

    people: list[Person] = field(default_factory=list)
    by_key: dict[str, Person] = field(default_factory=dict)
    team_ids: dict[str, int] = field(default_factory=dict)
    team_members: dict[int, list[int]] = field(default_factory=dict)


def active(ctx: DemoContext) -> list[Person]:
    return [p for p in ctx.people if p.status != "terminated"]


def by_title(ctx: DemoContext, title: str) -> Person:
    return next(p for p in ctx.people if p.title == title)
