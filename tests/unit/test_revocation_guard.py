"""Which `access.revoked` events end a live connection: a table of the rule, no server."""

from __future__ import annotations

from typing import Any

import pytest

from auth.principal import Principal
from models.events import Event
from resolvers.live.stream import TokenGuard

ADA_VIA_APP = Principal(scopes=frozenset(), client_id="pgc_app", employee_id=7, token_id="jti-ada")
SERVICE = Principal(scopes=frozenset(), client_id="pgc_hris", token_id="jti-hris")


def revoked(type: str = "access.revoked", **data: Any) -> Event:
    return Event(id=1, type=type, subject_type="OAuthClient", subject_id=0, data={"reason": "test", **data})


@pytest.mark.parametrize(
    ("principal", "event", "ends"),
    [
        (ADA_VIA_APP, revoked(clientId="pgc_app"), True),
        (ADA_VIA_APP, revoked(employeeId=7), True),
        (ADA_VIA_APP, revoked(tokenIds=["jti-old", "jti-ada"]), True),
        (SERVICE, revoked(clientId="pgc_hris"), True),
        # someone else's revocation, or not a revocation at all
        (ADA_VIA_APP, revoked(clientId="pgc_other"), False),
        (ADA_VIA_APP, revoked(employeeId=8), False),
        (ADA_VIA_APP, revoked(tokenIds=["jti-other"]), False),
        (SERVICE, revoked(employeeId=7), False),
        (ADA_VIA_APP, revoked("employee.updated", employeeId=7), False),
        (None, revoked(clientId="pgc_app"), False),
    ],
)
def test_a_revocation_ends_only_the_sign_in_it_names(principal: Principal, event: Event, ends: bool) -> None:
    assert TokenGuard(principal).ended_by(event) is ends
