"""Fixtures shared by every test: the postal-code data and a migrated database template."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from backend.adapters.db import make_engine, make_sessionmaker, migrate
from backend.services.postcodes import import_geonames
from simulator.fake_graph import FakeGraph
from simulator.fake_graph import create_app as create_graph_app

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, geonames_dir: Path) -> Path:
    """A migrated SQLite database with all postal codes, copied for each test that needs one."""
    path = tmp_path_factory.mktemp("template") / "backend.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate(url)

    async def load() -> None:
        engine = make_engine(url)
        async with make_sessionmaker(engine)() as session:
            await import_geonames(session, geonames_dir)
        await engine.dispose()

    asyncio.run(load())
    return path


@pytest.fixture
def db_url(template_db: Path, tmp_path: Path) -> str:
    path = tmp_path / "backend.db"
    shutil.copy(template_db, path)
    return f"sqlite+aiosqlite:///{path}"
