"""Feedback rules: who sees kudos, and who sees, asks for and answers private feedback.

Kudos are public recognition within reach of the receiver: the receiver, the giver, the
receiver's teammates (anyone sharing a team with them), the managers above the receiver, HR and
service tokens.

Feedback is private to the person it is about. A request, and the feedback written on it, is
seen by the requester and the person asked, and by the requester's direct manager only once it
was submitted `SHARED_WITH_MANAGER`. Nobody else: not HR, not a service token (unlike every
other domain, where they see everything), not the managers further up.
"""

from __future__ import annotations

from collections.abc import Collection

from tortoise.expressions import Q, Subquery

from auth.rules.base import PolicyBase
from models.employees import Employee
from models.feedback import FeedbackRequest, FeedbackStatus, FeedbackVisibility, Kudos
from models.teams import TeamMembership

_NOTHING = Q(id__in=[])


class FeedbackRules(PolicyBase):
    # --- kudos -------------------------------------------------------------------------
    def visible_kudos(self) -> Q:
        if self.sees_everything:
            return Q()
        if self.viewer is None:
            return _NOTHING
        q = Q(receiver_id__in=self._self_and_reports()) | Q(giver_id=self.viewer.id)
        if self.teams:
            teammates = TeamMembership.filter(team_id__in=list(self.teams)).values("employee_id")
            q |= Q(receiver_id__in=Subquery(teammates))
        return q

    def can_see_kudos(self, kudos: Kudos, receiver_teams: Collection[int]) -> bool:
        """`receiver_teams`: the teams the receiver belongs to now."""
        if self.sees_everything:
            return True
        if self.viewer is None:
            return False
        return (
            self.is_self_or_manager_of(kudos.receiver_id)
            or kudos.giver_id == self.viewer.id
            or not self.teams.isdisjoint(receiver_teams)
        )

    def can_give_kudos(self) -> bool:
        """An employee thanks a colleague; a service token has no one to thank for."""
        return self.viewer is not None

    # --- feedback ----------------------------------------------------------------------
    def visible_feedback_requests(self) -> Q:
        if self.viewer is None:  # services too: feedback is never theirs to read
            return _NOTHING
        reports = Employee.filter(manager_id=self.viewer.id).values("id")
        shared = Q(
            requester_id__in=Subquery(reports),
            status=FeedbackStatus.SUBMITTED,
            visibility=FeedbackVisibility.SHARED_WITH_MANAGER,
        )
        return Q(requester_id=self.viewer.id) | Q(respondent_id=self.viewer.id) | shared

    def can_see_feedback_request(self, request: FeedbackRequest, requester_manager_id: int | None) -> bool:
        """`requester_manager_id`: the requester's manager now."""
        if self.viewer is None:
            return False
        if self.viewer.id in (request.requester_id, request.respondent_id):
            return True
        return (
            requester_manager_id == self.viewer.id
            and request.status == FeedbackStatus.SUBMITTED
            and request.visibility == FeedbackVisibility.SHARED_WITH_MANAGER
        )

    def can_request_feedback(self) -> bool:
        """An employee asks for feedback on themselves."""
        return self.viewer is not None

    def can_submit_feedback(self, request: FeedbackRequest) -> bool:
        """Only the person asked, once: while the request is pending (late is fine)."""
        return request.status == FeedbackStatus.PENDING and request.respondent_id == self.viewer_id
