"""tools/postgres.py on a machine without a reachable server: it makes one, or says why not."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tools import postgres

ROOT = Path(__file__).resolve().parent.parent.parent


def test_without_a_server_a_private_cluster_is_created_started_and_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if postgres.find_binaries() is None:
        pytest.fail("PostgreSQL binaries are needed (Debian: apt-get install postgresql)")
    # Nothing listens on port 1, so the reachable-server path fails as on a fresh machine.
    monkeypatch.setenv("PGPORT", "1")
    # Under var/ (not /tmp/pytest-of-root, mode 700): when run as root the cluster belongs to
    # the postgres user, who must be able to reach the folder.
    directory = ROOT / "var" / f"pg-test-{os.getpid()}"
    try:
        server = postgres.ensure_server(directory)
        assert server.started_here
        assert server.port != 1
        name = postgres.unique_name("setup")
        postgres.run(postgres.create_database(server, name))

        async def roundtrip() -> int:
            conn = await server.connect(name)
            try:
                return int(await conn.fetchval("SELECT 41 + 1"))
            finally:
                await conn.close()

        assert postgres.run(roundtrip()) == 42
        # A second call finds the running cluster instead of starting another.
        again = postgres.ensure_server(directory)
        assert (again.port, again.started_here) == (server.port, False)
        postgres.run(postgres.drop_database(server, name))
    finally:
        postgres.stop_private(directory)
        shutil.rmtree(directory, ignore_errors=True)
    assert not postgres.run(postgres._reachable("127.0.0.1", server.port, "postgres"))


def test_without_server_or_binaries_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PGPORT", "1")
    monkeypatch.setattr(postgres, "find_binaries", lambda: None)
    with pytest.raises(postgres.PostgresUnavailable, match="apt-get install postgresql"):
        postgres.ensure_server(tmp_path / "pg")


def test_databases_of_dead_sessions_are_swept_and_live_ones_kept(
    postgres_server: postgres.Server,
) -> None:
    dead_pid = 2**22 + 12345  # above Linux's pid_max default: no such process
    dead = f"{postgres.TEST_PREFIX}{dead_pid}_deadbeef"
    alive = postgres.unique_name("alive")
    for name in (dead, alive):
        postgres.run(postgres.create_database(postgres_server, name))
    try:
        swept = postgres.run(postgres.sweep_stale(postgres_server))
        assert dead in swept
        assert alive not in swept
    finally:
        for name in (dead, alive):
            postgres.run(postgres.drop_database(postgres_server, name))
