"""auth/revocation_checks.py: which "not revoked" answers a process may reuse, and for how long."""

from __future__ import annotations

from auth.revocation_checks import RevocationChecks


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _checked(checks: RevocationChecks, token: str, epoch: object = 1) -> None:
    checks.remember(token, epoch, checks.generation, checks.clock())


def test_an_answer_is_reused_under_its_epoch_until_its_ttl() -> None:
    clock = Clock()
    checks = RevocationChecks(ttl=10.0, clock=clock)
    _checked(checks, "jti-ada")

    clock.now += 10.0
    at_ttl = checks.known_good("jti-ada", 1)
    clock.now += 0.1
    past_ttl = checks.known_good("jti-ada", 1)

    assert (at_ttl, past_ttl, len(checks)) == (True, False, 0)


def test_no_answer_counts_without_an_epoch_or_under_another() -> None:
    checks = RevocationChecks()
    checks.remember("jti-none", None, checks.generation, checks.clock())
    _checked(checks, "jti-ada", epoch=1)

    assert len(checks) == 1
    assert not checks.known_good("jti-none", None)
    assert not checks.known_good("jti-ada", None)
    assert not checks.known_good("jti-ada", 2)  # a new subscription: missed events are possible
    assert not checks.known_good("jti-ada", 1)  # and the old answer is gone for good
    assert not checks.known_good(None, 1)


def test_forgetting_drops_every_answer_and_refuses_one_checked_before_it() -> None:
    checks = RevocationChecks()
    _checked(checks, "jti-ada")
    # a check begins, a revocation is announced while its statement runs, then it answers
    generation, started = checks.generation, checks.clock()
    checks.forget_all()
    checks.remember("jti-bob", 1, generation, started)

    assert not checks.known_good("jti-ada", 1)
    assert not checks.known_good("jti-bob", 1)
    _checked(checks, "jti-bob")
    assert checks.known_good("jti-bob", 1)


def test_beyond_its_size_the_oldest_answers_go_first() -> None:
    checks = RevocationChecks(size=2)
    for token in ("jti-1", "jti-2"):
        _checked(checks, token)
    assert checks.known_good("jti-1", 1)  # a reuse does not renew it: it is as old as its statement
    _checked(checks, "jti-3")

    assert [checks.known_good(t, 1) for t in ("jti-1", "jti-2", "jti-3")] == [False, True, True]
