"""The Employee type; its filters and orders are in filters.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.permission import BasePermission

from auth.scopes import Scope
from ids import to_global_id
from models import employees as m
from resolvers.core.listing import child_listing
from resolvers.core.problems import BadInput, Forbidden
from resolvers.employees import reads as r
from resolvers.mentorships import reads as mentorship_reads
from resolvers.tasks import reads as task_reads
from resolvers.training import reads as training_reads
from resolvers.training.compliance import MAX_WINDOW_DAYS
from schema.core.enums import EmployeeRole, EmployeeStatus
from schema.core.inputs import version_field
from schema.core.ordering import FILTER_ARGUMENT, ORDER_ARGUMENT
from schema.core.paging import After, Before, First, Last, page_args
from schema.core.permissions import read_scope, scoped
from schema.core.relay import (
    Connection,
    Node,
    child_connection,
    present,
    presents,
    to_connection,
)
from schema.employees import links
from schema.employees.filters import EmployeeOrder, employee_sort
from schema.employees.links import (
    EmployeeTeamConnection,
    EnrollmentRef,
    FeedbackRequestRef,
    KudosRef,
    MentorshipRef,
    RecognizedSkillRef,
    TaskRef,
    TeamRef,
    TrainingComplianceRef,
    TrainingSessionRef,
)
from schema.mentorships.filters import MentorshipFilter, mentorship_filter_kwargs
from schema.schedules import fields as schedule_fields
from schema.schedules.fields import TimeOffBalance, TimeOffRequestRef, WorkingPattern
from schema.tasks.filters import TaskFilter, TaskOrder, task_filter_kwargs, task_sort
from schema.training.filters import EnrollmentFilter, enrollment_filter_kwargs
from web.context import Info

if TYPE_CHECKING:
    from schema.training.types import TrainingCompliance


class ReadsSensitive(BasePermission):
    """The policy's rule for sensitive fields: the employee, and HR or service tokens with
    `employees:sensitive` (`Policy.can_read_sensitive`)."""

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if not (await info.context.policy()).can_read_sensitive(source.pk):
            raise Forbidden(
                "Only the employee, HR and service tokens with `employees:sensitive` see this field.",
                requiredScope=Scope.EMPLOYEES_SENSITIVE.value,
            )
        return True


_SENSITIVE = "Sensitive: visible to the employee, and to HR and service tokens with `employees:sensitive`."


@presents(m.Employee)
@read_scope(Scope.EMPLOYEES_READ)
@strawberry.type(description="A person who works here: profile, place in the org chart, work and training.")
class Employee(Node):
    pk: strawberry.Private[int]
    manager_pk: strawberry.Private[int | None]
    row: strawberry.Private[m.Employee]
    email: str = strawberry.field(description="Work e-mail address; unique.")
    given_name: str = strawberry.field(description="Given (first) name.")
    family_name: str = strawberry.field(description="Family (last) name.")
    display_name: str = strawberry.field(description="Given and family name, as shown in lists.")
    job_title: str = strawberry.field(description="Job title.")
    location: str = strawberry.field(description="Office or city.")
    timezone: str = strawberry.field(description="IANA time zone, such as Europe/Berlin.")
    pronouns: str = strawberry.field(description="Pronouns, as the employee wrote them.")
    bio: str = strawberry.field(description="A short introduction written by the employee.")
    skills: list[str] = strawberry.field(description="Skills the employee lists.")
    hire_date: date = strawberry.field(description="First day of work.")
    status: EmployeeStatus = strawberry.field(description="Whether the employee works here now.")
    role: EmployeeRole = strawberry.field(description="What the employee may administer.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    version: int = version_field()

    @classmethod
    def from_row(cls, row: m.Employee) -> Employee:
        return cls(
            id=strawberry.ID(to_global_id("Employee", row.id)),
            pk=row.id,
            manager_pk=row.manager_id,
            row=row,
            email=row.email,
            given_name=row.given_name,
            family_name=row.family_name,
            display_name=row.display_name,
            job_title=row.job_title,
            location=row.location,
            timezone=row.timezone,
            pronouns=row.pronouns,
            bio=row.bio,
            skills=list(row.skills or []),
            hire_date=row.hire_date,
            status=EmployeeStatus(row.status),
            role=EmployeeRole(row.role),
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )

    @strawberry.field(description=f"Phone number. {_SENSITIVE}", permission_classes=[ReadsSensitive])
    def phone(self) -> str | None:
        return self.row.phone

    @strawberry.field(description=f"Date of birth. {_SENSITIVE}", permission_classes=[ReadsSensitive])
    def birth_date(self) -> date | None:
        return self.row.birth_date

    @strawberry.field(
        description=f"Who to call in an emergency. {_SENSITIVE}", permission_classes=[ReadsSensitive]
    )
    def emergency_contact(self) -> str | None:
        return self.row.emergency_contact

    @strawberry.field(
        description="Whether you may change this employee with `updateEmployee` (HR and service tokens); "
        "everyone changes their own profile with `updateMyProfile`."
    )
    async def viewer_can_update(self, info: Info) -> bool:
        return (await info.context.policy()).can_manage_employees()

    @strawberry.field(description="The employee's manager; null at the top of the org chart.")
    async def manager(self, info: Info) -> Employee | None:
        row = await r.employee_by_id(info.context.loaders, self.manager_pk)
        return Employee.from_row(row) if row else None

    @strawberry.field(description="Employees who report directly to this one.")
    async def direct_reports(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[EmployeeOrder | None, ORDER_ARGUMENT] = None,
    ) -> Connection[Employee]:
        spec = r.direct_reports(employee_sort(order_by), page_args(first, after, last, before))
        listing = await child_listing(self.pk, spec, info.context.loaders)
        return to_connection(listing.page, Employee.from_row, listing.count)

    @strawberry.field(description="Teams the employee belongs to, with their role in each.")
    async def teams(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> EmployeeTeamConnection:
        spec = r.memberships_of_employee(page_args(first, after, last, before))
        listing = await child_listing(self.pk, spec, info.context.loaders)
        return links.present_memberships(listing)

    led_teams: Connection[TeamRef] = strawberry.field(
        resolver=links.led_teams, description="Teams this employee leads, by name."
    )
    created_tasks: Connection[TaskRef] | None = scoped(
        "Tasks this employee created that you can see.", Scope.TASKS_READ, resolver=links.created_tasks
    )
    instructed_sessions: Connection[TrainingSessionRef] | None = scoped(
        "Training sessions this employee teaches.", Scope.TRAINING_READ, resolver=links.instructed_sessions
    )
    kudos_received: Connection[KudosRef] | None = scoped(
        "Kudos this employee received that you can see (the receiver, the giver, the receiver's "
        "teammates and managers, HR), latest first.",
        Scope.FEEDBACK_READ,
        resolver=links.kudos_received,
    )
    feedback_requests: Connection[FeedbackRequestRef] | None = scoped(
        "This employee's feedback requests that you can see, latest first: only the requester, "
        "the colleague asked and, once shared, the requester's direct manager see one.",
        Scope.FEEDBACK_READ,
        resolver=links.feedback_requests,
    )
    recognized_skills: list[RecognizedSkillRef] = strawberry.field(
        resolver=links.recognized_skills,
        description="Skills colleagues recognized in kudos to this employee, with how many kudos named "
        "each, most often first. Counts are part of the profile; the kudos themselves are not.",
    )
    time_off: Connection[TimeOffRequestRef] | None = scoped(
        "This employee's time-off requests that you may see whole (the employee, their managers, HR), "
        "latest first; teammates see who is out in `teamCalendar`.",
        Scope.SCHEDULES_READ,
        resolver=schedule_fields.time_off,
    )
    time_off_balances: list[TimeOffBalance] | None = scoped(
        "Allowance, taken, planned and pending working days of every kind of time off in a year; null "
        "unless you are the employee, their manager, HR or a service.",
        Scope.SCHEDULES_READ,
        resolver=schedule_fields.time_off_balances,
    )
    working_pattern: WorkingPattern | None = scoped(
        "The days and hours this employee works (Monday to Friday, 09:00-17:00 until they set theirs).",
        Scope.SCHEDULES_READ,
        resolver=schedule_fields.working_pattern,
    )

    @scoped("Tasks assigned to this employee that you can see.", Scope.TASKS_READ)
    async def tasks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[TaskFilter | None, FILTER_ARGUMENT] = None,
        order_by: Annotated[TaskOrder | None, ORDER_ARGUMENT] = None,
    ) -> Connection[TaskRef] | None:
        args = page_args(first, after, last, before)
        spec = task_reads.child_tasks("assignee_id", task_sort(order_by), args, task_filter_kwargs(filter))
        return await child_connection(self.pk, spec, info.context.loaders)

    @scoped("Mentorships in which this employee mentors someone, that you can see.", Scope.MENTORSHIPS_READ)
    async def mentorships_as_mentor(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[MentorshipFilter | None, FILTER_ARGUMENT] = None,
    ) -> Connection[MentorshipRef] | None:
        args = page_args(first, after, last, before)
        spec = mentorship_reads.child_mentorships("mentor_id", args, mentorship_filter_kwargs(filter))
        return await child_connection(self.pk, spec, info.context.loaders)

    @scoped("Mentorships in which this employee is mentored, that you can see.", Scope.MENTORSHIPS_READ)
    async def mentorships_as_mentee(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[MentorshipFilter | None, FILTER_ARGUMENT] = None,
    ) -> Connection[MentorshipRef] | None:
        args = page_args(first, after, last, before)
        spec = mentorship_reads.child_mentorships("mentee_id", args, mentorship_filter_kwargs(filter))
        return await child_connection(self.pk, spec, info.context.loaders)

    @scoped("This employee's training enrollments that you can see.", Scope.TRAINING_READ)
    async def enrollments(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[EnrollmentFilter | None, FILTER_ARGUMENT] = None,
    ) -> Connection[EnrollmentRef] | None:
        args = page_args(first, after, last, before)
        spec = training_reads.child_enrollments("employee_id", args, enrollment_filter_kwargs(filter))
        return await child_connection(self.pk, spec, info.context.loaders)

    @scoped(
        "Mandatory courses this employee still lacks and certificates about to expire; null unless "
        "you are the employee, their manager, HR or a service token.",
        Scope.TRAINING_READ,
    )
    async def training_compliance(
        self,
        info: Info,
        within_days: Annotated[
            int,
            strawberry.argument(description="Report certificates expiring within this many days (0-366)."),
        ] = 30,
    ) -> TrainingComplianceRef | None:
        if not (await info.context.policy()).can_see_training_compliance(self.pk):
            return None
        if not 0 <= within_days <= MAX_WINDOW_DAYS:
            raise BadInput(f"withinDays must be between 0 and {MAX_WINDOW_DAYS}.")
        report = await info.context.loaders.compliance(within_days).load(self.pk)
        return cast("TrainingCompliance", present(report))
