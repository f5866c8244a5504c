"""The production topology on one machine, every server real and on loopback.

    PostgreSQL  backend database, Rasa's tracker store, the customers' channel store
    Redis       Rasa's lock store (one conversation is processed by one Rasa server at a time)
    2 × Rasa server, 2 × action server, 2 × backend (each runs the scheduler's sweeps)
    the simulator (fake Graph API standing in for Meta) and tools/proxy.py in front

`make prod-like` runs it until Ctrl-C (`python -m tools.run prod-like`); tests and the load
test start it from Python:

    from tools.prodlike import start_prod_like

    with start_prod_like() as prod:            # about a minute: Rasa loads its model twice
        prod.url                               # the proxy: everything from outside goes here
        prod.url + "/webhooks/messenger/webhook"   # customers' webhook (→ a Rasa server)
        prod.url + "/webhooks/friends"         # Friends' webhook (→ a backend)
        prod.url + "/api/v1/…"                 # backend API, Bearer prod.env["BACKEND_API_TOKEN"]
        prod.graph_url                         # fake Graph API: what was sent to Meta
        prod.secrets["CUSTOMER_APP_SECRET"]    # to sign webhooks (simulator.webhook_bodies)
        prod.proxy_stats()                     # responses per upstream (rasa-1, backend-2, …)
        prod.service("backend-1").stop(signal.SIGKILL)   # fault tests
        prod.database_urls["backend"]          # postgresql+asyncpg://… to check invariants
    # stop(): every process ends, fresh databases are dropped, the logs stay in prod.log_dir

PostgreSQL: the server at 127.0.0.1:5432 (PGHOST/PGPORT/PGUSER) or a private cluster in var/pg
(tools/postgres.py). Redis: 127.0.0.1:6379 when it answers, else a private redis-server on a
free port. `fresh=True` (the default) creates three new databases named tf_test_<pid>_…, which
`python -m tools.postgres sweep` drops if the process is killed before stop(); `fresh=False`
keeps techfriends_prodlike* between runs (make prod-like).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from tools import postgres
from tools.stack import (
    MODEL,
    PY,
    ROOT,
    Service,
    actions_service,
    backend_service,
    endpoints_yaml,
    process_env,
    rasa_service,
    simulator_service,
    stop_all,
    wait_healthy,
    watch,
)

SECRETS = {
    "CUSTOMER_PAGE_ACCESS_TOKEN": "prodlike-customer-page-token",
    "CUSTOMER_APP_SECRET": "prodlike-customer-secret",
    "CUSTOMER_VERIFY_TOKEN": "prodlike-customer-verify",
    "FRIENDS_PAGE_ACCESS_TOKEN": "prodlike-friends-page-token",
    "FRIENDS_APP_SECRET": "prodlike-friends-secret",
    "FRIENDS_VERIFY_TOKEN": "prodlike-friends-verify",
    "BACKEND_API_TOKEN": "prodlike-api-token",
    "BACKEND_ADMIN_TOKEN": "prodlike-admin-token",
    "RASA_TOKEN": "prodlike-rasa-token",
    # The proxy sends every other path to the backends, /metrics too: Prometheus scrapes each
    # backend directly, and the public port asks for this token.
    "METRICS_TOKEN": "prodlike-metrics-token",
    # The action servers ask Rasa (through the proxy) for this token (issue 21, point 7).
    "ACTION_SERVER_TOKEN": "prodlike-action-server-token",
}
KEPT_NAMES = {
    "backend": "techfriends_prodlike",
    "tracker": "techfriends_prodlike_tracker",
    "messenger": "techfriends_prodlike_messenger",
}
SHARED_GEONAMES = ROOT.parent / "shared" / "data" / "geonames"
# `make prod-like` listens on these (README's diagram); tests and the load test take free ports.
FIXED_PORTS = {
    "proxy": 8080,
    "proxy-admin": 8079,
    "rasa-lb": 5004,
    "actions-lb": 5054,
    "rasa-1": 5005,
    "rasa-2": 5006,
    "actions-1": 5055,
    "actions-2": 5056,
    "backend-1": 8000,
    "backend-2": 8001,
    "simulator": 8090,
}
HOST = "127.0.0.1"


class RedisService(Service):
    """redis-server as a Service: healthy when it answers PING."""

    def healthy(self) -> bool:
        return redis_answers(HOST, int(self.health_url.rsplit(":", 1)[1]))


def redis_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class ProdLike:
    url: str
    graph_url: str
    simulator_url: str
    admin_url: str
    rasa_urls: list[str]
    action_urls: list[str]
    backend_urls: list[str]
    env: dict[str, str]
    secrets: dict[str, str]
    database_urls: dict[str, str]
    redis_url: str
    log_dir: Path
    services: list[Service] = field(default_factory=list)
    _server: postgres.Server | None = None
    _drop: list[str] = field(default_factory=list)
    _fresh: bool = True

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def proxy_stats(self) -> dict[str, Any]:
        """{"rasa-1": {"responses": n, "by_status": {...}, "healthy": bool, "url": …}, …}"""
        with urllib.request.urlopen(f"{self.admin_url}/stats", timeout=5) as response:
            data: dict[str, Any] = json.load(response)
        return data

    def stop(self, grace: float = 10.0) -> None:
        stop_all(list(reversed(self.services)), grace)
        if self._server is not None:
            for name in self._drop:
                try:
                    postgres.run(postgres.drop_database(self._server, name))
                except (OSError, asyncpg.PostgresError):
                    pass  # `python -m tools.postgres sweep` takes it later
            self._drop = []
            # A private cluster started for a throw-away run goes with it.
            if self._server.started_here and self._fresh:
                postgres.stop_private()
            self._server = None

    def watch(self) -> int:
        """Block until a process dies (its exit code) or Ctrl-C / SIGTERM (0); then stop."""
        return watch(self.services, self.stop)

    def __enter__(self) -> ProdLike:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _databases(server: postgres.Server, fresh: bool) -> tuple[dict[str, str], list[str]]:
    """Names of the three databases (created when missing) and those to drop at the end."""

    async def existing() -> set[str]:
        conn = await server.connect()
        try:
            return {str(r["datname"]) for r in await conn.fetch("SELECT datname FROM pg_database")}
        finally:
            await conn.close()

    names = dict(KEPT_NAMES)
    if fresh:
        names = {role: postgres.unique_name(role) for role in KEPT_NAMES}
    present = postgres.run(existing())
    for name in names.values():
        if name not in present:
            postgres.run(postgres.create_database(server, name))
    return names, list(names.values()) if fresh else []


async def _has_table(server: postgres.Server, database: str, table: str) -> bool:
    conn = await server.connect(database)
    try:
        return bool(await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", table))
    finally:
        await conn.close()


def _wait_for_table(
    server: postgres.Server, database: str, table: str, watch: Service, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and watch.exited() is None:
        if postgres.run(_has_table(server, database, table)):
            return
        time.sleep(0.5)


def _run_backend(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    try:
        return subprocess.Popen(
            [str(PY), "-m", "backend", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    finally:
        out.close()


def start_prod_like(
    work_dir: Path | None = None,
    *,
    fresh: bool = True,
    secrets: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    geonames_dir: Path | None = None,
    timeout: float = 400.0,
    fixed_ports: bool = False,
) -> ProdLike:
    """Start the whole topology and return once every process is healthy.

    work_dir: logs, generated endpoints and proxy config (default var/prodlike).
    secrets: the ten tokens (default SECRETS); settings: more environment for every process
    (e.g. {"WAVE_SIZE": "3", "DEADLINE_SWEEP_SECONDS": "1"}); geonames_dir: postal codes
    (default GEONAMES_DIR or ../shared/data/geonames); a database kept from an earlier run
    (fresh=False) that has postal codes already is not loaded again. fixed_ports: listen on
    FIXED_PORTS (make prod-like) instead of free ones.
    """
    model = Path((settings or {}).get("RASA_MODEL") or os.environ.get("RASA_MODEL") or MODEL)
    if not model.exists():
        raise RuntimeError(f"no trained model at {model}: run `make model`")
    work = work_dir or ROOT / "var" / "prodlike"
    log_dir = work / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    secrets = {**SECRETS, **(secrets or {})}
    geonames = geonames_dir or Path(os.environ.get("GEONAMES_DIR") or SHARED_GEONAMES)
    if not (geonames / "DE.txt").exists():
        raise RuntimeError(f"no postal-code data in {geonames}: set GEONAMES_DIR (see README)")

    server = postgres.ensure_server()
    names, drop = _databases(server, fresh)
    prod = ProdLike(
        url="",
        graph_url="",
        simulator_url="",
        admin_url="",
        rasa_urls=[],
        action_urls=[],
        backend_urls=[],
        env={},
        secrets=secrets,
        database_urls={
            "backend": server.url(names["backend"]),
            "tracker": server.url(names["tracker"], driver=""),
            "messenger": server.url(names["messenger"], driver=""),
        },
        redis_url="",
        log_dir=log_dir,
        _server=server,
        _drop=drop,
        _fresh=fresh,
    )
    try:
        ports = dict(FIXED_PORTS) if fixed_ports else {k: postgres.free_port() for k in FIXED_PORTS}
        _start(prod, server, names, work, geonames, settings or {}, fresh, timeout, ports)
    except BaseException:
        prod.stop()
        raise
    return prod


def _start(
    prod: ProdLike,
    server: postgres.Server,
    names: dict[str, str],
    work: Path,
    geonames: Path,
    settings: dict[str, str],
    fresh: bool,
    timeout: float,
    ports: dict[str, int],
) -> None:
    started = time.monotonic()
    _start_redis(prod)
    _set_urls(prod, ports)
    env = prod.env = _environment(prod, ports, geonames, settings)
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        endpoints_yaml(
            f"http://{HOST}:{ports['actions-lb']}/webhook",
            prod.database_urls["tracker"],
            prod.redis_url + f"?key_prefix=tf{os.getpid()}x{ports['proxy']}",
            action_token=True,
        )
    )
    proxy_config = work / "proxy.json"
    proxy_config.write_text(json.dumps(_proxy_config(prod, ports), indent=2))

    # The schema first, once: two backends migrating at the same moment would race.
    log_dir = prod.log_dir
    migrate = _run_backend(env, log_dir / "migrate.log", "migrate")
    if migrate.wait(timeout=180) != 0:
        raise RuntimeError(f"backend migrate failed; see {log_dir / 'migrate.log'}")
    needs_postcodes = fresh or not postgres.run(_postcodes_loaded(server, names["backend"]))
    importer = (
        _run_backend(env, log_dir / "import-postcodes.log", "import-postcodes")
        if needs_postcodes
        else None
    )
    _start_servers(prod, server, names["tracker"], endpoints, proxy_config, ports)
    remaining = max(30.0, timeout - (time.monotonic() - started))
    wait_healthy(prod.services, remaining)
    if importer is not None and importer.wait(timeout=remaining) != 0:
        raise RuntimeError(f"postal-code import failed; see {log_dir / 'import-postcodes.log'}")


def _start_redis(prod: ProdLike) -> None:
    """The machine's Redis when it answers, else our own (no persistence: locks are
    transient)."""
    if redis_answers(HOST, 6379):
        redis_port = 6379
    else:
        redis_port = postgres.free_port()
        redis_bin = shutil.which("redis-server") or "/usr/bin/redis-server"
        argv = [redis_bin, "--port", str(redis_port), "--bind", HOST]
        argv += ["--save", "", "--appendonly", "no"]
        redis = RedisService(
            "redis",
            argv,
            f"redis://{HOST}:{redis_port}",
            dict(os.environ),
            prod.log_dir / "redis.log",
        )
        redis.start()
        prod.services.append(redis)
    # Each run its own key prefix: runs sharing the machine's Redis never see each other's locks.
    prod.redis_url = f"redis://{HOST}:{redis_port}/0"


def _set_urls(prod: ProdLike, ports: dict[str, int]) -> None:
    prod.url = f"http://{HOST}:{ports['proxy']}"
    prod.admin_url = f"http://{HOST}:{ports['proxy-admin']}"
    prod.simulator_url = f"http://{HOST}:{ports['simulator']}"
    prod.graph_url = f"{prod.simulator_url}/graph"
    prod.rasa_urls = [f"http://{HOST}:{ports[f'rasa-{i}']}" for i in (1, 2)]
    prod.action_urls = [f"http://{HOST}:{ports[f'actions-{i}']}" for i in (1, 2)]
    prod.backend_urls = [f"http://{HOST}:{ports[f'backend-{i}']}" for i in (1, 2)]


def _environment(
    prod: ProdLike, ports: dict[str, int], geonames: Path, settings: dict[str, str]
) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in prod.secrets}
    return process_env(
        {
            **base,
            **prod.secrets,
            "MESSENGER_GRAPH_URL": prod.graph_url,
            "MESSENGER_GRAPH_VERSION": "v21.0",
            "DATABASE_URL": prod.database_urls["backend"],
            "TRACKER_STORE_URL": prod.database_urls["tracker"],
            "MESSENGER_STORE_URL": prod.database_urls["messenger"],
            "LOCK_STORE_URL": prod.redis_url,
            # The website chat: news reach a tab on either Rasa server; the proxy names clients.
            "WEBCHAT_REDIS_URL": prod.redis_url,
            "WEBCHAT_TRUSTED_PROXIES": HOST,
            # The backend too (the console login's throttle, the API's rate limits): behind
            # tools/proxy.py the client is the last hop of X-Forwarded-For, not the proxy.
            "BACKEND_TRUSTED_PROXIES": HOST,
            # Inside the topology everything goes through the proxy, as between machines.
            "BACKEND_URL": prod.url,
            "RASA_URL": f"http://{HOST}:{ports['rasa-lb']}",
            "GEONAMES_DIR": str(geonames),
            **settings,
        }
    )


def _proxy_config(prod: ProdLike, ports: dict[str, int]) -> dict[str, Any]:
    """tools/proxy.py's configuration: the public port, the Rasa and action server balancers."""
    return {
        "pools": {
            "rasa": prod.rasa_urls,
            "actions": prod.action_urls,
            "backend": prod.backend_urls,
        },
        "sites": [
            {
                "port": ports["proxy"],
                "routes": [
                    ["/webhooks/messenger/", "rasa"],
                    ["/socket.io/", "rasa"],
                    ["/", "backend"],
                ],
                # The website chat's long-polling must reach the Rasa server that holds its
                # socket.io session.
                "sticky": ["/socket.io/"],
            },
            {"port": ports["rasa-lb"], "routes": [["/", "rasa"]], "sticky": ["/socket.io/"]},
            {"port": ports["actions-lb"], "routes": [["/", "actions"]]},
        ],
        "admin_port": ports["proxy-admin"],
    }


