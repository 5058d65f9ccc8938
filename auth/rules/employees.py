"""Employee rules: sensitive fields, self-service, HR's changes, roles and an admin's standing."""

from __future__ import annotations

from auth.rules.base import PolicyBase, is_privileged
from auth.scopes import Scope
from models.employees import Employee, EmployeeRole

# What an employee may change about themselves, in the order a change lists them; names, job,
# manager, status and role are HR's.
SELF_SERVICE = ("pronouns", "bio", "skills", "location", "timezone", "phone", "emergency_contact")
HR_CHANGES = (
    *SELF_SERVICE,
    "email",
    "given_name",
    "family_name",
    "job_title",
    "hire_date",
    "birth_date",
    "manager_id",
    "role",
    "status",
)
SELF_SERVICE_FIELDS = frozenset(SELF_SERVICE)
HR_FIELDS = frozenset(HR_CHANGES)

# What only an admin changes about an admin (`EmployeeRules.can_change_standing`).
STANDING_FIELDS = frozenset({"email", "status", "role", "manager_id"})


class EmployeeRules(PolicyBase):
    def can_read_sensitive(self, employee_id: int) -> bool:
        if employee_id == self.viewer_id and self.viewer is not None:
            return True
        has_scope = self.principal is not None and self.principal.has_scope(Scope.EMPLOYEES_SENSITIVE)
        return has_scope and (self.is_service or self.is_hr)

    def can_update_own_profile(self) -> bool:
        """Self-service: any signed-in employee edits their own profile; a service token has none."""
        return self.viewer is not None

    def can_manage_employees(self) -> bool:
        """Creating employees and changing names, jobs, managers, status and roles: HR and services."""
        return self.is_service or self.is_hr

    def can_grant_role(self, role: EmployeeRole) -> bool:
        """HR grants EMPLOYEE and HR; only an admin (or a service) makes someone an admin."""
        if self.is_service:
            return True
        if self.viewer is None or not is_privileged(self.viewer.role):
            return False
        return role != EmployeeRole.ADMIN or self.viewer.role == EmployeeRole.ADMIN

    def can_change_standing(self, employee: Employee) -> bool:
        """An admin's role, status, manager and e-mail (their sign-in) are changed only by an
        admin (or a service): HR may not demote, terminate or re-home one."""
        if employee.role != EmployeeRole.ADMIN or self.is_service:
            return True
        return self.viewer is not None and self.viewer.role == EmployeeRole.ADMIN
