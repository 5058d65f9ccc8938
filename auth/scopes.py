"""The scopes a token may carry: one enum of "domain:action" strings."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    EMPLOYEES_READ = "employees:read"
    EMPLOYEES_SENSITIVE = "employees:sensitive"
    PROFILE_WRITE = "profile:write"
    EMPLOYEES_WRITE = "employees:write"
    TEAMS_WRITE = "teams:write"
    TASKS_READ = "tasks:read"
    TASKS_WRITE = "tasks:write"
    MENTORSHIPS_READ = "mentorships:read"
    MENTORSHIPS_WRITE = "mentorships:write"
    TRAINING_READ = "training:read"
    TRAINING_ENROLL = "training:enroll"
    TRAINING_MANAGE = "training:manage"
    WEBHOOKS_MANAGE = "webhooks:manage"
    AUDIT_READ = "audit:read"
    FEEDBACK_READ = "feedback:read"
    FEEDBACK_WRITE = "feedback:write"
    SCHEDULES_READ = "schedules:read"
    SCHEDULES_WRITE = "schedules:write"


SCOPE_DESCRIPTIONS: dict[Scope, str] = {
    Scope.EMPLOYEES_READ: "Read the directory: employees, teams, the org chart; your own sensitive fields.",
    Scope.EMPLOYEES_SENSITIVE: "Read other employees' sensitive fields (HR and service tokens only).",
    Scope.PROFILE_WRITE: "Change your own profile.",
    Scope.EMPLOYEES_WRITE: "Create and change employees (HR and service tokens only).",
    Scope.TEAMS_WRITE: "Create teams and manage their members (HR; a team's lead for that team).",
    Scope.TASKS_READ: "Read the tasks you can see.",
    Scope.TASKS_WRITE: "Create and change tasks.",
    Scope.MENTORSHIPS_READ: "Read mentorships you are part of, and your reports'.",
    Scope.MENTORSHIPS_WRITE: "Request, answer, end and check in on mentorships.",
    Scope.TRAINING_READ: "Read courses, sessions and enrollments you can see.",
    Scope.TRAINING_ENROLL: "Enroll yourself (a manager: their reports) and cancel.",
    Scope.TRAINING_MANAGE: "Manage courses, sessions and outcomes (HR; an instructor for their session).",
    Scope.WEBHOOKS_MANAGE: "Register webhooks and read their deliveries.",
    Scope.AUDIT_READ: "Read the event log (HR).",
    Scope.FEEDBACK_READ: "Read kudos you can see, and feedback requests you made, were asked for or had shared with you.",
    Scope.FEEDBACK_WRITE: "Give kudos, ask colleagues for feedback and answer what you were asked.",
    Scope.SCHEDULES_READ: "Read working patterns, team calendars, and the time off you may see.",
    Scope.SCHEDULES_WRITE: "Request and cancel your time off, edit your working pattern; decide your reports' requests.",
}

ALL_SCOPES: tuple[str, ...] = tuple(s.value for s in Scope)

# Scopes only HR (or a service token) may be granted for an employee's token.
HR_ONLY_SCOPES = frozenset(
    {Scope.EMPLOYEES_SENSITIVE, Scope.EMPLOYEES_WRITE, Scope.AUDIT_READ, Scope.WEBHOOKS_MANAGE}
)

# What a first-party employee app asks for by default.
EMPLOYEE_SCOPES: tuple[str, ...] = (
    Scope.EMPLOYEES_READ,
    Scope.PROFILE_WRITE,
    Scope.TEAMS_WRITE,
    Scope.TASKS_READ,
    Scope.TASKS_WRITE,
    Scope.MENTORSHIPS_READ,
    Scope.MENTORSHIPS_WRITE,
    Scope.TRAINING_READ,
    Scope.TRAINING_ENROLL,
    Scope.TRAINING_MANAGE,
    Scope.FEEDBACK_READ,
    Scope.FEEDBACK_WRITE,
    Scope.SCHEDULES_READ,
    Scope.SCHEDULES_WRITE,
)


def parse_scopes(raw: str | None) -> frozenset[str]:
    """Split a space-separated scope string, dropping unknown scopes."""
    if not raw:
        return frozenset()
    known = set(ALL_SCOPES)
    return frozenset(s for s in raw.split() if s in known)
