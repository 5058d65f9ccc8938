"""The feedback rules as a table, without HTTP: one policy per role, one row per cell (the models
are initialised, nothing is queried)."""

from __future__ import annotations

import pytest

from auth.policy import Policy
from auth.principal import Principal
from models.employees import Employee, EmployeeRole
from models.feedback import FeedbackRequest, FeedbackStatus, FeedbackVisibility, Kudos

ADA, TIM, BOSS, GRAND, OLGA, HANA = 1, 2, 3, 4, 5, 6  # Tim and Ada share team 10; Boss manages Ada
WEB = 10

pytestmark = pytest.mark.usefixtures("database_url")  # the models' relations need Tortoise set up


def policy(role: str) -> Policy:
    if role == "service":
        return Policy(Principal(frozenset()), _everyone=True)
    ids = {"ada": ADA, "tim": TIM, "boss": BOSS, "grand": GRAND, "olga": OLGA, "hr": HANA}
    viewer = Employee(id=ids[role], role=EmployeeRole.HR if role == "hr" else EmployeeRole.EMPLOYEE)
    reports = {"boss": frozenset({ADA}), "grand": frozenset({BOSS, ADA})}.get(role, frozenset())
    teams = frozenset({WEB}) if role in ("ada", "tim") else frozenset()
    return Policy(Principal(frozenset(), employee_id=viewer.id), viewer=viewer, reports=reports,
                  teams=teams, _everyone=role == "hr")  # fmt: skip


# Kudos to Ada from Olga, and from Hana: Olga (no shared team, not above Ada) sees only her own.
KUDOS_SEEN = {
    "ada": True,
    "tim": True,
    "boss": True,
    "grand": True,
    "olga": True,
    "hr": True,
    "service": True,
}
KUDOS_BY_HR_SEEN = {**KUDOS_SEEN, "olga": False}


@pytest.mark.parametrize("role", list(KUDOS_SEEN))
def test_who_sees_kudos(role: str) -> None:
    rules = policy(role)
    by_olga = Kudos(id=1, giver_id=OLGA, receiver_id=ADA, message="Thanks")
    by_hr = Kudos(id=2, giver_id=HANA, receiver_id=ADA, message="Thanks")
    assert rules.can_see_kudos(by_olga, frozenset({WEB})) is KUDOS_SEEN[role]
    assert rules.can_see_kudos(by_hr, frozenset({WEB})) is KUDOS_BY_HR_SEEN[role]
    assert rules.can_see_kudos(by_hr, frozenset()) is (KUDOS_BY_HR_SEEN[role] and role != "tim")


def _request(status: FeedbackStatus, visibility: FeedbackVisibility | None) -> FeedbackRequest:
    return FeedbackRequest(id=1, requester_id=ADA, respondent_id=TIM, about="My talk", status=status,
                           visibility=visibility)  # fmt: skip


ROLES = ["ada", "tim", "boss", "grand", "olga", "hr", "service"]
# role -> (sees pending, sees private, sees shared, may submit pending)
FEEDBACK_CELLS = {
    "ada": (True, True, True, False),
    "tim": (True, True, True, True),
    "boss": (False, False, True, False),  # Ada's direct manager, once shared
    "grand": (False, False, False, False),  # further up: never
    "olga": (False, False, False, False),
    "hr": (False, False, False, False),  # never HR
    "service": (False, False, False, False),  # nor a service token
}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_and_answers_feedback(role: str) -> None:
    rules = policy(role)
    pending = _request(FeedbackStatus.PENDING, None)
    private = _request(FeedbackStatus.SUBMITTED, FeedbackVisibility.PRIVATE)
    shared = _request(FeedbackStatus.SUBMITTED, FeedbackVisibility.SHARED_WITH_MANAGER)
    seen = tuple(rules.can_see_feedback_request(r, BOSS) for r in (pending, private, shared))
    assert (*seen, rules.can_submit_feedback(pending)) == FEEDBACK_CELLS[role]
    assert rules.can_submit_feedback(shared) is False  # once only


@pytest.mark.parametrize("role", ROLES)
def test_only_employees_give_kudos_and_ask_for_feedback(role: str) -> None:
    rules = policy(role)
    assert rules.can_give_kudos() is rules.can_request_feedback() is (role != "service")
