"""The root Query: it only merges the domains' root fields (schema/<domain>/queries.py).

The field order is the schema's: the inherited fields (audit events, webhooks) come first, then
the ones listed here, in this order.
"""

from __future__ import annotations

import strawberry

from schema.audit.queries import AuditQuery
from schema.core import nodes as node_queries
from schema.employees import queries as employee_queries
from schema.mentorships import queries as mentorship_queries
from schema.schedules import queries as schedule_queries
from schema.stats import queries as stats_queries
from schema.tasks import queries as task_queries
from schema.teams import queries as team_queries
from schema.training import queries as training_queries
from schema.webhooks.queries import WebhookQuery


@strawberry.type(description="Everything readable in peoplegraph starts here.")
class Query(AuditQuery, WebhookQuery):
    viewer = employee_queries.viewer
    node = node_queries.node
    nodes = node_queries.nodes
    employees = employee_queries.employees
    teams = team_queries.teams
    tasks = task_queries.tasks
    mentorships = mentorship_queries.mentorships
    training_courses = training_queries.training_courses
    training_sessions = training_queries.training_sessions
    compliance_report = training_queries.compliance_report
    mentor_suggestions = mentorship_queries.mentor_suggestions
    team_calendar = schedule_queries.team_calendar
    public_holidays = schedule_queries.public_holidays
    mentor_capacity = mentorship_queries.mentor_capacity
    employee_stats = stats_queries.employee_stats
    task_stats = stats_queries.task_stats
    training_stats = stats_queries.training_stats
