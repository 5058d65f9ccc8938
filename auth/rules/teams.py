"""Team rules: who creates teams and who manages one."""

from __future__ import annotations

from auth.rules.base import PolicyBase
from models.teams import Team


class TeamRules(PolicyBase):
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
