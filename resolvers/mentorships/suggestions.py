"""Mentor suggestions: colleagues whose skills overlap most with the skills someone wants to grow.

The database narrows the candidates (an asked skill appears somewhere in the JSON text of their
skills); the exact, case-insensitive overlap is counted here, since skills are a JSON list and
the two backends share no JSON functions to rank by overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q, RawSQL

from auth.policy import Policy
from models.employees import Employee, EmployeeStatus

MAX_SUGGESTIONS = 100
MAX_ASKED_SKILLS = 30


@dataclass(frozen=True)
class Suggestion:
    employee: Employee
    matching_skills: list[str]  # as the employee wrote them

    @property
    def score(self) -> int:
        return len(self.matching_skills)


def _normalise(skills: list[str]) -> list[str]:
    return list(dict.fromkeys(s.strip().lower() for s in skills if s.strip()))[:MAX_ASKED_SKILLS]


async def mentor_suggestions(policy: Policy, skills: list[str], first: int) -> list[Suggestion]:
    """Active employees ranked by shared skills, then by name; never the viewer or their reports."""
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
    ranked: list[Suggestion] = []
    for employee in await candidates:
        matching = [s for s in (employee.skills or []) if s.strip().lower() in wanted]
        if matching:
            ranked.append(Suggestion(employee, matching))
    ranked.sort(key=lambda s: (-s.score, s.employee.family_name, s.employee.given_name, s.employee.id))
    return ranked[: min(first, MAX_SUGGESTIONS)]
