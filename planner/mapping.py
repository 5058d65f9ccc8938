"""The SQL mapping of the GraphQL types the planner compiles: tables, columns, relations, lists.

Declared here, beside nothing else, so that the schema modules stay as they are; every entry
names the GraphQL type and field it mirrors (schema/<domain>/types.py) and reuses the resolver
path's own building blocks (sort keys, `Q` filter builders, `Policy.visible_*` names), so that
an order, a filter or a visibility rule is written once. A field that is not listed here is not
compiled: the whole operation falls back to the resolver path (planner/README.md). The kinds of
entries are declared in planner/specs.py.
"""

from __future__ import annotations

from dataclasses import replace

from auth.scopes import Scope
from models import employees as em
from models import mentorships as mm
from models import tasks as tkm
from models import teams as tm
from models import training as trm
from planner.capabilities import (
    can_delete_task,
    can_manage_team,
    can_update_employee,
    can_update_task,
    reads_sensitive,
)
from planner.filters import session_filter_by_ids
from planner.specs import Capability, Column, Computed, Counted, Many, Sensitive, ToOne, TypeMap
from resolvers.core.pagination import SortKey
from resolvers.employees.reads import (
    DIRECT_REPORTS,
    EMPLOYEE_ORDER_FIELDS,
    MEMBERSHIPS_OF_EMPLOYEE,
    employee_filter,
)
from resolvers.mentorships.reads import MENTORSHIP_ORDER_FIELDS, MENTORSHIPS_BY, mentorship_filter
from resolvers.tasks.reads import TASK_ORDER_FIELDS, TASKS_BY, task_filter
from resolvers.teams.reads import MEMBERS_OF_TEAM, SUBTEAMS, TEAM_ORDER_FIELDS
from resolvers.training.reads import (
    COURSE_ORDER_FIELDS,
    ENROLLMENTS_BY_EMPLOYEE,
    SEATS_TAKEN,
    SESSION_ORDER_FIELDS,
    SESSIONS_OF_COURSE,
    WAITLISTED,
    course_filter,
    enrollment_filter,
)

_TASK_FILTER = {"status": "statuses", "priority": "priorities", "search": "search"}
_TASK_SORT = SortKey("created_at", descending=True)  # schema/tasks/filters.py `task_sort`
_MEMBERSHIP_EDGE = {"role": Column("role", "enum"), "joinedAt": Column("joined_at", "datetime")}


def _tasks(partition: str) -> Many:
    name = TASKS_BY[partition].name if partition else "tasks"
    return Many(
        tkm.Task,
        partition,
        _TASK_SORT,
        "visible_tasks",
        TASK_ORDER_FIELDS,
        task_filter,
        _TASK_FILTER,
        name=name,
    )


_SESSION_FILTER = {
    "courseId": "course_id",
    "status": "statuses",
    "startsAfter": "starts_after",
    "startsBefore": "starts_before",
    "instructorId": "instructor_id",
}


def _sessions(partition: str) -> Many:
    """Sessions (schema/training/filters.py `session_sort`, `session_filter_kwargs`)."""
    name = SESSIONS_OF_COURSE.name if partition else "trainingSessions"
    sort = SortKey("starts_at")
    return Many(
        trm.TrainingSession,
        partition,
        sort,
        None,
        SESSION_ORDER_FIELDS,
        session_filter_by_ids,
        _SESSION_FILTER,
        name=name,
    )


def _mentorships(partition: str) -> Many:
    sort = SortKey("created_at", descending=True)  # resolvers/mentorships/reads.py
    return Many(
        mm.Mentorship,
        partition,
        sort,
        "visible_mentorships",
        None,
        mentorship_filter,
        {"status": "statuses"},
        name=MENTORSHIPS_BY[partition].name,
    )


