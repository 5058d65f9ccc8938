"""Training rules: enrollments seen and changed, courses and sessions managed, feedback, compliance."""

from __future__ import annotations

from tortoise.expressions import Q

from auth.rules.base import PolicyBase
from models.teams import Team
from models.training import Enrollment, TrainingSession


class TrainingRules(PolicyBase):
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

    def may_record_outcome_of(self, enrollment: Enrollment) -> bool:
        """Nobody records their own training outcome: HR or another instructor records it."""
        return enrollment.employee_id != self.viewer_id

    def can_submit_training_feedback(self, enrollment: Enrollment) -> bool:
        """Feedback is the enrolled employee's own opinion: nobody gives it for them."""
        return self.viewer is not None and enrollment.employee_id == self.viewer.id

    def can_see_training_compliance(self, employee_id: int) -> bool:
        """The employee, their managers, HR and service tokens."""
        if self.sees_everything:
            return True
        return self.viewer is not None and self.is_self_or_manager_of(employee_id)

    def compliance_report_members(self, team: Team, member_ids: list[int]) -> list[int] | None:
        """Whose rows a team's compliance report shows: every member to HR, service tokens and
        the team's lead; to a manager, the members they manage (transitively). None: no report."""
        if self.sees_everything or (
            self.viewer is not None and (team.lead_id == self.viewer.id or team.id in self.led_teams)
        ):
            return member_ids
        managed = [i for i in member_ids if self.manages(i)]
        return managed or None
