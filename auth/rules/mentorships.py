"""Mentorship rules: who sees a mentorship, and who makes each move of its state machine."""

from __future__ import annotations

from tortoise.expressions import Q

from auth.rules.base import PolicyBase
from models.mentorships import Mentorship, MentorshipStatus


class MentorshipRules(PolicyBase):
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

    def can_set_mentor_capacity(self) -> bool:
        """A mentor sets their own capacity; a service token mentors no one."""
        return self.viewer is not None

    def mentorship_side(self, mentorship: Mentorship) -> str | None:
        """ "mentor" or "mentee": the viewer's side of the mentorship, or None if not a party."""
        if self.viewer is None:
            return None
        if self.viewer.id == mentorship.mentor_id:
            return "mentor"
        return "mentee" if self.viewer.id == mentorship.mentee_id else None

    def can_rate_mentorship(self, mentorship: Mentorship) -> bool:
        """Each party rates a mentorship once, after it ran (it was accepted) and ended."""
        side = self.mentorship_side(mentorship)
        ended = mentorship.status in (MentorshipStatus.COMPLETED, MentorshipStatus.CANCELLED)
        if side is None or not ended or mentorship.started_at is None:
            return False
        rating = mentorship.mentor_rating if side == "mentor" else mentorship.mentee_rating
        return rating is None
