"""Team workflows: create and change teams, add and remove members.

A team's lead is also a member with the LEAD role: the policy reads leadership from the
memberships, so every change of `teams.lead_id` changes the memberships in the same transaction.
"""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from events.log import EventType
from models.employees import Employee, EmployeeStatus
from models.teams import MembershipRole, Team, TeamMembership
from resolvers.core.clock import now
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.core.validation import Checks, slugify
from resolvers.core.versioning import Changes, camel, diff
from resolvers.employees.workflows import locked_chain


def _validated(changes: Changes, checks: Checks) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = checks.text(changes["name"], "name", max_length=120, required=True)  # type: ignore[arg-type]
    if "description" in changes:
        values["description"] = checks.text(changes["description"], "description", max_length=2_000) or ""  # type: ignore[arg-type]
    if "slug" in changes:
        values["slug"] = checks.slug(changes["slug"]) or None  # type: ignore[arg-type]
    for name in ("parent_id", "lead_id"):
        if name in changes:
            values[name] = changes[name]
    return values


async def _check_references(uow: UnitOfWork, values: dict[str, Any], team_id: int | None) -> None:
    """Name and slug are free; parent and lead exist; the lead still works here."""
    checks = Checks()
    others = Team.exclude(id=team_id or 0).using_db(uow.conn)
    if values.get("name") and await others.filter(name__iexact=values["name"]).exists():
        checks.add(ErrorCode.DUPLICATE, f"A team named {values['name']!r} already exists.", "name")
    if values.get("slug") and await others.filter(slug=values["slug"]).exists():
        checks.add(ErrorCode.DUPLICATE, f"The slug {values['slug']!r} is taken.", "slug")
    parent = Team.filter(id=values.get("parent_id")).using_db(uow.conn)
    if values.get("parent_id") is not None and not await parent.exists():
        checks.add(ErrorCode.NOT_FOUND, "No such team.", "parentId")
    if values.get("lead_id") is not None:
        await _check_person(uow, checks, values["lead_id"], "leadId")
    checks.raise_if_any()


async def _check_person(uow: UnitOfWork, checks: Checks, employee_id: int, field: str) -> None:
    person = await Employee.filter(id=employee_id).using_db(uow.conn).first()
    if person is None:
        checks.add(ErrorCode.NOT_FOUND, "No such employee.", field)
    elif person.status == EmployeeStatus.TERMINATED:
        checks.add(ErrorCode.INVALID, "Someone who has left cannot join or lead a team.", field)


async def _free_slug(uow: UnitOfWork, name: str) -> str:
    """The slug of the name, numbered (`-2`, `-3`, ...) when another team has it already."""
    base = slugify(name)[:110]
    taken: set[Any] = set(
        await Team.filter(slug__startswith=base).using_db(uow.conn).values_list("slug", flat=True)
    )
    return next(s for s in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3))) if s not in taken)


async def _set_lead(uow: UnitOfWork, team: Team, old_lead: int | None, new_lead: int | None) -> None:
    """Demote the old lead to a member, make the new lead a LEAD member (joining if need be)."""
    if old_lead is not None:
        await (
            TeamMembership.filter(team_id=team.id, employee_id=old_lead, role=MembershipRole.LEAD)
            .using_db(uow.conn)
            .update(role=MembershipRole.MEMBER)
        )
    if new_lead is None:
        return
    updated = (
        await TeamMembership.filter(team_id=team.id, employee_id=new_lead)
        .using_db(uow.conn)
        .update(role=MembershipRole.LEAD)
    )
    if not updated:
        await TeamMembership.create(
            team_id=team.id, employee_id=new_lead, role=MembershipRole.LEAD, using_db=uow.conn
        )
        await uow.record(
            EventType.TEAM_MEMBER_ADDED,
            "Team",
            team.id,
            {"employeeId": new_lead, "role": MembershipRole.LEAD.value},
        )


def _duplicate() -> Exception:
    return user_error(ErrorCode.DUPLICATE, "Another team has this name or slug.", "input", "name")


async def create_team(uow: UnitOfWork, *, fields: Changes) -> Team:
    if not uow.actor.policy.can_create_team():
        raise user_error(ErrorCode.NOT_ALLOWED, "Only HR creates teams.", "input")
    checks = Checks()
    values = _validated(fields, checks)
    checks.raise_if_any()
    await _check_references(uow, values, None)
    if not values.get("slug"):
        values["slug"] = await _free_slug(uow, values["name"])
    try:
        team = await Team.create(using_db=uow.conn, **values)
    except IntegrityError:
        raise _duplicate() from None
    await uow.record(
        EventType.TEAM_CREATED, "Team", team.id, {"parentId": team.parent_id, "leadId": team.lead_id}
    )
    await _set_lead(uow, team, None, team.lead_id)
    return team


