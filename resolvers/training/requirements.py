"""Recurring, required training: where each employee stands with each requirement.

A requirement (HR sets it) names a course, whom it applies to and how often it is due. It
applies to an employee who is not terminated and matches every axis of `appliesTo`: a member
(directly) of one of its `teamIds`, with one of its `roles`, at one of its `locations`; an empty
axis puts no restriction on it, so all three empty means everyone.

A COMPLETED enrollment in a session of the course satisfies it for `every_months` months from its
completion, or until the certificate's expiry when that comes sooner; the completion that lasts
longest counts. The status is then EXEMPT (HR excused the employee), OVERDUE (never completed, or
the last completion has lapsed), EXPIRING (it lapses within `window_days`) or COMPLIANT.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from auth.policy import Policy
from models.employees import Employee, EmployeeStatus
from models.teams import Team, TeamMembership
from models.training import (
    ComplianceStatus,
    Enrollment,
    EnrollmentStatus,
    TrainingExemption,
    TrainingRequirement,
)
from resolvers.core import clock
from resolvers.core.loaders import Loaders
from resolvers.core.problems import BadInput, Forbidden
from resolvers.training.workflows import add_months


@dataclass(frozen=True)
class RequirementStatus:
    """One employee's standing with one requirement, at one moment."""

    requirement: TrainingRequirement
    employee_id: int
    status: ComplianceStatus
    certificate: Enrollment | None  # the completion that satisfies it (or last did)
    expires_at: datetime | None  # when that completion stops satisfying it
    exemption: TrainingExemption | None


def applies_to(requirement: TrainingRequirement, employee: Employee, teams: set[int]) -> bool:
    if employee.status == EmployeeStatus.TERMINATED:
        return False
    if requirement.team_ids and not teams.intersection(requirement.team_ids):
        return False
    if requirement.roles and employee.role not in requirement.roles:
        return False
    return not requirement.locations or employee.location in requirement.locations


def satisfied_until(requirement: TrainingRequirement, completion: Enrollment) -> datetime | None:
    """How long a completion satisfies the requirement (None: it was never completed)."""
    if completion.completed_at is None:
        return None
    until = add_months(completion.completed_at, requirement.every_months)
    expiry = completion.certificate_expires_at
    return min(until, expiry) if expiry is not None else until


def standing(
    requirement: TrainingRequirement,
    employee_id: int,
    completions: list[Enrollment],
    exemption: TrainingExemption | None,
    at: datetime,
) -> RequirementStatus:
    """The status from the employee's completions of the requirement's course."""
    best: Enrollment | None = None
    best_until: datetime | None = None
    for completion in completions:
        until = satisfied_until(requirement, completion)
        if until is not None and (best_until is None or until > best_until):
            best, best_until = completion, until
    if exemption is not None:
        status = ComplianceStatus.EXEMPT
    elif best_until is None or best_until <= at:
        status = ComplianceStatus.OVERDUE
    elif best_until <= at + timedelta(days=requirement.window_days):
        status = ComplianceStatus.EXPIRING
    else:
        status = ComplianceStatus.COMPLIANT
    return RequirementStatus(requirement, employee_id, status, best, best_until, exemption)


async def requirement_statuses_of(
    employee_ids: list[int], at: datetime | None = None
) -> dict[int, list[RequirementStatus]]:
    """Five statements for any number of employees: the requirements in force, the employees,
    their teams, their completions of the required courses, and their exemptions. Each list is
    ordered by the course's title, then the requirement."""
    at = at or clock.now()
    result: dict[int, list[RequirementStatus]] = {i: [] for i in employee_ids}
    requirements = await TrainingRequirement.filter(archived_at__isnull=True).select_related("course")
    if not requirements or not employee_ids:
        return result
    requirements.sort(key=lambda r: (r.course.title, r.id))
    employees = await Employee.filter(id__in=employee_ids)
    teams: dict[int, set[int]] = defaultdict(set)
    for employee_id, team_id in await TeamMembership.filter(employee_id__in=employee_ids).values_list(
        "employee_id", "team_id"
    ):
        teams[int(employee_id)].add(int(team_id))
    completions: dict[tuple[int, int], list[Enrollment]] = defaultdict(list)
    for enrollment in await Enrollment.filter(
        employee_id__in=employee_ids,
        status=EnrollmentStatus.COMPLETED,
        session__course_id__in=list({r.course_id for r in requirements}),
    ).select_related("session"):
        completions[(enrollment.employee_id, enrollment.session.course_id)].append(enrollment)
    exemptions = {
        (e.requirement_id, e.employee_id): e
        for e in await TrainingExemption.filter(
            employee_id__in=employee_ids, requirement_id__in=[r.id for r in requirements]
        )
    }
    for employee in employees:
        mine = teams[employee.id]
        result[employee.id] = [
            standing(
                requirement,
                employee.id,
                completions[(employee.id, requirement.course_id)],
                exemptions.get((requirement.id, employee.id)),
                at,
            )
            for requirement in requirements
            if applies_to(requirement, employee, mine)
        ]
    return result


@dataclass(frozen=True)
class MemberCompliance:
    employee: Employee
    requirements: list[RequirementStatus]


@dataclass(frozen=True)
class ComplianceReport:
    team: Team
    members: list[MemberCompliance]  # by name


async def compliance_report(
    policy: Policy, team_id: int | None, at: datetime | None = None
) -> ComplianceReport:
    """The team's members (direct) with their statuses, as far as the policy shows them."""
    team = await Team.get_or_none(id=team_id) if team_id is not None else None
    if team is None:
        raise BadInput("No such team.", code="NOT_FOUND")
    member_ids = [
        int(row["employee_id"]) for row in await TeamMembership.filter(team_id=team_id).values("employee_id")
    ]
    shown = policy.compliance_report_members(team, member_ids)
    if shown is None:
        raise Forbidden(
            "Only the team's lead, managers of its members, HR and services see its compliance report."
        )
    statuses = await requirement_statuses_of(shown, at)
    employees = await Employee.filter(id__in=shown).order_by("family_name", "given_name", "id")
    return ComplianceReport(team, [MemberCompliance(e, statuses[e.id]) for e in employees])


async def statuses_of(loaders: Loaders, employee_id: int) -> list[RequirementStatus]:
    """An employee's statuses, batched with every other employee's asked for in the request."""

    async def load(ids: list[int]) -> list[list[RequirementStatus]]:
        found = await requirement_statuses_of(list(dict.fromkeys(ids)))
        return [found[i] for i in ids]

    result: list[RequirementStatus] = await loaders.computed("requirement_statuses", load).load(employee_id)
    return result