def _start_servers(
    prod: ProdLike,
    server: postgres.Server,
    tracker_database: str,
    endpoints: Path,
    proxy_config: Path,
    ports: dict[str, int],
) -> None:
    """Start the servers (not waiting until they are healthy): the first Rasa server, then
    everything else, then the second Rasa server once the first has made its tables."""
    env, log_dir = prod.env, prod.log_dir
    rasa = [
        rasa_service(env, ports[f"rasa-{i}"], endpoints, log_dir, name=f"rasa-{i}") for i in (1, 2)
    ]
    others = [
        simulator_service({**env, "RASA_URL": prod.url}, ports["simulator"], log_dir),
        *(
            actions_service(env, ports[f"actions-{i}"], log_dir, name=f"actions-{i}")
            for i in (1, 2)
        ),
        *(
            backend_service(env, ports[f"backend-{i}"], log_dir, name=f"backend-{i}")
            for i in (1, 2)
        ),
        Service(
            "proxy",
            [str(PY), "-m", "tools.proxy", "--config", str(proxy_config)],
            f"{prod.admin_url}/healthz",
            env,
            log_dir / "proxy.log",
            kind="proxy",
        ),
    ]
    rasa[0].start()
    prod.services.append(rasa[0])
    for service in others:
        service.start()
        prod.services.append(service)
    # Rasa creates its tracker tables at start; the second server waits for them, since two
    # CREATE TABLEs at once collide in PostgreSQL's catalogue. The models then load in parallel.
    _wait_for_table(server, tracker_database, "events", rasa[0], timeout=120)
    rasa[1].start()
    prod.services.append(rasa[1])


async def _postcodes_loaded(server: postgres.Server, database: str) -> bool:
    conn = await server.connect(database)
    try:
        return bool(await conn.fetchval("SELECT EXISTS (SELECT 1 FROM postal_codes)"))
    finally:
        await conn.close()