async def _team_for(uow: UnitOfWork, team_id: int | None, field: str = "id") -> Team:
    team = await Team.filter(id=team_id).select_for_update().using_db(uow.conn).first()
    if team is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such team.", "input", field)
    if not uow.actor.policy.can_manage_team(team):
        raise user_error(
            ErrorCode.NOT_ALLOWED, "Only HR and the team's lead manage this team.", "input", field
        )
    return team


async def update_team(uow: UnitOfWork, *, team_id: int | None, changes: Changes) -> Team:
    checks = Checks()
    values = _validated(changes, checks)
    if "slug" in values and values["slug"] is None:
        checks.add(ErrorCode.REQUIRED, "slug must not be empty.", "slug")
    checks.raise_if_any()
    parent_id = values.get("parent_id")
    cyclic = (
        parent_id is not None
        and team_id is not None
        and team_id in await locked_chain(uow, Team, "parent_id", parent_id)
    )
    if cyclic:
        raise user_error(
            ErrorCode.CYCLE, "A team cannot sit under itself or its own subteams.", "input", "parentId"
        )
    team = await _team_for(uow, team_id)
    changed = diff(team, values)
    await _check_references(uow, changed, team.id)
    if not changed:
        return team
    old_lead = team.lead_id
    try:
        await Team.filter(id=team.id).using_db(uow.conn).update(updated_at=now(), **changed)
    except IntegrityError:
        raise _duplicate() from None
    await team.refresh_from_db(using_db=uow.conn)
    await uow.record(
        EventType.TEAM_UPDATED,
        "Team",
        team.id,
        {"parentId": team.parent_id, "leadId": team.lead_id},
        [camel(n) for n in changed],
    )
    if "lead_id" in changed:
        await _set_lead(uow, team, old_lead, team.lead_id)
    return team


async def add_team_member(
    uow: UnitOfWork, *, team_id: int | None, employee_id: int | None, role: MembershipRole
) -> tuple[Team, Employee]:
    """Add someone to a team; a LEAD added to a team without a lead becomes its lead."""
    team = await _team_for(uow, team_id, "teamId")
    checks = Checks()
    await _check_person(uow, checks, employee_id or 0, "employeeId")
    checks.raise_if_any()
    exists = TeamMembership.filter(team_id=team.id, employee_id=employee_id).using_db(uow.conn)
    already = user_error(
        ErrorCode.ALREADY_EXISTS, "This employee is already a member.", "input", "employeeId"
    )
    if await exists.exists():
        raise already
    try:
        await TeamMembership.create(team_id=team.id, employee_id=employee_id, role=role, using_db=uow.conn)
    except IntegrityError:  # a concurrent request added them first
        raise already from None
    await uow.record(
        EventType.TEAM_MEMBER_ADDED, "Team", team.id, {"employeeId": employee_id, "role": role.value}
    )
    if role == MembershipRole.LEAD and team.lead_id is None:
        await Team.filter(id=team.id).using_db(uow.conn).update(lead_id=employee_id, updated_at=now())
        await team.refresh_from_db(using_db=uow.conn)
        await uow.record(EventType.TEAM_UPDATED, "Team", team.id, {"leadId": employee_id}, ["leadId"])
    return team, await Employee.filter(id=employee_id).using_db(uow.conn).get()


async def remove_team_member(
    uow: UnitOfWork, *, team_id: int | None, employee_id: int | None
) -> tuple[Team, Employee]:
    """Remove someone from a team; removing the lead leaves the team without one."""
    team = await _team_for(uow, team_id, "teamId")
    removed = (
        await TeamMembership.filter(team_id=team.id, employee_id=employee_id).using_db(uow.conn).delete()
    )
    if not removed:
        raise user_error(
            ErrorCode.NOT_FOUND, "This employee is not a member of the team.", "input", "employeeId"
        )
    await uow.record(EventType.TEAM_MEMBER_REMOVED, "Team", team.id, {"employeeId": employee_id})
    if team.lead_id == employee_id:
        await Team.filter(id=team.id).using_db(uow.conn).update(lead_id=None, updated_at=now())
        await team.refresh_from_db(using_db=uow.conn)
        await uow.record(EventType.TEAM_UPDATED, "Team", team.id, {"leadId": None}, ["leadId"])
    return team, await Employee.filter(id=employee_id).using_db(uow.conn).get()
