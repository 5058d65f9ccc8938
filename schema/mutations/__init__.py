"""The root Mutation: one class of mutations per domain, merged."""

from __future__ import annotations

import strawberry

from schema.mutations.tasks import TaskMutations


@strawberry.type(description="Every change goes through a mutation; each takes one `input` and returns a payload.")
class Mutation(TaskMutations):
    pass
