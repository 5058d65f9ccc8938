"""The authorization matrix: every role against every query root, sensitive field and mutation.

One table says who may do what (DESIGN.md, "Who may do what"). Roles:

- employee: Ada, a member of team Web; manager: Ada's manager; teammate: another member of
  Web; outsider: an employee with no relation to Ada; hr: an HR employee;
- service: a client-credentials token with every scope; noscope: a service token holding
  every scope but the one the operation needs; anonymous: no token.

`allow` means the operation succeeds with no error of any kind; anything else must be refused
(UNAUTHENTICATED for anonymous with HTTP 401, FORBIDDEN naming the scope for noscope, and for
the others a FORBIDDEN error, or a NOT_ALLOWED / NOT_FOUND user error that changes nothing).
A mutation of the schema without a row here fails `test_every_mutation_has_a_row`.

Every field that reaches objects needing another scope than its parent (`Task.assignee`,
`Employee.tasks`, `CreateTaskPayload.task`, ...; schema/core/read_scopes.py) has a row in PATHS, made
from the schema: without that scope the field alone is refused at its own path and the rest of
the response stays; a mutation still applies and returns what the token may read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from auth.scopes import ALL_SCOPES, Scope
from config import Settings
from events.log import record_event
from ids import to_global_id
from models.events import Event
from models.feedback import FeedbackRequest, Kudos
from models.mentorships import MentorshipCheckIn
from models.schedules import PublicHoliday, TimeOffRequest
from models.training import TrainingExemption, TrainingRequirement
from models.webhooks import Webhook, WebhookDelivery
from schema import schema
from schema.core.read_scopes import GATED_FIELDS
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker

EMPLOYEE, MANAGER, TEAMMATE, OUTSIDER, HR, SERVICE = (
    "employee",
    "manager",
    "teammate",
    "outsider",
    "hr",
    "service",
)
ROLES = [EMPLOYEE, MANAGER, TEAMMATE, OUTSIDER, HR, SERVICE]
ALL = frozenset(ROLES)
PEOPLE = frozenset({EMPLOYEE, MANAGER, TEAMMATE, OUTSIDER, HR})  # anyone signed in as an employee
ADMINS = frozenset({HR, SERVICE})
ADA_AND_UP = frozenset({EMPLOYEE, MANAGER, HR, SERVICE})  # Ada, those above her, HR, services
REFUSAL_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "NOT_ALLOWED", "NOT_FOUND"}


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


# `token_for(role, scope, without=False)` of the `world_and_tokens` fixture; None is anonymous.
TokenFor = Callable[..., Awaitable[str | None]]


@dataclass
class World:
    ids: dict[str, int]
    emails: dict[str, str]
    service_client: str

    def id(self, type_name: str, key: str) -> str:
        return gid(type_name, self.ids[key])


@dataclass(frozen=True)
class Op:
    name: str
    scope: Scope
    allowed: frozenset[str]
    document: str
    variables: Callable[[World], dict[str, Any]] = lambda w: {}
    payload: str | None = None  # the mutation's field, whose `errors` must be empty when allowed
    label: str | None = None  # tells apart several rows of one operation in test ids

    @property
    def case(self) -> str:
        return self.label or self.name


def m(
    name: str,
    scope: Scope,
    allowed: frozenset[str],
    input_type: str,
    fields: str,
    variables: Callable[..., dict[str, Any]],
) -> Op:
    doc = f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {fields} errors {{ code message }} }} }}"
    return Op(name, scope, allowed, doc, lambda w: {"input": variables(w)}, payload=name)


FUTURE = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
# Ada's pending time off lies on FUTURE's day; requests made in the matrix a week later.
TIME_OFF_DAY = FUTURE.date()
REQUESTED_DAY = TIME_OFF_DAY + timedelta(days=7)
CALENDAR = (
    "query($team: ID!, $from: Date!, $to: Date!) "
    "{ teamCalendar(teamId: $team, from: $from, to: $to) { startsOn } }"
)


def calendar_window(w: World) -> dict[str, Any]:
    return {"team": w.id("Team", "web"), "from": TIME_OFF_DAY.isoformat(), "to": TIME_OFF_DAY.isoformat()}


QUERIES = [
    Op("viewer", Scope.EMPLOYEES_READ, ALL, "{ viewer { id } }"),
    Op("employees", Scope.EMPLOYEES_READ, ALL, "{ employees(first: 1) { totalCount } }"),
    Op("teams", Scope.EMPLOYEES_READ, ALL, "{ teams(first: 1) { totalCount } }"),
    Op("tasks", Scope.TASKS_READ, ALL, "{ tasks(first: 1) { totalCount } }"),
    Op("mentorships", Scope.MENTORSHIPS_READ, ALL, "{ mentorships(first: 1) { totalCount } }"),
    Op("trainingCourses", Scope.TRAINING_READ, ALL, "{ trainingCourses(first: 1) { totalCount } }"),
    Op("trainingSessions", Scope.TRAINING_READ, ALL, "{ trainingSessions(first: 1) { totalCount } }"),
    Op(
        "mentorSuggestions",
        Scope.EMPLOYEES_READ,
        ALL,
        '{ mentorSuggestions(skills: ["python"]) { employee { id } } }',
    ),
    Op("mentorCapacity", Scope.EMPLOYEES_READ, ALL, "{ mentorCapacity { capacity } }"),
    Op("webhooks", Scope.WEBHOOKS_MANAGE, ADMINS, "{ webhooks(first: 1) { totalCount } }"),
    Op("auditEvents", Scope.AUDIT_READ, ADMINS, "{ auditEvents(first: 1) { totalCount } }"),
    Op("teamCalendar", Scope.SCHEDULES_READ, ALL - {OUTSIDER}, CALENDAR, lambda w: calendar_window(w)),
    # Ada is a member of Web, her manager manages a member, Lea leads it (not a matrix role).
    Op(
        "complianceReport",
        Scope.TRAINING_READ,
        frozenset({MANAGER, HR, SERVICE}),
        "query($team: ID!) { complianceReport(teamId: $team) { members { requirements { status } } } }",
        lambda w: {"team": w.id("Team", "web")},
    ),
    Op(
        "publicHolidays",
        Scope.SCHEDULES_READ,
        ALL,
        '{ publicHolidays(location: "Berlin", year: 2030) { day } }',
    ),
    # Aggregates count what each may list (the floor applies to all but HR): open to every reader.
    Op("employeeStats", Scope.EMPLOYEES_READ, ALL, "{ employeeStats(groupBy: [TEAM]) { count suppressed } }"),
    Op("taskStats", Scope.TASKS_READ, ALL, "{ taskStats(groupBy: [TEAM, OVERDUE]) { count suppressed } }"),
    Op(
        "trainingStats", Scope.TRAINING_READ, ALL, "{ trainingStats(groupBy: [COURSE]) { count suppressed } }"
    ),
]

# Reading one object through `node`: hidden objects are null, exactly as if absent.
NODES = [
    ("Ada's task", Scope.TASKS_READ, ADA_AND_UP | {TEAMMATE}, lambda w: w.id("Task", "task")),
    (
        "Ada's mentorship",
        Scope.MENTORSHIPS_READ,
        ADA_AND_UP,
        lambda w: w.id("Mentorship", "active_mentorship"),
    ),
    ("Ada's enrollment", Scope.TRAINING_READ, ADA_AND_UP, lambda w: w.id("Enrollment", "enrollment")),
    ("Ada's profile", Scope.EMPLOYEES_READ, ALL, lambda w: w.id("Employee", "ada")),
    ("Kudos to Ada", Scope.FEEDBACK_READ, ADA_AND_UP | {TEAMMATE}, lambda w: w.id("Kudos", "kudos")),
    # Feedback is the requester's and its author's alone (and the manager's once shared): not HR's or a service's.
    (
        "Ada's private feedback",
        Scope.FEEDBACK_READ,
        frozenset({EMPLOYEE, TEAMMATE}),
        lambda w: w.id("FeedbackRequest", "private_feedback"),
    ),
    (
        "Ada's shared feedback",
        Scope.FEEDBACK_READ,
        frozenset({EMPLOYEE, TEAMMATE, MANAGER}),
        lambda w: w.id("FeedbackRequest", "shared_feedback"),
    ),
    ("Ada's time off", Scope.SCHEDULES_READ, ADA_AND_UP, lambda w: w.id("TimeOffRequest", "time_off")),
]

SENSITIVE = Op(
    "Ada's phone",
    Scope.EMPLOYEES_SENSITIVE,
    frozenset({EMPLOYEE, HR, SERVICE}),
    "query($id: ID!) { node(id: $id) { ... on Employee { phone birthDate emergencyContact } } }",
    lambda w: {"id": w.id("Employee", "ada")},
)

MUTATIONS = [
    m("updateMyProfile", Scope.PROFILE_WRITE, PEOPLE, "UpdateMyProfileInput", "employee { id }", lambda w: {"pronouns": "they/them"}),
    m("createEmployee", Scope.EMPLOYEES_WRITE, ADMINS, "CreateEmployeeInput", "employee { id }",
      lambda w: {"email": "new.hire@example.com", "givenName": "New", "familyName": "Hire"}),
    m("updateEmployee", Scope.EMPLOYEES_WRITE, ADMINS, "UpdateEmployeeInput", "employee { id }",
      lambda w: {"id": w.id("Employee", "ada"), "jobTitle": "Staff Engineer"}),
    # Only an admin (or a service) changes an admin's role, status or manager: HR is refused.
    *[replace(m("updateEmployee", Scope.EMPLOYEES_WRITE, frozenset({SERVICE}), "UpdateEmployeeInput",
                "employee { id }", lambda w, change=change: {"id": w.id("Employee", "admin"), **change(w)}),
              label=f"updateEmployee of an admin's {what}")
      for what, change in [("role", lambda w: {"role": "HR"}), ("status", lambda w: {"status": "TERMINATED"}),
                           ("manager", lambda w: {"managerId": w.id("Employee", "boss")})]],
    m("createTeam", Scope.TEAMS_WRITE, ADMINS, "CreateTeamInput", "team { id }", lambda w: {"name": "Platform"}),
    m("updateTeam", Scope.TEAMS_WRITE, ADMINS, "UpdateTeamInput", "team { id }",
      lambda w: {"id": w.id("Team", "web"), "description": "The web app"}),
    m("addTeamMember", Scope.TEAMS_WRITE, ADMINS, "AddTeamMemberInput", "team { id }",
      lambda w: {"teamId": w.id("Team", "web"), "employeeId": w.id("Employee", "outsider")}),
    m("removeTeamMember", Scope.TEAMS_WRITE, ADMINS, "RemoveTeamMemberInput", "team { id }",
      lambda w: {"teamId": w.id("Team", "web"), "employeeId": w.id("Employee", "teammate")}),
    m("createTask", Scope.TASKS_WRITE, ADA_AND_UP, "CreateTaskInput", "task { id }",
      lambda w: {"title": "Prepare the demo", "assigneeId": w.id("Employee", "ada")}),
    m("updateTask", Scope.TASKS_WRITE, ADA_AND_UP, "UpdateTaskInput", "task { id }",
      lambda w: {"id": w.id("Task", "task"), "priority": "HIGH"}),
    m("setTaskStatus", Scope.TASKS_WRITE, ADA_AND_UP, "SetTaskStatusInput", "task { id }",
      lambda w: {"id": w.id("Task", "task"), "status": "IN_PROGRESS"}),
    m("deleteTask", Scope.TASKS_WRITE, ADA_AND_UP, "DeleteTaskInput", "deletedId",
      lambda w: {"id": w.id("Task", "task")}),
    m("requestMentorship", Scope.MENTORSHIPS_WRITE, PEOPLE, "RequestMentorshipInput", "mentorship { id }",
      lambda w: {"mentorId": w.id("Employee", "mentor2"), "goals": "Learn GraphQL"}),
    m("respondToMentorship", Scope.MENTORSHIPS_WRITE, frozenset({EMPLOYEE}), "RespondToMentorshipInput",
      "mentorship { id }", lambda w: {"id": w.id("Mentorship", "request_to_ada"), "decision": "ACCEPT"}),
    m("endMentorship", Scope.MENTORSHIPS_WRITE, frozenset({EMPLOYEE}), "EndMentorshipInput", "mentorship { id }",
      lambda w: {"id": w.id("Mentorship", "active_mentorship"), "outcome": "COMPLETED"}),
    m("logMentorshipCheckIn", Scope.MENTORSHIPS_WRITE, frozenset({EMPLOYEE}), "LogMentorshipCheckInInput",
      "checkIn { id }", lambda w: {"mentorshipId": w.id("Mentorship", "active_mentorship"), "notes": "Went well"}),
    m("rateMentorship", Scope.MENTORSHIPS_WRITE, frozenset({EMPLOYEE}), "RateMentorshipInput", "mentorship { id }",
      lambda w: {"id": w.id("Mentorship", "ended_mentorship"), "rating": 4}),
    m("setMentorCapacity", Scope.MENTORSHIPS_WRITE, PEOPLE, "SetMentorCapacityInput", "mentorCapacity { capacity }",
      lambda w: {"capacity": 2}),
    m("createTrainingCourse", Scope.TRAINING_MANAGE, ADMINS, "CreateTrainingCourseInput", "course { id }",
      lambda w: {"code": "SEC-900", "title": "Threat modelling"}),
    m("updateTrainingCourse", Scope.TRAINING_MANAGE, ADMINS, "UpdateTrainingCourseInput", "course { id }",
      lambda w: {"id": w.id("TrainingCourse", "course"), "title": "Security basics, revised"}),
    m("setCoursePrerequisites", Scope.TRAINING_MANAGE, ADMINS, "SetCoursePrerequisitesInput", "course { id }",
      lambda w: {"courseId": w.id("TrainingCourse", "course"), "prerequisiteIds": []}),
    m("scheduleTrainingSession", Scope.TRAINING_MANAGE, ADMINS, "ScheduleTrainingSessionInput", "session { id }",
      lambda w: {"courseId": w.id("TrainingCourse", "course"), "startsAt": FUTURE.isoformat(),
                 "endsAt": (FUTURE + timedelta(hours=2)).isoformat(), "capacity": 5}),
    m("cancelTrainingSession", Scope.TRAINING_MANAGE, ADMINS, "CancelTrainingSessionInput", "session { id }",
      lambda w: {"id": w.id("TrainingSession", "session")}),
    m("enrollInTrainingSession", Scope.TRAINING_ENROLL, ADA_AND_UP, "EnrollInTrainingSessionInput",
      "enrollment { status }",
      lambda w: {"sessionId": w.id("TrainingSession", "open_session"), "employeeId": w.id("Employee", "ada")}),
    m("cancelEnrollment", Scope.TRAINING_ENROLL, ADA_AND_UP, "CancelEnrollmentInput", "enrollment { status }",
      lambda w: {"enrollmentId": w.id("Enrollment", "enrollment")}),
    m("recordTrainingOutcome", Scope.TRAINING_MANAGE, ADMINS, "RecordTrainingOutcomeInput", "enrollment { status }",
      lambda w: {"enrollmentId": w.id("Enrollment", "past_enrollment"), "outcome": "COMPLETED", "score": 90}),
    m("createTrainingRequirement", Scope.TRAINING_MANAGE, ADMINS, "CreateTrainingRequirementInput",
      "requirement { id }", lambda w: {"courseId": w.id("TrainingCourse", "course"), "everyMonths": 12,
                                      "appliesTo": {"locations": ["Berlin"]}}),
    m("archiveTrainingRequirement", Scope.TRAINING_MANAGE, ADMINS, "ArchiveTrainingRequirementInput",
      "requirement { archivedAt }", lambda w: {"id": w.id("TrainingRequirement", "requirement")}),
    m("exemptFromTrainingRequirement", Scope.TRAINING_MANAGE, ADMINS, "ExemptFromTrainingRequirementInput",
      "exemption { reason }", lambda w: {"requirementId": w.id("TrainingRequirement", "requirement"),
                                         "employeeId": w.id("Employee", "ada"), "reason": "Certified elsewhere"}),
    m("removeTrainingExemption", Scope.TRAINING_MANAGE, ADMINS, "RemoveTrainingExemptionInput",
      "exemption { reason }", lambda w: {"requirementId": w.id("TrainingRequirement", "requirement"),
                                         "employeeId": w.id("Employee", "teammate")}),
    m("submitTrainingFeedback", Scope.TRAINING_ENROLL, frozenset({EMPLOYEE}), "SubmitTrainingFeedbackInput",
      "enrollment { feedbackRating }", lambda w: {"enrollmentId": w.id("Enrollment", "completed"), "rating": 5}),
    m("createWebhook", Scope.WEBHOOKS_MANAGE, ADMINS, "CreateWebhookInput", "secret",
      lambda w: {"url": "https://93.184.216.34/in", "eventTypes": ["TASK_CREATED"]}),
    m("updateWebhook", Scope.WEBHOOKS_MANAGE, ADMINS, "UpdateWebhookInput", "webhook { id }",
      lambda w: {"id": w.id("Webhook", "webhook"), "description": "renamed"}),
    m("rotateWebhookSecret", Scope.WEBHOOKS_MANAGE, ADMINS, "RotateWebhookSecretInput", "secret",
      lambda w: {"id": w.id("Webhook", "webhook")}),
    m("deleteWebhook", Scope.WEBHOOKS_MANAGE, ADMINS, "WebhookIdInput", "deletedId",
      lambda w: {"id": w.id("Webhook", "webhook")}),
    m("testWebhook", Scope.WEBHOOKS_MANAGE, ADMINS, "WebhookIdInput", "delivery { id }",
      lambda w: {"id": w.id("Webhook", "webhook")}),
    m("redeliverWebhookEvent", Scope.WEBHOOKS_MANAGE, ADMINS, "RedeliverWebhookEventInput", "delivery { id }",
      lambda w: {"webhookId": w.id("Webhook", "webhook"), "eventId": str(w.ids["event"])}),
    m("giveKudos", Scope.FEEDBACK_WRITE, PEOPLE, "GiveKudosInput", "kudos { id }",
      lambda w: {"toId": w.id("Employee", "mentor2"), "message": "Thanks for the help"}),
    m("requestFeedback", Scope.FEEDBACK_WRITE, PEOPLE, "RequestFeedbackInput", "feedbackRequests { id }",
      lambda w: {"fromIds": [w.id("Employee", "mentor2")], "about": "My talk"}),
    m("submitFeedback", Scope.FEEDBACK_WRITE, frozenset({EMPLOYEE}), "SubmitFeedbackInput", "feedbackRequest { id }",
      lambda w: {"requestId": w.id("FeedbackRequest", "feedback_to_ada"), "body": "Well done"}),
    m("requestTimeOff", Scope.SCHEDULES_WRITE, PEOPLE, "RequestTimeOffInput", "timeOffRequest { id }",
      lambda w: {"kind": "SICK", "startsOn": REQUESTED_DAY.isoformat(), "endsOn": REQUESTED_DAY.isoformat()}),
    m("decideTimeOff", Scope.SCHEDULES_WRITE, frozenset({MANAGER, HR, SERVICE}), "DecideTimeOffInput",
      "timeOffRequest { id }", lambda w: {"id": w.id("TimeOffRequest", "time_off"), "decision": "APPROVE"}),
    m("cancelTimeOff", Scope.SCHEDULES_WRITE, frozenset({EMPLOYEE, HR, SERVICE}), "CancelTimeOffInput",
      "timeOffRequest { id }", lambda w: {"id": w.id("TimeOffRequest", "time_off")}),
    m("updateWorkingPattern", Scope.SCHEDULES_WRITE, PEOPLE, "UpdateWorkingPatternInput", "workingPattern { days }",
      lambda w: {"days": ["MONDAY", "TUESDAY"]}),
    replace(m("updateWorkingPattern", Scope.SCHEDULES_WRITE, ADA_AND_UP - {MANAGER}, "UpdateWorkingPatternInput",
              "workingPattern { days }", lambda w: {"employeeId": w.id("Employee", "ada"), "days": ["MONDAY"]}),
            label="updateWorkingPattern of Ada's"),
    m("setPublicHoliday", Scope.SCHEDULES_WRITE, ADMINS, "SetPublicHolidayInput", "publicHoliday { day }",
      lambda w: {"location": "Berlin", "day": "2030-10-03", "name": "Unity day"}),
    m("removePublicHoliday", Scope.SCHEDULES_WRITE, ADMINS, "RemovePublicHolidayInput", "publicHoliday { day }",
      lambda w: {"location": "Berlin", "day": "2030-05-01"}),
    m("setTeamCover", Scope.SCHEDULES_WRITE, ADMINS, "SetTeamCoverInput", "team { id }",
      lambda w: {"teamId": w.id("Team", "web"), "maxAbsent": 2}),
]  # fmt: skip


# Reaching another scope's objects: one row per gated field, made from the schema (see module doc).
@dataclass(frozen=True)
class Path:
    coordinate: str
    scope: Scope
    role: str
    document: str
    variables: Callable[[World], dict[str, Any]]
    where: tuple[str | int, ...]  # the response path refused without the scope
    payload: str | None = None  # the mutation, when the field is in its payload


# Where the world holds an object of a type, its fields are reached through `node(id:)`.
WORLD_OBJECTS = {
    "Employee": "ada", "Team": "web", "Task": "task", "Mentorship": "active_mentorship",
    "MentorshipCheckIn": "check_in", "TrainingCourse": "course", "TrainingSession": "session",
    "Enrollment": "enrollment", "Webhook": "webhook",
    "Kudos": "kudos", "FeedbackRequest": "private_feedback", "TimeOffRequest": "time_off",
    "TrainingRequirement": "requirement",
}  # fmt: skip
# Who reads those objects' fields in the PATHS rows (a service, unless it may not see the object).
WORLD_READERS = {"FeedbackRequest": EMPLOYEE}
THROUGH_LISTS = {"AuditEvent": "auditEvents"}  # types reached only through a root list
# Types reached only through a root field with arguments: (document, variables, the root's path).
THROUGH_ROOTS = {
    "TeamCalendarEntry": (CALENDAR, calendar_window, ("teamCalendar", 0)),
    "teamCalendar": (CALENDAR, calendar_window, ("teamCalendar",)),
}
# Types reached through a nested path: (document with `{reach}`, variables, the path to the type).
REPORT = "query($team: ID!) { complianceReport(teamId: $team) { %s } }"
THROUGH_PATHS: dict[str, tuple[str, Callable[[World], dict[str, Any]], tuple[str | int, ...], str | None]] = {
    "ComplianceReport": (
        REPORT % "{reach}", lambda w: {"team": w.id("Team", "web")}, ("complianceReport",), None
    ),
    "ComplianceReportMember": (  # the Security team has one member
        REPORT % "members { {reach} }",
        lambda w: {"team": w.id("Team", "security")},
        ("complianceReport", "members", 0),
        None,
    ),
    "TrainingExemption": (  # Tim is exempt from the world's requirement
        "mutation($input: RemoveTrainingExemptionInput!) { removeTrainingExemption(input: $input) "
        "{ exemption { {reach} } errors { code } } }",
        lambda w: {"input": {"requirementId": w.id("TrainingRequirement", "requirement"),
                             "employeeId": w.id("Employee", "teammate")}},
        ("removeTrainingExemption", "exemption"),
        "removeTrainingExemption",
    ),
    # An aggregate's first row (the service is under the floor: it may be the merged one).
    "TaskStatsRow": ("{ taskStats(groupBy: [TEAM]) { {reach} } }", lambda w: {}, ("taskStats", 0), None),
    "TrainingStatsRow": (
        "{ trainingStats(groupBy: [COURSE]) { {reach} } }", lambda w: {}, ("trainingStats", 0), None
    ),
}  # fmt: skip
THROUGH_ROOTS["complianceReport"] = (
    REPORT % "__typename",
    lambda w: {"team": w.id("Team", "web")},
    ("complianceReport",),
)
ROOT_ARGUMENTS = {
    "mentorSuggestions": '(skills: ["python"])',
    "employeeStats": "(groupBy: [TEAM])",
    "taskStats": "(groupBy: [TEAM])",
    "trainingStats": "(groupBy: [COURSE])",
    "publicHolidays": '(location: "Berlin", year: 2030)',
}
# Subscription payloads are checked over a WebSocket (test_subscription_payloads_need_read_scopes).
EVENT_TYPES = {"Event"} | {
    name
    for name, t in schema._schema.type_map.items()
    if "Event" in {i.name for i in getattr(t, "interfaces", ())}
}


def _mutation_returning(type_name: str) -> Op:
    fields = schema._schema.mutation_type.fields  # type: ignore[union-attr]  # the schema has all three roots
    return next(op for op in MUTATIONS if str(fields[op.name].type).rstrip("!") == type_name)


def path_row(coordinate: str, scope: Scope) -> Path:
    type_name, field = coordinate.split(".")
    reach = f"{field} {{ __typename }}"
    if type_name == "Query" and field in THROUGH_ROOTS:
        return Path(coordinate, scope, SERVICE, THROUGH_ROOTS[field][0], THROUGH_ROOTS[field][1], (field,))
    if type_name == "Query":
        document = f"{{ __typename {field}{ROOT_ARGUMENTS.get(field, '')} {{ __typename }} }}"
        return Path(coordinate, scope, SERVICE, document, lambda w: {}, (field,))
    if type_name in WORLD_OBJECTS:
        key = WORLD_OBJECTS[type_name]
        document = f"query($id: ID!) {{ node(id: $id) {{ id ... on {type_name} {{ {reach} }} }} }}"
        return Path(
            coordinate,
            scope,
            WORLD_READERS.get(type_name, SERVICE),
            document,
            lambda w: {"id": w.id(type_name, key)},
            ("node", field),
        )
    if type_name in THROUGH_ROOTS:
        document, variables, where = THROUGH_ROOTS[type_name]
        document = document.replace("{ startsOn }", f"{{ startsOn {reach} }}")
        return Path(coordinate, scope, SERVICE, document, variables, (*where, field))
    if type_name in THROUGH_PATHS:
        template, given, path, payload = THROUGH_PATHS[type_name]
        document = template.replace("{reach}", reach)
        return Path(coordinate, scope, SERVICE, document, given, (*path, field), payload=payload)
    if type_name in THROUGH_LISTS:
        root = THROUGH_LISTS[type_name]
        document = f"{{ {root}(first: 1) {{ nodes {{ id {reach} }} }} }}"
        return Path(coordinate, scope, SERVICE, document, lambda w: {}, (root, "nodes", 0, field))
    op = _mutation_returning(type_name)
    input_type = schema._schema.mutation_type.fields[op.name].args["input"].type  # type: ignore[union-attr]  # the schema has all three roots
    document = (
        f"mutation($input: {input_type}) {{ {op.name}(input: $input) {{ {reach} errors {{ code }} }} }}"
    )
    # Where the write scope is the read scope, a token without it cannot run the mutation at all.
    where = (op.name,) if op.scope == scope else (op.name, field)
    role = SERVICE if SERVICE in op.allowed else EMPLOYEE
    return Path(coordinate, scope, role, document, op.variables, where, payload=op.name)


PATHS = [path_row(c, scope) for c, scope in GATED_FIELDS.items() if c.split(".")[0] not in EVENT_TYPES]


async def build_world(service_client: str) -> World:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss, skills=["python"])
    teammate = await f.employee(email="tim@example.com")
    outsider = await f.employee(email="olga@example.com")
    hr = await f.employee(email="hr@example.com", role="hr")
    admin = await f.employee(email="root@example.com", role="admin")
    lead, mentor, mentor2 = [
        await f.employee(email=e) for e in ("lea@example.com", "max@example.com", "mo@example.com")
    ]
    web = await f.team(name="Web", lead=lead)
    await f.member(web, lead, "lead")
    await f.member(web, ada)
    await f.member(web, teammate)
    task = await f.task(ada, team=web)
    active = await f.mentorship(mentor, ada, status="active", started_at=datetime.now(UTC))
    request = await f.mentorship(ada, mentor2, status="proposed")
    ended = await f.mentorship(
        mentor2,
        ada,
        status="completed",
        started_at=datetime.now(UTC) - timedelta(days=60),
        ended_at=datetime.now(UTC),
    )
    check_in = await MentorshipCheckIn.create(
        mentorship=active, happened_at=datetime.now(UTC), notes="First talk", author=ada
    )
    course = await f.course(title="Security basics")
    session = await f.session(course, instructor=lead)
    open_session = await f.session(course, instructor=lead)
    enrollment = await f.enrollment(session, ada)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    past = await f.session(
        course, starts_at=yesterday - timedelta(hours=3), ends_at=yesterday, status="completed"
    )
    past_enrollment = await f.enrollment(past, ada, status="enrolled")
    done = await f.session(
        course, starts_at=yesterday - timedelta(days=9), ends_at=yesterday - timedelta(days=8)
    )
    completed = await f.enrollment(done, ada, status="completed", completed_at=yesterday - timedelta(days=8))
    webhook = await Webhook.create(
        url="https://93.184.216.34/in", event_types=["task.created"], secret="whsec_" + "A" * 32,
        owner_client_id=service_client,
    )  # fmt: skip
    event = await record_event(
        Event._meta.db,
        "task.created",
        subject_type="Task",
        subject_id=task.id,
        actor_id=ada.id,
        client_id=None,
    )
    await WebhookDelivery.create(
        webhook=webhook, event_id=event.id, event_type=event.type, message_id=f"msg_{event.id}_{webhook.id}",
        fanout_key=f"{event.id}:{webhook.id}", status="succeeded",
    )  # fmt: skip
    kudos = await Kudos.create(giver=teammate, receiver=ada, message="Thanks for the review")
    private_feedback = await FeedbackRequest.create(
        requester=ada,
        respondent=teammate,
        about="My demo",
        status="submitted",
        body="Good",
        visibility="private",
    )
    shared_feedback = await FeedbackRequest.create(
        requester=ada, respondent=teammate, about="My demo", status="submitted", body="Good",
        visibility="shared_with_manager",
    )  # fmt: skip
    feedback_to_ada = await FeedbackRequest.create(requester=lead, respondent=ada, about="My onboarding")
    time_off = await TimeOffRequest.create(
        employee=ada, kind="vacation", status="pending", starts_on=TIME_OFF_DAY, ends_on=TIME_OFF_DAY
    )
    await PublicHoliday.create(location="Berlin", day=date(2030, 5, 1), name="Labour day")
    security = await f.team(name="Security")
    await f.member(security, outsider)
    requirement = await TrainingRequirement.create(course=course, every_months=12, window_days=30)
    await TrainingExemption.create(requirement=requirement, employee=teammate, reason="Certified elsewhere")
    ids = {
        "ada": ada.id, "outsider": outsider.id, "teammate": teammate.id, "mentor2": mentor2.id, "web": web.id,
        "task": task.id, "active_mentorship": active.id, "request_to_ada": request.id, "course": course.id,
        "session": session.id, "open_session": open_session.id, "enrollment": enrollment.id,
        "past_enrollment": past_enrollment.id, "completed": completed.id, "webhook": webhook.id, "event": event.id,
        "admin": admin.id, "boss": boss.id,
        "check_in": check_in.id,
        "kudos": kudos.id, "private_feedback": private_feedback.id, "shared_feedback": shared_feedback.id,
        "feedback_to_ada": feedback_to_ada.id, "time_off": time_off.id,
        "ended_mentorship": ended.id,
        "requirement": requirement.id, "security": security.id,
    }  # fmt: skip
    emails = {
        EMPLOYEE: ada.email,
        MANAGER: boss.email,
        TEAMMATE: teammate.email,
        OUTSIDER: outsider.email,
        HR: hr.email,
    }
    return World(ids, emails, service_client)


@pytest.fixture
async def world_and_tokens(tokens: TokenMaker, auth_started: Settings) -> tuple[World, TokenFor]:
    from auth.oauth.clients import create_client, mint_token

    service = await create_client(
        name="matrix service", grant="client_credentials", scopes=" ".join(ALL_SCOPES)
    )
    world = await build_world(service.client_id)

    async def token_for(role: str, scope: Scope, *, without: bool = False) -> str | None:
        """The role's token; with `without`, one holding every scope but `scope` ("noscope" is a
        service token without it)."""
        if role == "anonymous":
            return None
        if role == "noscope":
            role, without = SERVICE, True
        scopes = " ".join(s for s in ALL_SCOPES if not (without and s == scope.value))
        if role == SERVICE:
            minted = await mint_token(auth_started, scopes=scopes, client_id=service.client_id)
            return str(minted["access_token"])
        return await tokens(world.emails[role], scopes=scopes)

    return world, token_for


def refusal_codes(body: dict[str, Any], payload: str | None) -> set[str]:
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
    if payload and body.get("data") and body["data"].get(payload):
        codes |= {e["code"] for e in body["data"][payload]["errors"]}
    return codes


async def run(graphql: ClientMaker, token: str | None, op: Op, world: World) -> tuple[int, dict[str, Any]]:
    response = await graphql(token).post(op.document, op.variables(world))
    return response.status_code, response.json()


def assert_outcome(op: Op, role: str, status: int, body: dict[str, Any]) -> None:
    codes = refusal_codes(body, op.payload)
    if role == "anonymous":
        assert status == 401 and codes == {"UNAUTHENTICATED"}, body
    elif role == "noscope":
        assert codes == {"FORBIDDEN"}, body
        assert body["errors"][0]["extensions"]["requiredScope"] == op.scope.value
    elif role in op.allowed:
        assert status == 200 and "errors" not in body, body
        assert op.payload is None or body["data"][op.payload]["errors"] == [], body
    else:
        assert codes and codes <= REFUSAL_CODES, body


CASES = [(op, role) for op in [*QUERIES, SENSITIVE, *MUTATIONS] for role in [*ROLES, "anonymous", "noscope"]]


@pytest.mark.parametrize(("op", "role"), CASES, ids=[f"{op.case}-{role}" for op, role in CASES])
async def test_matrix(
    graphql: ClientMaker, world_and_tokens: tuple[World, TokenFor], op: Op, role: str
) -> None:
    world, token_for = world_and_tokens
    status, body = await run(graphql, await token_for(role, op.scope), op, world)
    assert_outcome(op, role, status, body)


NODE_CASES = [(label, scope, allowed, pick, role) for label, scope, allowed, pick in NODES for role in ROLES]


@pytest.mark.parametrize(
    ("label", "scope", "allowed", "pick", "role"), NODE_CASES, ids=[f"{c[0]}-{c[4]}" for c in NODE_CASES]
)
async def test_hidden_objects_are_absent(
    graphql: ClientMaker,
    world_and_tokens: tuple[World, TokenFor],
    label: str,
    scope: Scope,
    allowed: frozenset[str],
    pick: Callable[[World], str],
    role: str,
) -> None:
    world, token_for = world_and_tokens
    object_id = pick(world)
    body = await graphql(await token_for(role, scope)).data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": object_id}
    )
    assert (body["node"] is not None) == (role in allowed), f"{label} as {role}"


async def test_counts_do_not_reveal_hidden_objects(
    graphql: ClientMaker, world_and_tokens: tuple[World, TokenFor]
) -> None:
    world, token_for = world_and_tokens
    outsider = graphql(await token_for(OUTSIDER, Scope.TASKS_READ))
    teammate = graphql(await token_for(TEAMMATE, Scope.TASKS_READ))

    seen_by_outsider = await outsider.data("{ tasks { totalCount } mentorships { totalCount } }")
    seen_by_teammate = await teammate.data("{ tasks { totalCount } }")

    assert seen_by_outsider == {"tasks": {"totalCount": 0}, "mentorships": {"totalCount": 0}}
    assert seen_by_teammate["tasks"]["totalCount"] == 1


def test_every_mutation_has_a_row() -> None:
    declared = set(schema._schema.mutation_type.fields)  # type: ignore[union-attr]  # the schema has all three roots
    assert declared == {op.name for op in MUTATIONS}


def test_every_query_root_has_a_row() -> None:
    reachable_by_id = {"node", "nodes"}
    queries = schema._schema.query_type.fields  # type: ignore[union-attr]  # the schema has all three roots
    assert set(queries) - reachable_by_id == {op.name for op in QUERIES}


def dig(data: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


PATH_CASES = [(row, granted) for row in PATHS for granted in (True, False)]


@pytest.mark.parametrize(
    ("row", "granted"),
    PATH_CASES,
    ids=[
        f"{row.coordinate}-{'with' if granted else 'without'}-{row.scope.value}"
        for row, granted in PATH_CASES
    ],
)
async def test_a_field_reaching_objects_needs_their_read_scope(
    graphql: ClientMaker, world_and_tokens: tuple[World, TokenFor], row: Path, granted: bool
) -> None:
    world, token_for = world_and_tokens
    token = await token_for(row.role, row.scope, without=not granted)

    response = await graphql(token).post(row.document, row.variables(world))

    body = response.json()
    assert response.status_code == 200, body
    if granted:
        assert "errors" not in body, body
        assert dig(body["data"], row.where[:-1]) is not None
    else:
        refusals = [
            (e["path"], e["extensions"]["code"], e["extensions"]["requiredScope"]) for e in body["errors"]
        ]
        assert refusals == [(list(row.where), "FORBIDDEN", row.scope.value)], body
        if row.where != (row.payload,):  # (a refused mutation is the matrix's `noscope` row)
            parent = dig(body["data"], row.where[:-1])
            assert parent is not None and parent[row.where[-1]] is None, body  # only the field is lost
    if row.payload and (granted or len(row.where) > 1):
        assert body["data"][row.payload]["errors"] == [], body  # the mutation was applied


# The read scope of every type a field can reach; a new Node type needs a line here.
TYPE_SCOPES = {
    "Employee": Scope.EMPLOYEES_READ, "Team": Scope.EMPLOYEES_READ, "MentorSuggestion": Scope.EMPLOYEES_READ,
    "MentorCapacity": Scope.EMPLOYEES_READ,
    "Task": Scope.TASKS_READ, "Mentorship": Scope.MENTORSHIPS_READ, "MentorshipCheckIn": Scope.MENTORSHIPS_READ,
    "TrainingCourse": Scope.TRAINING_READ, "TrainingSession": Scope.TRAINING_READ,
    "Enrollment": Scope.TRAINING_READ, "TrainingCompliance": Scope.TRAINING_READ,
    "Webhook": Scope.WEBHOOKS_MANAGE, "WebhookDelivery": Scope.WEBHOOKS_MANAGE,
    "WebhookDeliveryAttempt": Scope.WEBHOOKS_MANAGE, "AuditEvent": Scope.AUDIT_READ,
    "Kudos": Scope.FEEDBACK_READ, "FeedbackRequest": Scope.FEEDBACK_READ,
    "TimeOffRequest": Scope.SCHEDULES_READ, "TeamCalendarEntry": Scope.SCHEDULES_READ,
    "TimeOffBalance": Scope.SCHEDULES_READ, "WorkingPattern": Scope.SCHEDULES_READ,
    "PublicHoliday": Scope.SCHEDULES_READ,
    "TrainingRequirement": Scope.TRAINING_READ, "TrainingRequirementStatus": Scope.TRAINING_READ,
    "TrainingExemption": Scope.TRAINING_READ, "TrainingAudience": Scope.TRAINING_READ,
    "ComplianceReport": Scope.TRAINING_READ, "ComplianceReportMember": Scope.TRAINING_READ,
    "EmployeeStatsRow": Scope.EMPLOYEES_READ, "TaskStatsRow": Scope.TASKS_READ,
    "TrainingStatsRow": Scope.TRAINING_READ,
}  # fmt: skip


def _domain(type_: Any) -> Scope | None:
    """The scope of a type, a connection of it or an edge of it."""
    from graphql import get_named_type

    for wrapper in ("edges", "node"):
        if type_.name not in TYPE_SCOPES and wrapper in getattr(type_, "fields", {}):
            return _domain(get_named_type(type_.fields[wrapper].type))
    return TYPE_SCOPES.get(type_.name)


def test_every_node_type_has_a_read_scope() -> None:
    from graphql import GraphQLInterfaceType

    node = schema._schema.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    node_types = {t.name for t in schema._schema.get_possible_types(node)}
    assert node_types <= set(TYPE_SCOPES)


def test_every_field_reaching_another_scope_requires_it_is_nullable_and_says_so() -> None:
    from graphql import GraphQLInterfaceType, GraphQLObjectType, get_named_type, is_non_null_type

    expected = {}
    for parent in schema._schema.type_map.values():
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) or parent.name.startswith("__"):
            continue
        for name, field in parent.fields.items():
            needed = _domain(get_named_type(field.type))
            if needed is None or needed == _domain(parent):
                continue
            expected[f"{parent.name}.{name}"] = needed
            assert f"Requires scope `{needed.value}`." in (field.description or ""), f"{parent.name}.{name}"
            assert not is_non_null_type(field.type), f"{parent.name}.{name}"

    assert expected == GATED_FIELDS


def test_every_gated_field_has_a_row() -> None:
    covered = {row.coordinate for row in PATHS}
    by_websocket = {c for c in GATED_FIELDS if c.split(".")[0] in EVENT_TYPES}
    assert covered | by_websocket == set(GATED_FIELDS)
    assert {"Task.assignee", "Task.creator", "Enrollment.employee", "CreateTaskPayload.task"} <= covered


VIEWER_WITH_TASKS = "{ viewer { displayName tasks(first: 1) { totalCount } } }"
VIEWER_AND_TASKS = "{ viewer { displayName } tasks(first: 1) { totalCount } }"
TWO_NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"


async def test_a_denied_nested_field_keeps_its_parent(
    graphql: ClientMaker, tokens: TokenMaker, world_and_tokens: tuple[World, TokenFor]
) -> None:
    world, _ = world_and_tokens
    directory_only = graphql(await tokens(world.emails[EMPLOYEE], scopes="employees:read"))
    name = (await directory_only.data("{ viewer { displayName } }"))["viewer"]["displayName"]

    body = await directory_only.execute(VIEWER_WITH_TASKS)

    assert body["data"] == {"viewer": {"displayName": name, "tasks": None}}
    assert [
        (e["path"], e["extensions"]["code"], e["extensions"]["requiredScope"]) for e in body["errors"]
    ] == [(["viewer", "tasks"], "FORBIDDEN", "tasks:read")]


async def test_a_denied_root_field_keeps_the_other_roots(
    graphql: ClientMaker, tokens: TokenMaker, world_and_tokens: tuple[World, TokenFor]
) -> None:
    world, _ = world_and_tokens
    directory_only = graphql(await tokens(world.emails[EMPLOYEE], scopes="employees:read"))

    body = await directory_only.execute(VIEWER_AND_TASKS)

    assert body["data"]["viewer"]["displayName"] and body["data"]["tasks"] is None
    assert [(e["path"], e["extensions"]["requiredScope"]) for e in body["errors"]] == [
        (["tasks"], "tasks:read")
    ]


async def test_nodes_refuses_each_object_at_its_own_index(
    graphql: ClientMaker, tokens: TokenMaker, world_and_tokens: tuple[World, TokenFor]
) -> None:
    world, _ = world_and_tokens
    directory_only = graphql(await tokens(world.emails[EMPLOYEE], scopes="employees:read"))
    task, ada = world.id("Task", "task"), world.id("Employee", "ada")

    body = await directory_only.execute(TWO_NODES, {"ids": [task, ada]})

    assert body["data"] == {"nodes": [None, {"id": ada}]}
    assert [
        (e["path"], e["extensions"]["code"], e["extensions"]["requiredScope"]) for e in body["errors"]
    ] == [(["nodes", 0], "FORBIDDEN", "tasks:read")]


async def test_a_task_reader_does_not_read_the_directory_through_tasks(
    graphql: ClientMaker, tokens: TokenMaker, world_and_tokens: tuple[World, TokenFor]
) -> None:
    world, _ = world_and_tokens
    tasks_only = graphql(await tokens(world.emails[EMPLOYEE], scopes="tasks:read"))

    body = await tasks_only.execute(
        "{ tasks(first: 5) { nodes { title assignee { email manager { email } } creator { email } } } }"
    )

    titles = [n["title"] for n in body["data"]["tasks"]["nodes"]]
    assert titles and all(
        n["assignee"] is None and n["creator"] is None for n in body["data"]["tasks"]["nodes"]
    )
    assert {e["extensions"]["requiredScope"] for e in body["errors"]} == {"employees:read"}
    assert {tuple(e["path"][-1:]) for e in body["errors"]} == {("assignee",), ("creator",)}


TWO_MUTATIONS = """
mutation($task: CreateTaskInput!, $hook: CreateWebhookInput!) {
  first: createTask(input: $task) { task { title } errors { code } }
  second: createWebhook(input: $hook) { secret errors { code } }
}"""


async def test_a_refused_mutation_keeps_the_payloads_of_those_applied_before_it(
    graphql: ClientMaker, world_and_tokens: tuple[World, TokenFor]
) -> None:
    world, token_for = world_and_tokens
    without_webhooks = graphql(await token_for(SERVICE, Scope.WEBHOOKS_MANAGE, without=True))
    variables = {
        "task": {"title": "Ship it", "assigneeId": world.id("Employee", "ada")},
        "hook": {"url": "https://93.184.216.34/in", "eventTypes": ["TASK_CREATED"]},
    }

    body = await without_webhooks.execute(TWO_MUTATIONS, variables)

    assert body["data"] == {"first": {"task": {"title": "Ship it"}, "errors": []}, "second": None}
    assert [
        (e["path"], e["extensions"]["code"], e["extensions"]["requiredScope"]) for e in body["errors"]
    ] == [(["second"], "FORBIDDEN", "webhooks:manage")]


TASK_EVENTS = "subscription { taskEvents { type actor { email } task { title assignee { email } } } }"
CREATE_TASK = (
    "mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } errors { code } } }"
)


async def test_subscription_payloads_need_read_scopes(
    app: Starlette, graphql: ClientMaker, tokens: TokenMaker
) -> None:
    from events.brokers import current_broker
    from tests.support.ws_client import WSClient, live_server, wait_until

    await f.employee(email="ada@example.com")
    async with live_server(app) as url:
        subscriber = await WSClient.connect(url, await tokens("ada@example.com", scopes="tasks:read"))
        op = await subscriber.subscribe(TASK_EVENTS)
        await wait_until(lambda: len(current_broker().hub) == 1)

        created = await graphql(await tokens("ada@example.com")).data(
            CREATE_TASK, {"input": {"title": "Plan"}}
        )
        message = await subscriber.receive(op)
        await subscriber.close()

    assert created["createTask"]["errors"] == []
    assert message["payload"]["data"] == {
        "taskEvents": {"type": "TASK_CREATED", "actor": None, "task": {"title": "Plan", "assignee": None}}
    }
    refusals = {(tuple(e["path"]), e["extensions"]["requiredScope"]) for e in message["payload"]["errors"]}
    assert refusals == {
        (("taskEvents", "actor"), "employees:read"),
        (("taskEvents", "task", "assignee"), "employees:read"),
    }
