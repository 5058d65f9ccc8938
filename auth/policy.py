"""The one policy module: who may see which objects and who may act on them.

A `Policy` is built once per request (or per subscription event) from the principal. It knows
the viewer's role, the viewer's transitive reports (one recursive query, not one per row) and
the viewer's teams, and answers two kinds of questions with the same rules:

- `visible_*()` returns a `Q` filter, so lists and counts are filtered in SQL;
- `can_*()` answers for one loaded row (node lookups, capability fields, mutations).

Scopes are checked where a field is declared (schema/core/permissions.py); this module checks the
relationship. Both must allow an action.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.connection import connections
from tortoise.expressions import Q

from auth.principal import Principal
from auth.scopes import Scope
from models.employees import Employee, EmployeeRole
from models.mentorships import Mentorship, MentorshipStatus
from models.tasks import Task
from models.teams import MembershipRole, Team, TeamMembership
from models.training import Enrollment, TrainingSession
from models.webhooks import Webhook

_PRIVILEGED_ROLES = (EmployeeRole.HR, EmployeeRole.ADMIN)


async def _transitive_reports(employee_id: int) -> frozenset[int]:
    sql = (
        "WITH RECURSIVE chain(id) AS ("
        f" SELECT id FROM employees WHERE manager_id = {int(employee_id)}"
        " UNION SELECT e.id FROM employees e JOIN chain c ON e.manager_id = c.id"
        ") SELECT id FROM chain"
    )
    _, rows = await connections.get("default").execute_query(sql)
    return frozenset(int(r["id"]) for r in rows)


@dataclass(frozen=True)
class Policy:
    principal: Principal | None
    viewer: Employee | None = None
    reports: frozenset[int] = frozenset()
    teams: frozenset[int] = frozenset()
    led_teams: frozenset[int] = frozenset()
    _everyone: bool = field(default=False)

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
            reports=await _transitive_reports(viewer.id),
            teams=frozenset(team for team, _ in memberships),
            led_teams=frozenset(team for team, role in memberships if role == MembershipRole.LEAD),
            _everyone=viewer.role in _PRIVILEGED_ROLES,
        )

    # --- who the viewer is -------------------------------------------------------------
    @property
    def viewer_id(self) -> int | None:
        return self.viewer.id if self.viewer else None

    @property
    def is_service(self) -> bool:
        return self.principal is not None and self.principal.is_service

    @property
    def is_hr(self) -> bool:
        return self.viewer is not None and self.viewer.role in _PRIVILEGED_ROLES

    @property
    def sees_everything(self) -> bool:
        """HR and service tokens see every object (their scopes still apply)."""
        return self._everyone

    def _self_and_reports(self) -> set[int]:
        return {self.viewer.id, *self.reports} if self.viewer else set()

    def manages(self, employee_id: int) -> bool:
        return employee_id in self.reports

    def is_self_or_manager_of(self, employee_id: int) -> bool:
        return employee_id == self.viewer_id or self.manages(employee_id)

    # --- employees -----------------------------------------------------------------------
    def can_read_sensitive(self, employee_id: int) -> bool:
        if employee_id == self.viewer_id and self.viewer is not None:
            return True
        has_scope = self.principal is not None and self.principal.has_scope(Scope.EMPLOYEES_SENSITIVE)
        return has_scope and (self.is_service or self.is_hr)

    def can_update_own_profile(self) -> bool:
        """Self-service: any signed-in employee edits their own profile; a service token has none."""
        return self.viewer is not None

    def can_manage_employees(self) -> bool:
        """Creating employees and changing names, jobs, managers, status and roles: HR and services."""
        return self.is_service or self.is_hr

    def can_grant_role(self, role: EmployeeRole) -> bool:
        """HR grants EMPLOYEE and HR; only an admin (or a service) makes someone an admin."""
        if self.is_service:
            return True
        if self.viewer is None or self.viewer.role not in _PRIVILEGED_ROLES:
            return False
        return role != EmployeeRole.ADMIN or self.viewer.role == EmployeeRole.ADMIN

    def can_change_standing(self, employee: Employee) -> bool:
        """An admin's role, status, manager and e-mail (their sign-in) are changed only by an
        admin (or a service): HR may not demote, terminate or re-home one."""
        if employee.role != EmployeeRole.ADMIN or self.is_service:
            return True
        return self.viewer is not None and self.viewer.role == EmployeeRole.ADMIN

    # --- teams ---------------------------------------------------------------------------
    def can_create_team(self) -> bool:
        """New teams are an org-chart decision: HR and services, not regular employees."""
        return self.is_service or self.is_hr

    def can_manage_team(self, team: Team) -> bool:
        """Rename, re-parent, change the lead, add and remove members: HR, services, the team's lead."""
        if self.sees_everything:
            return True
        if self.viewer is None:
            return False
        return team.id in self.led_teams or team.lead_id == self.viewer.id

    # --- tasks ---------------------------------------------------------------------------
    def visible_tasks(self) -> Q:
        if self.sees_everything:
            return Q()
        if self.viewer is None:
            return Q(id__in=[])
        return (
            Q(assignee_id__in=self._self_and_reports())
            | Q(creator_id=self.viewer.id)
            | Q(team_id__in=list(self.teams))
        )

    def can_see_task(self, task: Task) -> bool:
        if self.sees_everything:
            return True
        if self.viewer is None:
            return False
        return (
            self.is_self_or_manager_of(task.assignee_id)
            or task.creator_id == self.viewer.id
            or (task.team_id is not None and task.team_id in self.teams)
        )

    def can_update_task(self, task: Task) -> bool:
        """The assignee, the creator, managers above the assignee, the team's leads, HR, services."""
        if self.sees_everything:
            return True
        if self.viewer is None:
            return False
        return (
            self.is_self_or_manager_of(task.assignee_id)
            or task.creator_id == self.viewer.id
            or (task.team_id is not None and task.team_id in self.led_teams)
        )

    def can_assign_task(self, assignee_id: int, team_id: int | None) -> bool:
        """Yourself, your reports (transitively), members of a team you lead; HR and services anyone."""
        if self.sees_everything:
            return True
        if self.viewer is None:
            return False
        return self.is_self_or_manager_of(assignee_id) or (team_id is not None and team_id in self.led_teams)

    def can_delete_task(self, task: Task) -> bool:
        """The creator, managers above the assignee, the team's leads, HR and services.

        Unlike updating, the assignee alone may not delete work someone else gave them.
        """
        if self.sees_everything:
            return True
        if self.viewer is None:
            return False
        return (
            task.creator_id == self.viewer.id
            or self.manages(task.assignee_id)
            or (task.team_id is not None and task.team_id in self.led_teams)
        )

    # --- mentorships ---------------------------------------------------------------------
    def visible_mentorships(self) -> Q:
        if self.sees_everything:
            return Q()
        people = self._self_and_reports()
        return Q(mentor_id__in=people) | Q(mentee_id__in=people)

    def can_see_mentorship(self, mentorship: Mentorship) -> bool:
        if self.sees_everything:
            return True
        return self.is_self_or_manager_of(mentorship.mentor_id) or self.is_self_or_manager_of(
            mentorship.mentee_id
        )

    def can_respond_to_mentorship(self, mentorship: Mentorship) -> bool:
        """Only the mentor answers a request, and only while it is proposed."""
        return mentorship.status == MentorshipStatus.PROPOSED and mentorship.mentor_id == self.viewer_id

    def can_request_mentorship(self) -> bool:
        """An employee asks for a mentor for themselves; a service token has no one to mentor."""
        return self.viewer is not None

    def is_mentorship_party(self, mentorship: Mentorship) -> bool:
        """The mentor or the mentee: the only people who act on a mentorship (managers and HR read)."""
        return self.viewer is not None and self.viewer.id in (mentorship.mentor_id, mentorship.mentee_id)

    def can_move_mentorship(self, mentorship: Mentorship, to: MentorshipStatus) -> bool:
        """Who may make a move of the mentorship state machine (which moves exist is the workflow's).

        A request is answered (accepted or declined) by the mentor and withdrawn by the mentee;
        an active mentorship is completed or cancelled by either of them.
        """
        if not self.is_mentorship_party(mentorship):
            return False
        if mentorship.status == MentorshipStatus.PROPOSED:
            if to == MentorshipStatus.CANCELLED:
                return mentorship.mentee_id == self.viewer_id
            return mentorship.mentor_id == self.viewer_id
        return True

    def can_end_mentorship(self, mentorship: Mentorship) -> bool:
        """Whether the viewer may end (or withdraw) the mentorship now."""
        is_open = mentorship.status in (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)
        return is_open and self.can_move_mentorship(mentorship, MentorshipStatus.CANCELLED)

    def can_log_mentorship_check_in(self, mentorship: Mentorship) -> bool:
        """The mentor or the mentee, while the mentorship is active."""
        return mentorship.status == MentorshipStatus.ACTIVE and self.is_mentorship_party(mentorship)

    # --- training ------------------------------------------------------------------------
    def visible_enrollments(self) -> Q:
        if self.sees_everything:
            return Q()
        if self.viewer is None:
            return Q(id__in=[])
        return Q(employee_id__in=self._self_and_reports()) | Q(session__instructor_id=self.viewer.id)

    def can_see_enrollment(self, enrollment: Enrollment, session: TrainingSession | None = None) -> bool:
        if self.sees_everything:
            return True
        if self.is_self_or_manager_of(enrollment.employee_id):
            return True
        return session is not None and self.viewer is not None and session.instructor_id == self.viewer.id

    def can_manage_training(self) -> bool:
        """Create and change courses and schedule sessions: HR and service tokens."""
        return self.sees_everything

    def can_manage_session(self, session: TrainingSession) -> bool:
        """Cancel a session or record its outcomes: HR, service tokens, and the session's instructor."""
        if self.sees_everything:
            return True
        return self.viewer is not None and session.instructor_id == self.viewer.id

    def can_enroll(self, employee_id: int) -> bool:
        """Enroll yourself, or (as a manager, transitively) a report; HR and service tokens anyone."""
        if self.sees_everything:
            return True
        return self.viewer is not None and self.is_self_or_manager_of(employee_id)

    def can_cancel_enrollment(self, enrollment: Enrollment) -> bool:
        """The enrolled employee and their managers; HR and service tokens."""
        return self.can_enroll(enrollment.employee_id)

    def can_submit_training_feedback(self, enrollment: Enrollment) -> bool:
        """Feedback is the enrolled employee's own opinion: nobody gives it for them."""
        return self.viewer is not None and enrollment.employee_id == self.viewer.id

    def can_see_training_compliance(self, employee_id: int) -> bool:
        """The employee, their managers, HR and service tokens."""
        if self.sees_everything:
            return True
        return self.viewer is not None and self.is_self_or_manager_of(employee_id)

    # --- audit and webhooks --------------------------------------------------------------
    def can_read_audit(self) -> bool:
        return self.sees_everything

    def can_manage_webhooks(self) -> bool:
        return self.sees_everything

    def webhook_owner_scope(self) -> str | None:
        """Service tokens manage the endpoints their client registered; HR manages all (None)."""
        if self.is_service and self.principal is not None:
            return self.principal.client_id
        return None

    def visible_webhooks(self) -> Q:
        """The endpoints this principal manages: its client's, or all for HR; none for others."""
        if not self.can_manage_webhooks():
            return Q(id__in=[])
        owner = self.webhook_owner_scope()
        return Q() if owner is None else Q(owner_client_id=owner)

    def can_see_webhook(self, webhook: Webhook) -> bool:
        """The one-row form of `visible_webhooks` (node lookups, deliveries)."""
        if not self.can_manage_webhooks():
            return False
        owner = self.webhook_owner_scope()
        return owner is None or webhook.owner_client_id == owner

    def webhook_owner_for_new(self, client_id: str | None) -> str | None:
        """Who owns an endpoint this principal registers through `client_id`: a service token's
        own client; for HR the client the request came through (None without one)."""
        owner = self.webhook_owner_scope()
        return client_id if owner is None else owner
