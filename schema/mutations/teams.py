"""Team mutations: create and change teams, add and remove members."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from auth.scopes import Scope
from models.teams import MembershipRole
from resolvers.unit_of_work import mutate
from resolvers.validation import Checks
from resolvers.workflows import teams as workflow
from schema.context import Info
from schema.employees import Employee
from schema.enums import TeamRole
from schema.mutations.tasks import decode_ids, given
from schema.payloads import UserError, actor_of, to_user_errors
from schema.permissions import scoped_mutation
from schema.teams import Team

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


async def _team_payload(info: Info, checks: Checks, work: Any) -> TeamPayload:
    if checks.errors:
        return TeamPayload(team=None, errors=to_user_errors(checks.errors))
    outcome = await mutate(await actor_of(info), work)
    return TeamPayload(
        team=Team.from_row(outcome.value) if outcome.value else None, errors=to_user_errors(outcome.errors)
    )


async def _membership_payload(info: Info, checks: Checks, work: Any) -> TeamMembershipPayload:
    if checks.errors:
        return TeamMembershipPayload(team=None, employee=None, errors=to_user_errors(checks.errors))
    outcome = await mutate(await actor_of(info), work)
    team, employee = outcome.value or (None, None)
    return TeamMembershipPayload(
        team=Team.from_row(team) if team else None,
        employee=Employee.from_row(employee) if employee else None,
        errors=to_user_errors(outcome.errors),
    )


async def create_team(
    info: Info, input: Annotated[CreateTeamInput, strawberry.argument(description="The new team.")]
) -> TeamPayload:
    checks = Checks()
    fields = {k: v for k, v in given(input, "name", "slug", "description", *_IDS).items() if v is not None}
    decode_ids(checks, fields, _IDS)
    return await _team_payload(info, checks, lambda uow: workflow.create_team(uow, fields=fields))


async def update_team(
    info: Info,
    input: Annotated[UpdateTeamInput, strawberry.argument(description="The team and what changes.")],
) -> TeamPayload:
    checks = Checks()
    team_id = checks.global_id(input.id, "Team", "id")
    changes = given(input, "name", "slug", "description", *_IDS)
    decode_ids(checks, changes, _IDS)
    return await _team_payload(
        info, checks, lambda uow: workflow.update_team(uow, team_id=team_id, changes=changes)
    )


async def add_team_member(
    info: Info,
    input: Annotated[AddTeamMemberInput, strawberry.argument(description="The team and the newcomer.")],
) -> TeamMembershipPayload:
    checks = Checks()
    team_id = checks.global_id(input.team_id, "Team", "teamId")
    employee_id = checks.global_id(input.employee_id, "Employee", "employeeId")
    role = MembershipRole(input.role.value)
    return await _membership_payload(
        info,
        checks,
        lambda uow: workflow.add_team_member(uow, team_id=team_id, employee_id=employee_id, role=role),
    )


async def remove_team_member(
    info: Info,
    input: Annotated[RemoveTeamMemberInput, strawberry.argument(description="The team and the member.")],
) -> TeamMembershipPayload:
    checks = Checks()
    team_id = checks.global_id(input.team_id, "Team", "teamId")
    employee_id = checks.global_id(input.employee_id, "Employee", "employeeId")
    return await _membership_payload(
        info, checks, lambda uow: workflow.remove_team_member(uow, team_id=team_id, employee_id=employee_id)
    )


@strawberry.type
class TeamMutations:
    create_team: TeamPayload = scoped_mutation(
        "Create a team (HR and service tokens); its lead joins as LEAD.", Scope.TEAMS_WRITE, create_team
    )
    update_team: TeamPayload = scoped_mutation(
        "Rename a team, describe it, move it under another team or change its lead (HR or the team's lead).",
        Scope.TEAMS_WRITE,
        update_team,
    )
    add_team_member: TeamMembershipPayload = scoped_mutation(
        "Add an employee to a team (HR or the team's lead).", Scope.TEAMS_WRITE, add_team_member
    )
    remove_team_member: TeamMembershipPayload = scoped_mutation(
        "Remove an employee from a team (HR or the team's lead).", Scope.TEAMS_WRITE, remove_team_member
    )
