"""The systems the load test runs against: the stack `make demo` runs (on SQLite or
PostgreSQL), tools/prodlike.py's topology, or the end-to-end tests' running system."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from backend.adapters.db import make_engine, make_sessionmaker, migrate
from backend.services.postcodes import import_geonames
from benchmarks.load.traffic import Target
from tests.e2e.conftest import SECRETS, System, as_system, free_port, stack_system
from tools import postgres
from tools.prodlike import start_prod_like
from tools.stack import PY, ROOT, Stack

# The page the website chat's clients say they are on (their Origin header).
WEBCHAT_ORIGIN = "http://shop.techfriends.test"


async def _load_postcodes(database_url: str, geonames_dir: Path) -> None:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await import_geonames(session, geonames_dir)
    finally:
        await engine.dispose()


def start_fake_graph(port: int, log_dir: Path) -> subprocess.Popen[bytes]:
    # Its own process: served from the load driver's loop it would slow down what it measures.
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "fake-graph.log").open("wb") as log:
        return subprocess.Popen(
            [str(PY), "-m", "simulator.fake_graph", "--port", str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


@asynccontextmanager
async def single_stack(
    database: str, wave_size: int, geonames_dir: Path, log_dir: Path
) -> AsyncIterator[Target]:
    """The stack `make demo` runs (one Rasa, one action server, one backend) on a fresh
    database, with the fake Graph API as its own process."""
    work = Path(tempfile.mkdtemp(prefix="load-test-"))
    server: postgres.Server | None = None
    databases: list[str] = []
    graph: subprocess.Popen[bytes] | None = None
    stack: Stack | None = None
    try:
        if database == "postgresql":
            server = await asyncio.to_thread(postgres.ensure_server)
            databases = [postgres.unique_name("load"), postgres.unique_name("loadtracker")]
            for name in databases:
                await postgres.create_database(server, name)
            database_url = server.url(databases[0])
            tracker_url = server.url(databases[1], driver="")
        else:
            database_url = f"sqlite+aiosqlite:///{work / 'backend.db'}"
            tracker_url = f"sqlite:///{work / 'tracker.db'}"
        await asyncio.to_thread(migrate, database_url)
        await _load_postcodes(database_url, geonames_dir)
        ports = {name: free_port() for name in ("RASA", "ACTIONS", "BACKEND")}
        graph_port = free_port()
        graph_url = f"http://127.0.0.1:{graph_port}"
        graph = start_fake_graph(graph_port, log_dir)
        env = {
            **{k: v for k, v in os.environ.items() if k not in SECRETS},
            **SECRETS,
            **{f"{name}_PORT": str(port) for name, port in ports.items()},
            "BACKEND_URL": f"http://127.0.0.1:{ports['BACKEND']}",
            "RASA_URL": f"http://127.0.0.1:{ports['RASA']}",
            "MESSENGER_GRAPH_URL": graph_url,
            "MESSENGER_GRAPH_VERSION": "v21.0",
            "DATABASE_URL": database_url,
            "TRACKER_STORE_URL": tracker_url,
            "MESSENGER_STORE_PATH": str(work / "messenger-customers.db"),
            "WAVE_SIZE": str(wave_size),
            # The website chat: clients connect from WEBCHAT_ORIGIN straight to Rasa; the
            # benchmarks give each its own X-Forwarded-For so the per-address limit holds per
            # customer, as behind a proxy.
            "WEBCHAT_SECRET": "load-webchat-secret",
            "WEBCHAT_ALLOWED_ORIGINS": WEBCHAT_ORIGIN,
            "WEBCHAT_TRUSTED_PROXIES": "127.0.0.1",
        }
        stack = Stack(env, log_dir)
        stack.build()
        await asyncio.to_thread(stack.start, 600)
        system = stack_system(stack, graph_url, simulator_url=graph_url)
        yield Target(
            system.rasa_url, system.backend_url, graph_url, database_url, dict(SECRETS), system
        )
    finally:
        if stack is not None:
            await asyncio.to_thread(stack.stop)
        if graph is not None:
            graph.terminate()
            graph.wait(timeout=10)
        if server is not None:
            for name in databases:
                await postgres.drop_database(server, name)
        shutil.rmtree(work, ignore_errors=True)


@asynccontextmanager
async def prod_like_stack(wave_size: int, geonames_dir: Path, work: Path) -> AsyncIterator[Target]:
    """tools/prodlike.py's topology: two of each behind the proxy, PostgreSQL, Redis."""
    prod = await asyncio.to_thread(
        start_prod_like,
        work,
        settings={"WAVE_SIZE": str(wave_size)},
        geonames_dir=geonames_dir,
    )
    try:

        def spread() -> str:
            stats = prod.proxy_stats()
            return ", ".join(
                f"{name} {info.get('responses', 0)}"
                for name, info in sorted(stats.items())
                if isinstance(info, dict)
            )

        yield Target(
            prod.url,
            prod.url,
            prod.graph_url,
            prod.database_urls["backend"],
            dict(prod.secrets),
            as_system(prod),
            spread,
        )
    finally:
        await asyncio.to_thread(prod.stop)


def target_from_system(system: System) -> Target:
    """The end-to-end tests' running system as a load target."""
    return Target(
        system.rasa_url,
        system.backend_url,
        system.graph_url,
        system.env["DATABASE_URL"],
        dict(SECRETS),
        system,
    )