TYPES: dict[str, TypeMap] = {
    "Employee": TypeMap(
        em.Employee,
        {
            "id": Column("id", "id"),
            "email": Column("email", "str"),
            # models/employees.py `Employee.display_name`
            "displayName": Computed('{row}."given_name" || \' \' || {row}."family_name"'),
            "viewerCanUpdate": Capability(can_update_employee),
            "givenName": Column("given_name", "str"),
            "familyName": Column("family_name", "str"),
            "jobTitle": Column("job_title", "str"),
            "location": Column("location", "str"),
            "timezone": Column("timezone", "str"),
            "pronouns": Column("pronouns", "str"),
            "bio": Column("bio", "str"),
            "hireDate": Column("hire_date", "date"),
            "status": Column("status", "enum"),
            "role": Column("role", "enum"),
            "createdAt": Column("created_at", "datetime"),
            "updatedAt": Column("updated_at", "datetime"),
            "version": Column("version", "int"),
            "skills": Column("skills", "strings"),
            "phone": Sensitive(Column("phone", "str"), reads_sensitive),
            "birthDate": Sensitive(Column("birth_date", "date"), reads_sensitive),
            "emergencyContact": Sensitive(Column("emergency_contact", "str"), reads_sensitive),
            "manager": ToOne("Employee", "manager_id"),
            "directReports": Many(
                em.Employee, "manager_id", SortKey("family_name"), name=DIRECT_REPORTS.name
            ),
            "teams": Many(
                tm.TeamMembership,
                "employee_id",
                SortKey("joined_at"),
                link=("team_id", "Team"),
                edge_fields=_MEMBERSHIP_EDGE,
                name=MEMBERSHIPS_OF_EMPLOYEE.name,
            ),
            "tasks": _tasks("assignee_id"),
            "createdTasks": _tasks("creator_id"),
            "mentorshipsAsMentor": _mentorships("mentor_id"),
            "mentorshipsAsMentee": _mentorships("mentee_id"),
            "enrollments": Many(
                trm.Enrollment,
                "employee_id",
                SortKey("enrolled_at"),
                "visible_enrollments",
                None,
                enrollment_filter,
                {"status": "statuses"},
                name=ENROLLMENTS_BY_EMPLOYEE.name,
            ),
        },
    ),
    "Team": TypeMap(
        tm.Team,
        {
            "id": Column("id", "id"),
            "name": Column("name", "str"),
            "slug": Column("slug", "str"),
            "description": Column("description", "str"),
            "createdAt": Column("created_at", "datetime"),
            "viewerCanManage": Capability(can_manage_team),
            "parent": ToOne("Team", "parent_id"),
            "lead": ToOne("Employee", "lead_id"),
            "members": Many(
                tm.TeamMembership,
                "team_id",
                SortKey("joined_at"),
                extra={"role": "role"},
                link=("employee_id", "Employee"),
                edge_fields=_MEMBERSHIP_EDGE,
                name=MEMBERS_OF_TEAM.name,
            ),
            "tasks": _tasks("team_id"),
            # schema/teams/filters.py `team_sort`
            "subteams": Many(
                tm.Team, "parent_id", SortKey("name"), None, TEAM_ORDER_FIELDS, name=SUBTEAMS.name
            ),
        },
    ),
    "Task": TypeMap(
        tkm.Task,
        {
            "id": Column("id", "id"),
            "title": Column("title", "str"),
            "description": Column("description", "str"),
            "status": Column("status", "enum"),
            "priority": Column("priority", "enum"),
            "dueDate": Column("due_date", "date"),
            "completedAt": Column("completed_at", "datetime"),
            "createdAt": Column("created_at", "datetime"),
            "updatedAt": Column("updated_at", "datetime"),
            "version": Column("version", "int"),
            "viewerCanUpdate": Capability(can_update_task),
            "viewerCanDelete": Capability(can_delete_task),
            "assignee": ToOne("Employee", "assignee_id"),
            "creator": ToOne("Employee", "creator_id"),
            "team": ToOne("Team", "team_id"),
        },
    ),
    "Mentorship": TypeMap(
        mm.Mentorship,
        {
            "id": Column("id", "id"),
            "status": Column("status", "enum"),
            "goals": Column("goals", "str"),
            "focusSkills": Column("focus_skills", "strings"),
            "startedAt": Column("started_at", "datetime"),
            "endedAt": Column("ended_at", "datetime"),
            "createdAt": Column("created_at", "datetime"),
            "mentor": ToOne("Employee", "mentor_id"),
            "mentee": ToOne("Employee", "mentee_id"),
        },
    ),
    "TrainingCourse": TypeMap(
        trm.TrainingCourse,
        {
            "id": Column("id", "id"),
            "code": Column("code", "str"),
            "title": Column("title", "str"),
            "description": Column("description", "str"),
            "category": Column("category", "str"),
            "mandatory": Column("mandatory", "bool"),
            "certificationValidMonths": Column("certification_valid_months", "int"),
            "durationHours": Column("duration_hours", "float"),  # float(row.duration_hours)
            "skills": Column("skills", "strings"),
            "sessions": _sessions("course_id"),
        },
    ),
    "TrainingSession": TypeMap(
        trm.TrainingSession,
        {
            "id": Column("id", "id"),
            "startsAt": Column("starts_at", "datetime"),
            "endsAt": Column("ends_at", "datetime"),
            "location": Column("location", "str"),
            "capacity": Column("capacity", "int"),
            "status": Column("status", "enum"),
            "seatsTaken": Counted(SEATS_TAKEN),
            "seatsLeft": Counted(SEATS_TAKEN, left_of="capacity"),
            "waitlistCount": Counted(WAITLISTED),
            "course": ToOne("TrainingCourse", "course_id"),
            "instructor": ToOne("Employee", "instructor_id"),
        },
    ),
    "Enrollment": TypeMap(
        trm.Enrollment,
        {
            "id": Column("id", "id"),
            "status": Column("status", "enum"),
            "enrolledAt": Column("enrolled_at", "datetime"),
            "completedAt": Column("completed_at", "datetime"),
            "score": Column("score", "int"),
            "feedbackRating": Column("feedback_rating", "int"),
            "feedbackComment": Column("feedback_comment", "str"),
            "certificateExpiresAt": Column("certificate_expires_at", "datetime"),
            "session": ToOne("TrainingSession", "session_id"),
            "employee": ToOne("Employee", "employee_id"),
        },
    ),
}

