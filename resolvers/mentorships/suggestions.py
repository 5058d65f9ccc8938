"""Mentor suggestions: colleagues with room who share the skills someone wants to grow, ranked by a
score whose parts are shown.

The database narrows the candidates (an asked skill appears somewhere in the JSON text of their
skills); the exact, case-insensitive overlap is counted here, since skills are a JSON list and
the two backends share no JSON functions to rank by overlap.

The score is the sum of four parts (`Reason`s), each with the measure behind it:
- shared skills: `SKILL_POINTS` per asked-for skill the candidate lists (the part that dominates);
- org chart distance: the fewer manager links between you, the more points (`ORG_POINTS` minus
  the hops; none when you share no manager chain, or for a service token);
- time zone overlap: one point per overlapping hour of a 09:00-17:00 working day;
- load: one point per free place, up to `LOAD_POINTS`. A mentor without room is not suggested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.expressions import Q, RawSQL

from auth.policy import Policy
from models.employees import Employee, EmployeeStatus
from resolvers.core.clock import now
from resolvers.mentorships.capacity import Load, loads_of

MAX_SUGGESTIONS = 100
MAX_ASKED_SKILLS = 30
SKILL_POINTS = 10
ORG_POINTS = 6
WORKDAY_HOURS = 8
LOAD_POINTS = 3


class ReasonKind(StrEnum):
    SHARED_SKILLS = "shared_skills"
    ORG_DISTANCE = "org_distance"
    TIME_ZONE_OVERLAP = "time_zone_overlap"
    LOAD = "load"


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    points: int
    value: int | None  # skills shared, hops, overlapping hours, open mentorships
    detail: str


@dataclass(frozen=True)
class Suggestion:
    employee: Employee
    matching_skills: list[str]  # as the employee wrote them
    load: Load
    reasons: tuple[Reason, ...] = ()

    @property
    def score(self) -> int:
        return len(self.matching_skills)

    @property
    def total_score(self) -> int:
        return sum(r.points for r in self.reasons)


def _normalise(skills: list[str]) -> list[str]:
    return list(dict.fromkeys(s.strip().lower() for s in skills if s.strip()))[:MAX_ASKED_SKILLS]


def _utc_offset_hours(zone: str, at: datetime) -> float | None:
    try:
        offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return offset.total_seconds() / 3600 if offset is not None else None


def overlap_hours(zone_a: str, zone_b: str, at: datetime) -> int | None:
    """Whole hours two 09:00-17:00 local working days share on the date of `at`."""
    a, b = _utc_offset_hours(zone_a, at), _utc_offset_hours(zone_b, at)
    if a is None or b is None:
        return None
    apart = abs(a - b) % 24
    apart = min(apart, 24 - apart)
    return int(max(0.0, WORKDAY_HOURS - apart))


def _chain(employee_id: int, managers: dict[int, int | None]) -> list[int]:
    """The employee, their manager, theirs, ... (a cycle, which the database forbids, stops it)."""
    chain, seen = [employee_id], {employee_id}
    while (up := managers.get(chain[-1])) is not None and up not in seen:
        chain.append(up)
        seen.add(up)
    return chain


def org_distance(a: int, b: int, managers: dict[int, int | None]) -> int | None:
    """Manager links between two people through their nearest common manager; None if unrelated."""
    up_from_a = {person: hops for hops, person in enumerate(_chain(a, managers))}
    for hops_b, person in enumerate(_chain(b, managers)):
        if person in up_from_a:
            return up_from_a[person] + hops_b
    return None


def _reasons(matching: list[str], load: Load, hops: int | None, overlap: int | None) -> tuple[Reason, ...]:
    skills = Reason(
        ReasonKind.SHARED_SKILLS,
        SKILL_POINTS * len(matching),
        len(matching),
        f"Lists {', '.join(matching)}.",
    )
    if hops is None:
        org = Reason(ReasonKind.ORG_DISTANCE, 0, None, "Not in your management chain's reach.")
    else:
        org = Reason(
            ReasonKind.ORG_DISTANCE, max(0, ORG_POINTS - hops), hops, f"{hops} step(s) away in the org chart."
        )
    if overlap is None:
        zone = Reason(ReasonKind.TIME_ZONE_OVERLAP, 0, None, "Time zones unknown.")
    else:
        zone = Reason(ReasonKind.TIME_ZONE_OVERLAP, overlap, overlap, f"{overlap} working hour(s) in common.")
    room = Reason(
        ReasonKind.LOAD,
        min(load.room, LOAD_POINTS),
        load.open_mentorships,
        f"{load.open_mentorships} of {load.capacity} mentoring place(s) taken.",
    )
    return (skills, org, zone, room)


async def mentor_suggestions(policy: Policy, skills: list[str], first: int) -> list[Suggestion]:
    """Active employees with room, ranked by total score, then by name; never the viewer or their
    reports. Four statements whatever the number of candidates."""
    wanted = _normalise(skills)
    if not wanted or first <= 0:
        return []
    excluded = {policy.viewer_id, *policy.reports} - {None}
    candidates = Employee.filter(status=EmployeeStatus.ACTIVE)
    if all(skill.isascii() for skill in wanted):
        # JSON text may escape other characters (\u00e9), so only ASCII skills narrow in SQL.
        any_skill = Q(*(Q(skills_text__icontains=skill) for skill in wanted), join_type=Q.OR)
        candidates = candidates.annotate(skills_text=RawSQL("CAST(skills AS TEXT)")).filter(any_skill)
    if excluded:
        candidates = candidates.exclude(id__in=list(excluded))
    matches: list[tuple[Employee, list[str]]] = []
    for employee in await candidates:
        matching = [s for s in (employee.skills or []) if s.strip().lower() in wanted]
        if matching:
            matches.append((employee, matching))
    if not matches:
        return []
    loads = await loads_of([e.id for e, _ in matches])
    viewer = policy.viewer
    managers: dict[int, int | None] = {}
    if viewer is not None:
        managers = dict(await Employee.all().values_list("id", "manager_id"))
    at = now()
    ranked: list[Suggestion] = []
    for employee, matching in matches:
        load = loads[employee.id]
        if load.room == 0:
            continue
        hops = org_distance(viewer.id, employee.id, managers) if viewer else None
        overlap = overlap_hours(viewer.timezone, employee.timezone, at) if viewer else None
        ranked.append(Suggestion(employee, matching, load, _reasons(matching, load, hops, overlap)))
    ranked.sort(key=lambda s: (-s.total_score, s.employee.family_name, s.employee.given_name, s.employee.id))
    return ranked[: min(first, MAX_SUGGESTIONS)]
