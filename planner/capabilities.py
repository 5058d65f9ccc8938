"""`viewerCan…` capability fields as SQL: the policy's `can_*` rules as a constant or a `Q` of
the row, per principal.

These are the second rendering of rules auth/policy.py answers for one loaded row; each is
written beside the method it mirrors and compared with it, row by row and role by role, by the
differential tests (tests/api/compiled/). The answer depends on the viewer, their reports and
the teams they lead: all of it is in the plan cache key (planner/plans.py).
"""

from __future__ import annotations

from collections.abc import Callable

from tortoise.expressions import Q

from auth.policy import Policy
from models.feedback import FeedbackStatus
from models.mentorships import MentorshipStatus
from models.schedules import OPEN_TIME_OFF_STATUSES, TimeOffStatus
from models.training import EnrollmentStatus

Rule = Callable[[Policy], "Q | bool"]


def can_update_employee(policy: Policy) -> Q | bool:
    """`Policy.can_manage_employees`: HR and service tokens."""
    return policy.can_manage_employees()


def can_manage_team(policy: Policy) -> Q | bool:
    """`Policy.can_manage_team`: HR, services, and the team's leads (by membership or `lead`)."""
    if policy.sees_everything:
        return True
    if policy.viewer is None:
        return False
    return Q(id__in=list(policy.led_teams)) | Q(lead_id=policy.viewer.id)


def can_update_task(policy: Policy) -> Q | bool:
    """`Policy.can_update_task`: the assignee, their managers, the creator, the team's leads."""
    if policy.sees_everything:
        return True
    if policy.viewer is None:
        return False
    people = [policy.viewer.id, *policy.reports]
    return Q(assignee_id__in=people) | Q(creator_id=policy.viewer.id) | Q(team_id__in=list(policy.led_teams))


def can_delete_task(policy: Policy) -> Q | bool:
    """`Policy.can_delete_task`: the creator, managers above the assignee, the team's leads."""
    if policy.sees_everything:
        return True
    if policy.viewer is None:
        return False
    return (
        Q(creator_id=policy.viewer.id)
        | Q(assignee_id__in=list(policy.reports))
        | Q(team_id__in=list(policy.led_teams))
    )


def reads_sensitive(policy: Policy, own: bool) -> bool:
    """`Policy.can_read_sensitive`, asked of the viewer's own row (`own`) or of any other one: HR
    and service tokens with `employees:sensitive` read every row's, an employee only their own."""
    return policy.can_read_sensitive(policy.viewer_id if own and policy.viewer_id is not None else 0)


def can_decide_time_off(policy: Policy) -> Q | bool:
    """`TimeOffRequest.viewerCanDecide`: pending, and `Policy.can_decide_time_off` (a manager
    above the employee, HR or a service; never the employee themselves)."""
    pending = Q(status=TimeOffStatus.PENDING)
    if policy.viewer is None:
        return pending if policy.sees_everything else False
    if policy.sees_everything:
        return pending & ~Q(employee_id=policy.viewer.id)
    return pending & Q(employee_id__in=list(policy.reports))


def can_cancel_time_off(policy: Policy) -> Q | bool:
    """`TimeOffRequest.viewerCanCancel`: pending or approved, and `Policy.can_cancel_time_off`
    (the employee, HR and services)."""
    open_ = Q(status__in=list(OPEN_TIME_OFF_STATUSES))
    if policy.sees_everything:
        return open_
    if policy.viewer is None:
        return False
    return open_ & Q(employee_id=policy.viewer.id)


def can_submit_feedback(policy: Policy) -> Q | bool:
    """`FeedbackRequest.viewerCanSubmit` (`Policy.can_submit_feedback`): the person asked, while pending."""
    if policy.viewer is None:
        return False
    return Q(status=FeedbackStatus.PENDING, respondent_id=policy.viewer.id)


def _party(viewer: int) -> Q:
    return Q(mentor_id=viewer) | Q(mentee_id=viewer)


def can_respond_to_mentorship(policy: Policy) -> Q | bool:
    """`Policy.can_respond_to_mentorship`: the mentor, while proposed."""
    if policy.viewer is None:
        return False
    return Q(status=MentorshipStatus.PROPOSED, mentor_id=policy.viewer.id)


def can_end_mentorship(policy: Policy) -> Q | bool:
    """`Policy.can_end_mentorship`: the mentee withdraws a proposed one; either party ends an active one."""
    if policy.viewer is None:
        return False
    viewer = policy.viewer.id
    return Q(status=MentorshipStatus.PROPOSED, mentee_id=viewer) | (
        Q(status=MentorshipStatus.ACTIVE) & _party(viewer)
    )


def can_log_mentorship_check_in(policy: Policy) -> Q | bool:
    """`Policy.can_log_mentorship_check_in`: either party, while active."""
    if policy.viewer is None:
        return False
    return Q(status=MentorshipStatus.ACTIVE) & _party(policy.viewer.id)


def can_rate_mentorship(policy: Policy) -> Q | bool:
    """`Policy.can_rate_mentorship`: a party (the mentor's side first), once, after it started and
    was completed or cancelled."""
    if policy.viewer is None:
        return False
    viewer = policy.viewer.id
    ended = Q(status__in=[MentorshipStatus.COMPLETED, MentorshipStatus.CANCELLED], started_at__isnull=False)
    as_mentor = Q(mentor_id=viewer, mentor_rating__isnull=True)
    as_mentee = Q(mentee_id=viewer, mentee_rating__isnull=True) & ~Q(mentor_id=viewer)
    return ended & (as_mentor | as_mentee)


def can_cancel_enrollment(policy: Policy) -> Q | bool:
    """`Enrollment.viewerCanCancel`: enrolled or waitlisted, and `Policy.can_cancel_enrollment`
    (the employee and their managers, HR and services)."""
    active = Q(status__in=[EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED])
    if policy.sees_everything:
        return active
    if policy.viewer is None:
        return False
    return active & Q(employee_id__in=[policy.viewer.id, *policy.reports])
