"""Team mutations: create and change teams, add and remove members."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from auth.scopes import Scope
from models.employees import Employee as EmployeeRow
from models.teams import Team as TeamRow
from resolvers.core.validation import Checks
from resolvers.teams import workflows as workflow
from schema.core.enums import TeamRole
from schema.core.inputs import decode_ids, given
from schema.core.payloads import UserError, run_mutation
from schema.core.permissions import scoped
from schema.employees.types import Employee
from schema.teams.types import Team
from web.context import Info

UNSET: Any = strawberry.UNSET
_IDS = {"parent_id": "Team", "lead_id": "Employee"}


@strawberry.input(description="A new team.")
class CreateTeamInput:
    name: str = strawberry.field(description="Team name, unique, up to 120 characters.")
    slug: str | None = strawberry.field(
        default=None, description="URL-friendly name, unique; derived from the name if not given."
    )
    description: str | None = strawberry.field(default=None, description="What the team does.")
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="The team it belongs under.")
    lead_id: strawberry.ID | None = strawberry.field(
        default=None, description="Who leads it; they become a member with the LEAD role."
    )


@strawberry.input(description="Change a team; only the fields you give change.")
class UpdateTeamInput:
    id: strawberry.ID = strawberry.field(description="The team.")
    name: str | None = strawberry.field(default=UNSET, description="Team name, unique.")
    slug: str | None = strawberry.field(default=UNSET, description="URL-friendly name, unique.")
    description: str | None = strawberry.field(default=UNSET, description="What the team does.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The team it belongs under; null for a top-level team. Cycles are refused."
    )
    lead_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="The new lead (joins as LEAD); the previous lead stays as a MEMBER. Null: no lead.",
    )


@strawberry.type(description="The result of `createTeam` and `updateTeam`.")
class TeamPayload:
    team: Team | None = strawberry.field(description="The team as it is now; null when there are errors.")
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="Add an employee to a team.")
class AddTeamMemberInput:
    team_id: strawberry.ID = strawberry.field(description="The team.")
    employee_id: strawberry.ID = strawberry.field(description="The employee to add.")
    role: TeamRole = strawberry.field(
        default=TeamRole.MEMBER,
        description="Their role; a LEAD added to a team without a lead becomes its lead.",
    )


@strawberry.input(description="Remove an employee from a team.")
class RemoveTeamMemberInput:
    team_id: strawberry.ID = strawberry.field(description="The team.")
    employee_id: strawberry.ID = strawberry.field(
        description="The member to remove; removing the lead leaves no lead."
    )


@strawberry.type(description="The result of `addTeamMember` and `removeTeamMember`.")
class TeamMembershipPayload:
    team: Team | None = strawberry.field(description="The team as it is now; null when there are errors.")
    employee: Employee | None = strawberry.field(
        description="The employee added or removed; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the change was refused; empty on success.")


def _team(row: TeamRow | None, errors: list[UserError]) -> TeamPayload:
    return TeamPayload(team=Team.from_row(row) if row else None, errors=errors)


def _membership(rows: tuple[TeamRow, EmployeeRow] | None, errors: list[UserError]) -> TeamMembershipPayload:
    team, employee = rows or (None, None)
    return TeamMembershipPayload(
        team=Team.from_row(team) if team else None,
        employee=Employee.from_row(employee) if employee else None,
        errors=errors,
    )


async def create_team(
    info: Info, input: Annotated[CreateTeamInput, strawberry.argument(description="The new team.")]
) -> TeamPayload:
    checks = Checks()
    fields = {k: v for k, v in given(input, "name", "slug", "description", *_IDS).items() if v is not None}
    decode_ids(checks, fields, _IDS)
    return await run_mutation(info, checks, lambda uow: workflow.create_team(uow, fields=fields), _team)


async def update_team(
    info: Info,
    input: Annotated[UpdateTeamInput, strawberry.argument(description="The team and what changes.")],
) -> TeamPayload:
    checks = Checks()
    team_id = checks.global_id(input.id, "Team", "id")
    changes = given(input, "name", "slug", "description", *_IDS)
    decode_ids(checks, changes, _IDS)
    return await run_mutation(
        info, checks, lambda uow: workflow.update_team(uow, team_id=team_id, changes=changes), _team
    )


async def add_team_member(
    info: Info,
    input: Annotated[AddTeamMemberInput, strawberry.argument(description="The team and the newcomer.")],
) -> TeamMembershipPayload:
    checks = Checks()
    team_id = checks.global_id(input.team_id, "Team", "teamId")
    employee_id = checks.global_id(input.employee_id, "Employee", "employeeId")
    role = input.role
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.add_team_member(uow, team_id=team_id, employee_id=employee_id, role=role),
        _membership,
    )


async def remove_team_member(
    info: Info,
    input: Annotated[RemoveTeamMemberInput, strawberry.argument(description="The team and the member.")],
) -> TeamMembershipPayload:
    checks = Checks()
    team_id = checks.global_id(input.team_id, "Team", "teamId")
    employee_id = checks.global_id(input.employee_id, "Employee", "employeeId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.remove_team_member(uow, team_id=team_id, employee_id=employee_id),
        _membership,
    )


@strawberry.type
class TeamMutations:
    create_team: TeamPayload = scoped(
        "Create a team (HR and service tokens); its lead joins as LEAD.",
        Scope.TEAMS_WRITE,
        create_team,
        on="mutation",
    )
    update_team: TeamPayload = scoped(
        "Rename a team, describe it, move it under another team or change its lead (HR or the team's lead).",
        Scope.TEAMS_WRITE,
        update_team,
        on="mutation",
    )
    add_team_member: TeamMembershipPayload = scoped(
        "Add an employee to a team (HR or the team's lead).",
        Scope.TEAMS_WRITE,
        add_team_member,
        on="mutation",
    )
    remove_team_member: TeamMembershipPayload = scoped(
        "Remove an employee from a team (HR or the team's lead).",
        Scope.TEAMS_WRITE,
        remove_team_member,
        on="mutation",
    )
