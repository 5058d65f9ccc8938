"""The one policy: who may see which objects and who may act on them.

A `Policy` is built once per request (or per subscription event) from the principal. It knows
the viewer's role, the viewer's transitive reports (one recursive query, not one per row) and
the viewer's teams, and answers two kinds of questions with the same rules:

- `visible_*()` returns a `Q` filter, so lists and counts are filtered in SQL;
- `can_*()` answers for one loaded row (node lookups, capability fields, mutations).

The rules of each domain live in auth/rules/ (employees.py, teams.py, tasks.py, mentorships.py,
training.py, webhooks.py, on the facts of auth/rules/base.py); `Policy` combines them.

Scopes are checked where a field is declared (schema/core/permissions.py); this module checks the
relationship. Both must allow an action.
"""

from __future__ import annotations

from auth.principal import Principal
from auth.rules.base import is_privileged, transitive_reports
from auth.rules.employees import EmployeeRules
from auth.rules.feedback import FeedbackRules
from auth.rules.mentorships import MentorshipRules
from auth.rules.schedules import ScheduleRules
from auth.rules.stats import StatsRules
from auth.rules.tasks import TaskRules
from auth.rules.teams import TeamRules
from auth.rules.training import TrainingRules
from auth.rules.webhooks import AuditAndWebhookRules
from models.employees import Employee
from models.teams import MembershipRole, TeamMembership


class Policy(
    EmployeeRules,
    TeamRules,
    TaskRules,
    MentorshipRules,
    TrainingRules,
    AuditAndWebhookRules,
    FeedbackRules,
    ScheduleRules,
    StatsRules,
):
    @classmethod
    async def load(cls, principal: Principal | None) -> Policy:
        """Two or three small queries, once per request."""
        if principal is None or principal.is_service:
            return cls(principal, _everyone=principal is not None)
        viewer = await Employee.get_or_none(id=principal.employee_id)
        if viewer is None:
            return cls(principal)
        memberships = await TeamMembership.filter(employee_id=viewer.id).values_list("team_id", "role")
        return cls(
            principal,
            viewer=viewer,
            reports=await transitive_reports(viewer.id),
            teams=frozenset(team for team, _ in memberships),
            led_teams=frozenset(team for team, role in memberships if role == MembershipRole.LEAD),
            _everyone=is_privileged(viewer.role),
        )
