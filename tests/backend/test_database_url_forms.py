"""`python -m backend` started with the URL forms people write: `sqlite:///…` and
`postgresql://…` migrate and serve; a scheme we cannot use ends the process with one line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tools import postgres, run
from tools.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]


def _backend(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_and_create_staff_accept_a_plain_sqlite_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'backend.db'}"
    migrated = _backend("migrate", DATABASE_URL=url)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "data" / "backend.db").is_file()
    staff = _backend(
        "create-staff",
        "--email",
        "ada@example.org",
        DATABASE_URL=url,
        CONSOLE_STAFF_PASSWORD="a long enough password",
    )
    assert staff.returncode == 0, staff.stderr
    assert "ada@example.org" in staff.stdout


def test_migrate_accepts_a_plain_postgresql_url(
    postgres_server: postgres.Server, postgres_session_db: str
) -> None:
    migrated = _backend("migrate", DATABASE_URL=postgres_server.url(postgres_session_db, ""))
    assert migrated.returncode == 0, migrated.stderr


def test_serve_starts_on_a_plain_sqlite_url(tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "backend.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve"],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'backend.db'}",
            "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
            "BACKEND_HOST": "127.0.0.1",
            "BACKEND_PORT": str(port),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError((tmp_path / "backend.log").read_text(errors="replace")[-3000:])
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_an_unusable_scheme_ends_the_process_with_one_line(tmp_path: Path) -> None:
    for command in ("migrate", "serve"):
        refused = _backend(command, DATABASE_URL="mysql://tf:secret@db/tf")
        assert refused.returncode == 2
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1, refused.stderr
        assert "DATABASE_URL" in lines[0] and "postgresql://" in lines[0]
        assert "secret" not in refused.stderr


def test_make_run_with_an_unusable_scheme_stops_with_the_backends_one_line() -> None:
    # `make run` is `python -m tools.run run`: it migrates first, and that refusal must reach
    # the person as the backend's line, not as a second traceback from the runner.
    secrets = {name: "x" for name in run.REQUIRED_FOR_RUN}
    refused = subprocess.run(
        [sys.executable, "-m", "tools.run", "run"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **secrets, "DATABASE_URL": "mysql://db/tf"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2
    assert "DATABASE_URL" in refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
