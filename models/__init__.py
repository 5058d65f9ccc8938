"""Tortoise models, one module per domain. Imports nothing of ours."""

MODEL_MODULES = [
    "models.employees",
    "models.teams",
    "models.tasks",
    "models.mentorships",
    "models.training",
    "models.events",
    "models.oauth",
    "models.webhooks",
    "models.idempotency",
    "models.feedback",
    "models.schedules",
]
