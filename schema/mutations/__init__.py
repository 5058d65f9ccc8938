"""The root Mutation: one class of mutations per domain, merged."""

from __future__ import annotations

import strawberry

from schema.mutations.employees import EmployeeMutations
from schema.mutations.mentorships import MentorshipMutations
from schema.mutations.tasks import TaskMutations
from schema.mutations.teams import TeamMutations
from schema.mutations.training import TrainingMutations
from schema.mutations.webhooks import WebhookMutations


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
):
    pass
