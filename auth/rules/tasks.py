"""Task rules: which tasks the viewer sees, updates, assigns and deletes."""

from __future__ import annotations

from tortoise.expressions import Q

from auth.rules.base import PolicyBase
from models.tasks import Task


class TaskRules(PolicyBase):
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
