"""The test world's own rules: a missing PostgreSQL skips on a developer machine, fails in CI."""

from __future__ import annotations

import pytest

from tests.sync_world import in_ci, postgres_database

NOWHERE = "postgresql://postgres@127.0.0.1:9/test"  # the discard port: nothing listens there


def test_missing_postgres_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"), postgres_database(NOWHERE):
        pass


def test_missing_postgres_skips_on_a_developer_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception), postgres_database(NOWHERE):
        pass


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("1", True), ("yes", True), ("", False), ("false", False), ("0", False)],
)
def test_ci_flag(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci() is expected
