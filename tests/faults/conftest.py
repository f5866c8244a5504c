"""Fixtures of the fault tests: a private PostgreSQL cluster and a fresh database on it per test.

The cluster is this session's own (tests/faults/cluster.py), so a test may crash or restart it
without touching the machine's server or anyone else's tests.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.adapters.db import migrate
from tests.backend.conftest import fake_rasa  # noqa: F401  (a fixture the kill tests use)
from tests.conftest import _load_postcodes
from tests.e2e.conftest import system  # noqa: F401  (the full stack, for outage tests)
from tests.faults.cluster import PrivateCluster
from tools import postgres


@pytest.fixture(scope="session")
def cluster() -> Iterator[PrivateCluster]:
    if postgres.find_binaries() is None:
        pytest.fail("the fault tests need PostgreSQL's binaries (apt-get install postgresql)")
    # Not under pytest's tmp folder: that is private to root, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="tf-faults-pg-"))
    pg = PrivateCluster(directory)
    pg.start()
    try:
        yield pg
    finally:
        try:
            pg.stop("immediate")
        except AssertionError:
            pass  # a test left it stopped
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def template_name(cluster: PrivateCluster, geonames_dir: Path) -> str:
    """Migrated, with all postal codes: each test's database is a copy."""
    assert cluster.server is not None
    name = postgres.unique_name("tpl")
    postgres.run(postgres.create_database(cluster.server, name))
    url = cluster.server.url(name)
    migrate(url)
    _load_postcodes(url, geonames_dir)
    return name


@pytest.fixture
def fault_db_url(cluster: PrivateCluster, template_name: str) -> Iterator[str]:
    assert cluster.server is not None
    name = postgres.unique_name()
    postgres.run(postgres.create_database(cluster.server, name, template_name))
    yield cluster.server.url(name)
    # The cluster may be down after a failed restart test; then there is nothing to drop.
    try:
        postgres.run(postgres.drop_database(cluster.server, name))
    except OSError:
        pass
