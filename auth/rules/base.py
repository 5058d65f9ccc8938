"""What every rule reads: the viewer, their reports and teams, and who counts as privileged.

`PolicyBase` holds the facts a `Policy` is built from (auth/policy.py loads them once per request);
the rule modules beside this one (employees, teams, tasks, mentorships, training) add the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.connection import connections

from auth.principal import Principal
from models.employees import Employee, EmployeeRole

PRIVILEGED_ROLES = (EmployeeRole.HR, EmployeeRole.ADMIN)


def is_privileged(role: str) -> bool:
    """HR and admins: they see every object and manage people (their scopes still apply)."""
    return role in PRIVILEGED_ROLES


async def transitive_reports(employee_id: int) -> frozenset[int]:
    sql = (
        "WITH RECURSIVE chain(id) AS ("
        f" SELECT id FROM employees WHERE manager_id = {int(employee_id)}"
        " UNION SELECT e.id FROM employees e JOIN chain c ON e.manager_id = c.id"
        ") SELECT id FROM chain"
    )
    _, rows = await connections.get("default").execute_query(sql)
    return frozenset(int(r["id"]) for r in rows)


@dataclass(frozen=True)
class PolicyBase:
    principal: Principal | None
    viewer: Employee | None = None
    reports: frozenset[int] = frozenset()
    teams: frozenset[int] = frozenset()
    led_teams: frozenset[int] = frozenset()
    _everyone: bool = field(default=False)

    # --- who the viewer is -------------------------------------------------------------
    @property
    def viewer_id(self) -> int | None:
        return self.viewer.id if self.viewer else None

    @property
    def is_service(self) -> bool:
        return self.principal is not None and self.principal.is_service

    @property
    def is_hr(self) -> bool:
        return self.viewer is not None and is_privileged(self.viewer.role)

    @property
    def sees_everything(self) -> bool:
        """HR and service tokens see every object (their scopes still apply)."""
        return self._everyone

    def _self_and_reports(self) -> set[int]:
        return {self.viewer.id, *self.reports} if self.viewer else set()

    def manages(self, employee_id: int) -> bool:
        return employee_id in self.reports

    def is_self_or_manager_of(self, employee_id: int) -> bool:
        return employee_id == self.viewer_id or self.manages(employee_id)
