"""Teams (schema/teams/types.py): the `Team` type, its members, and `Employee.teams`."""

from __future__ import annotations

from typing import Any

from auth.scopes import Scope
from models import teams as tm
from planner.capabilities import can_manage_team
from planner.specs import Capability, Column, Keyed, Listed, Many, Spec, ToOne
from resolvers.core.pagination import SortKey
from resolvers.employees.reads import MEMBERSHIPS_OF_EMPLOYEE
from resolvers.teams.reads import MEMBERS_OF_TEAM, SUBTEAMS, TEAM_ORDER_FIELDS

_MEMBERSHIP_EDGE = {"role": Column("role", "enum"), "joinedAt": Column("joined_at", "datetime")}

MODELS: dict[str, Any] = {"Team": tm.Team}

FIELDS: dict[str, dict[str, Spec]] = {
    "Team": {
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
        # schema/teams/filters.py `team_sort`
        "subteams": Many(tm.Team, "parent_id", SortKey("name"), None, TEAM_ORDER_FIELDS, name=SUBTEAMS.name),
    },
    "Employee": {
        "teams": Many(
            tm.TeamMembership,
            "employee_id",
            SortKey("joined_at"),
            link=("team_id", "Team"),
            edge_fields=_MEMBERSHIP_EDGE,
            name=MEMBERSHIPS_OF_EMPLOYEE.name,
        ),
    },
}

ROOT_LISTS: dict[str, Many] = {"teams": Many(tm.Team, "", SortKey("name"), None, TEAM_ORDER_FIELDS)}

ROOT_ROWS: dict[str, Listed] = {}

ROOT_ROWS_BY_KEY: dict[str, Keyed] = {}

NODES: dict[str, tuple[Scope, str | None]] = {"Team": (Scope.EMPLOYEES_READ, None)}