# Root list fields: the model, the list's default sort and its rules, as `Query.<name>` has them.
ROOT_LISTS: dict[str, Many] = {
    "tasks": _tasks(""),
    "employees": Many(
        em.Employee,
        "",
        SortKey("family_name"),
        None,
        EMPLOYEE_ORDER_FIELDS,
        employee_filter,
        {"status": "statuses", "role": "roles", "search": "search"},
    ),
    "teams": Many(tm.Team, "", SortKey("name"), None, TEAM_ORDER_FIELDS),
    "mentorships": Many(
        mm.Mentorship,
        "",
        SortKey("created_at", descending=True),
        "visible_mentorships",
        MENTORSHIP_ORDER_FIELDS,
        mentorship_filter,
        {"status": "statuses"},
    ),
    # schema/training/filters.py `course_sort`, `course_filter_kwargs`
    "trainingCourses": Many(
        trm.TrainingCourse,
        "",
        SortKey("title"),
        None,
        COURSE_ORDER_FIELDS,
        course_filter,
        {"search": "search", "category": "category", "mandatory": "mandatory"},
    ),
    "trainingSessions": _sessions(""),
}

ROOT_LISTS = {name: replace(spec, name=name) for name, spec in ROOT_LISTS.items()}  # their list keys

# Every root field the planner compiles (`Query.<name>`).
ROOT_FIELDS = frozenset({"node", "viewer", *ROOT_LISTS})

# `node(id:)` compiles for these types, with the read scope each declares (schema/core/nodes.py `NODE_KINDS`; a unit test compares).
# With the `Policy.visible_*` rule the node lookup applies (the same rule as its lists).
NODE_TYPES: dict[str, tuple[Scope, str | None]] = {
    "Employee": (Scope.EMPLOYEES_READ, None),
    "Team": (Scope.EMPLOYEES_READ, None),
    "Task": (Scope.TASKS_READ, "visible_tasks"),
    "Mentorship": (Scope.MENTORSHIPS_READ, "visible_mentorships"),
    "TrainingCourse": (Scope.TRAINING_READ, None),
    "TrainingSession": (Scope.TRAINING_READ, None),
    "Enrollment": (Scope.TRAINING_READ, "visible_enrollments"),
}
