"""Schedule rules: who sees time off (and its kind and note), who decides, cancels and edits."""

from __future__ import annotations

from tortoise.expressions import Q

from auth.rules.base import PolicyBase
from models.schedules import TimeOffRequest


class ScheduleRules(PolicyBase):
    def visible_time_off(self) -> Q:
        """Whole requests (kind and note included): the employee, their manager chain, HR, services."""
        if self.sees_everything:
            return Q()
        return Q(employee_id__in=self._self_and_reports())

    def can_see_time_off(self, request: TimeOffRequest) -> bool:
        return self.can_see_time_off_of(request.employee_id)

    def can_see_time_off_of(self, employee_id: int) -> bool:
        """Whether the viewer sees this employee's requests whole, balances included."""
        return self.sees_everything or self.is_self_or_manager_of(employee_id)

    def can_request_time_off(self) -> bool:
        """Self-service: an employee asks for their own time off; a service token has no one to send."""
        return self.viewer is not None

    def can_decide_time_off(self, request: TimeOffRequest) -> bool:
        """A pending request is decided by a manager above the employee, HR or a service; never by
        the employee themselves (HR included)."""
        if request.employee_id == self.viewer_id:
            return False
        return self.sees_everything or self.manages(request.employee_id)

    def can_cancel_time_off(self, request: TimeOffRequest) -> bool:
        """The employee withdraws their own request; HR and services may cancel any."""
        return request.employee_id == self.viewer_id or self.sees_everything

    def can_edit_working_pattern(self, employee_id: int) -> bool:
        """The employee edits their own pattern; HR and services edit anyone's."""
        return employee_id == self.viewer_id or self.sees_everything

    def can_manage_holidays(self) -> bool:
        """The public-holiday table is HR's (and a service's, such as an HRIS sync)."""
        return self.is_service or self.is_hr

    def can_see_team_calendar(self, team_id: int, member_ids: frozenset[int]) -> bool:
        """A team's members, its lead, the managers of its members, HR and services."""
        if self.sees_everything or team_id in self.teams or team_id in self.led_teams:
            return True
        return bool(member_ids & self.reports)
