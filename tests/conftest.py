"""Fixtures shared by every test: the postal-code data and migrated database templates.

SQLite: a migrated file with all postal codes, copied for each test. PostgreSQL (see
tools/postgres.py): one database per session, migrated and loaded once, emptied before each
test by TRUNCATE. Measured here on 2 cores: TRUNCATE 46 ms per test against 87 ms for CREATE
DATABASE … TEMPLATE (FILE_COPY) plus 59 ms to drop it again.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from backend.adapters.db import make_engine, make_sessionmaker, migrate
from backend.services.postcodes import import_geonames
from simulator.fake_graph import FakeGraph
from simulator.fake_graph import create_app as create_graph_app
from tools import postgres

ROOT = Path(__file__).resolve().parent.parent
# Rows that the migrations and the postal-code import put there; every other table is emptied.
KEPT_TABLES = ("alembic_version", "postal_codes")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only: runs on SQLite alone because it is about SQLite itself (a file, pragmas)",
    )


@pytest.fixture
async def fake_graph() -> AsyncIterator[tuple[FakeGraph, str]]:
    """The fake Graph API in-process: its recorded calls, and the base URL to configure."""
    graph = FakeGraph()
    server = TestServer(create_graph_app(graph))
    await server.start_server()
    yield graph, str(server.make_url("")).rstrip("/")
    await server.close()


@pytest.fixture(scope="session")
def geonames_dir() -> Path:
    path = Path(os.environ.get("GEONAMES_DIR") or ROOT.parent / "shared" / "data" / "geonames")
    if not (path / "DE.txt").exists():
        pytest.fail(
            f"postal-code data not found in {path}: set GEONAMES_DIR to a folder with "
            "DE.txt, AT.txt and CH.txt (GeoNames postal-code dumps)"
        )
    return path


def _load_postcodes(url: str, geonames_dir: Path) -> None:
    async def load() -> None:
        engine = make_engine(url)
        async with make_sessionmaker(engine)() as session:
            await import_geonames(session, geonames_dir)
        await engine.dispose()

    asyncio.run(load())


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, geonames_dir: Path) -> Path:
    """A migrated SQLite database with all postal codes, copied for each test that needs one."""
    path = tmp_path_factory.mktemp("template") / "backend.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate(url)
    _load_postcodes(url, geonames_dir)
    return path


@pytest.fixture
def sqlite_db_url(template_db: Path, tmp_path: Path) -> str:
    path = tmp_path / "backend.db"
    shutil.copy(template_db, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def db_url(sqlite_db_url: str) -> str:
    """SQLite unless a folder's conftest asks for both (tests/backend does)."""
    return sqlite_db_url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.Server]:
    """A PostgreSQL server; when none can be had the tests fail saying why, never skip."""
    try:
        server = postgres.ensure_server()
    except postgres.PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL is needed for the backend tests: {exc}", pytrace=False)
    postgres.run(postgres.sweep_stale(server))
    yield server
    if server.started_here:
        postgres.stop_private()


@pytest.fixture(scope="session")
def postgres_session_db(postgres_server: postgres.Server, geonames_dir: Path) -> Iterator[str]:
    """This session's own database, migrated and with all postal codes; dropped at the end."""
    name = postgres.unique_name()
    postgres.run(postgres.create_database(postgres_server, name))
    try:
        url = postgres_server.url(name)
        migrate(url)
        _load_postcodes(url, geonames_dir)
        yield name
    finally:
        postgres.run(postgres.drop_database(postgres_server, name))


async def _empty(server: postgres.Server, name: str) -> None:
    conn = await server.connect(name)
    try:
        # A connection a previous test left behind could hold a lock and stall TRUNCATE.
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        tables = [
            str(r["tablename"])
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            if r["tablename"] not in KEPT_TABLES
        ]
        if tables:
            quoted = ", ".join(f'"{t}"' for t in tables)
            await conn.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture
def postgres_db_url(postgres_server: postgres.Server, postgres_session_db: str) -> str:
    postgres.run(_empty(postgres_server, postgres_session_db))
    return postgres_server.url(postgres_session_db)
