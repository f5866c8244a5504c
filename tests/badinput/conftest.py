"""The backend with its console on SQLite and PostgreSQL (the console tests' setup), and a
summary of every corpus run's outcomes at the end of the pytest run."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.adapters.db import make_engine
from tests.backend.conftest import db_url, pytest_generate_tests
from tests.badinput.harness import TALLY
from tests.console.conftest import client, clock, fake_rasa, settings, tracker_store

__all__ = [
    "client",
    "clock",
    "db_url",
    "fake_rasa",
    "pytest_generate_tests",
    "settings",
    "tracker_store",
]


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """A second connection pool to the app's database, for snapshots taken beside the app."""
    found = make_engine(db_url)
    yield found
    await found.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    terminalreporter.section("bad-input corpus")
    total: dict[str, int] = {}
    for target, outcomes in sorted(TALLY.items()):
        counts = ", ".join(f"{n} {name}" for name, n in sorted(outcomes.items()))
        terminalreporter.write_line(f"{target}: {sum(outcomes.values())} requests: {counts}")
        for name, n in outcomes.items():
            total[name] = total.get(name, 0) + n
    counts = ", ".join(f"{n} {name}" for name, n in sorted(total.items()))
    terminalreporter.write_line(f"all: {sum(total.values())} requests: {counts}")
