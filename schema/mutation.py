"""The root Mutation: one class of mutations per domain, merged."""

from __future__ import annotations

import strawberry

from schema.employees.mutations import EmployeeMutations
from schema.feedback.mutations import FeedbackMutations
from schema.mentorships.mutations import MentorshipMutations
from schema.schedules.mutations import ScheduleMutations
from schema.tasks.mutations import TaskMutations
from schema.teams.mutations import TeamMutations
from schema.training.mutations import TrainingMutations
from schema.webhooks.mutations import WebhookMutations


@strawberry.type(
    description="Every change goes through a mutation; each takes one `input` and returns a payload."
)
class Mutation(
    EmployeeMutations,
    TeamMutations,
    TaskMutations,
    MentorshipMutations,
    TrainingMutations,
    WebhookMutations,
    FeedbackMutations,
    ScheduleMutations,
):
    pass
