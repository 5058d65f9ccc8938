"""`peoplegraph serve --workers N` refuses a deployment whose workers could not act as one."""

from __future__ import annotations

import pytest

import cli


@pytest.mark.parametrize(
    ("database_url", "redis_url", "workers", "message"),
    [
        ("sqlite://data/x.db", "redis://127.0.0.1:6379/0", "2", "--workers 2 needs PostgreSQL"),
        ("postgres://u@127.0.0.1/x", "", "3", "--workers 3 needs REDIS_URL"),
        ("postgres://u@127.0.0.1/x", "redis://127.0.0.1:6379/0", "0", "--workers must be at least 1"),
    ],
)
def test_serve_refuses_workers_that_would_not_share_events_and_deliveries(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database_url: str,
    redis_url: str,
    workers: str,
    message: str,
) -> None:
    # given a deployment without what several workers need
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", redis_url)
    # when the operator asks for several workers
    status = cli.main(["serve", "--workers", workers])
    # then nothing starts (no migration, no server) and the operator is told why
    assert status == 2
    assert message in capsys.readouterr().err
