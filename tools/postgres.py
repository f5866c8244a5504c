"""A PostgreSQL server for tests and benchmarks, and throw-away databases on it.

Uses a server that is already reachable (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432); when
there is none, it creates a private cluster in var/pg with Debian's binaries (trust auth, on a
free port) and starts it. When no PostgreSQL can be had at all it raises PostgresUnavailable
with a message saying what to install: the tests fail with it rather than skip.

    python -m tools.postgres start    # print the server's URL (starting var/pg if needed)
    python -m tools.postgres stop     # stop the private cluster in var/pg, if it runs
    python -m tools.postgres sweep    # drop test databases left behind by killed sessions
"""

from __future__ import annotations

import asyncio
import getpass
import glob
import os
import pwd
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
PRIVATE_DIR = ROOT / "var" / "pg"
TEST_PREFIX = "tf_test_"
CONNECT_TIMEOUT = 3.0

T = TypeVar("T")


class PostgresUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    # True when this module started it (the private cluster), so the caller may stop it.
    started_here: bool = False

    def url(self, database: str, driver: str = "asyncpg") -> str:
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{database}"

    async def connect(self, database: str = "postgres") -> asyncpg.Connection:
        return await asyncpg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            database=database,
            timeout=CONNECT_TIMEOUT,
        )


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end, also when the calling thread already has a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


async def _reachable(host: str, port: int, user: str) -> bool:
    try:
        conn = await asyncpg.connect(
            host=host, port=port, user=user, database="postgres", timeout=CONNECT_TIMEOUT
        )
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    try:
        # Creating databases is what the tests need; a login without it is no use.
        allowed = await conn.fetchval(
            "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        )
    finally:
        await conn.close()
    return bool(allowed)


def _existing_server() -> Server | None:
    host = os.environ.get("PGHOST") or "127.0.0.1"
    port = int(os.environ.get("PGPORT") or 5432)
    users = [os.environ["PGUSER"]] if os.environ.get("PGUSER") else [getpass.getuser(), "postgres"]
    for user in dict.fromkeys(users):
        if run(_reachable(host, port, user)):
            return Server(host, port, user)
    return None


def find_binaries() -> Path | None:
    """The newest Debian PostgreSQL bin folder, else wherever initdb is on PATH."""
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(re.sub(r"\D", "", Path(p).parent.name) or 0),
    )
    for folder in reversed(folders):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    return None


_handed_out: set[int] = set()


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A port that is free now and that this process has not handed out before.

    Taken below the kernel's ephemeral range: a port from bind(0) lies inside it, so between
    our choice and the server's start (a Rasa server binds only after loading its model) an
    outgoing connection may take it, and two bind(0) calls may give the same port. Either let
    another of our services answer on a server's port (CI saw a Rasa port held by a service
    that answered its health check with 404 on every webhook).
    """
    low = _ephemeral_low()
    candidates = list(range(20000, low)) if low > 21000 else []
    random.shuffle(candidates)
    for port in candidates[:500]:
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    # PostgreSQL refuses to run as root; then the cluster belongs to an unprivileged user.
    if owner is None:
        return command
    return ["runuser", "-u", owner, "--", *command]


def _owner() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and neither user postgres nor nobody exists")


def _private_server(directory: Path) -> Server:
    binaries = find_binaries()
    if binaries is None:
        where = f"{os.environ.get('PGHOST') or '127.0.0.1'}:{os.environ.get('PGPORT') or 5432}"
        raise PostgresUnavailable(
            f"no PostgreSQL server is reachable at {where} (PGHOST/PGPORT) and no "
            "PostgreSQL binaries were found under /usr/lib/postgresql/*/bin or on PATH: "
            "install them (Debian: apt-get install postgresql) or point PGHOST/PGPORT/PGUSER "
            "at a server whose user may create databases"
        )
    owner = _owner()
    data, sockets, log = directory / "data", directory / "sockets", directory / "server.log"
    directory.mkdir(parents=True, exist_ok=True)
    sockets.mkdir(exist_ok=True)
    if owner is not None:
        uid, gid = pwd.getpwnam(owner).pw_uid, pwd.getpwnam(owner).pw_gid
        for path in (directory, sockets):
            os.chown(path, uid, gid)
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            _as_owner(
                [
                    str(binaries / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ],
                owner,
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
    port_file = directory / "port"
    status = subprocess.run(
        _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "status"], owner),
        capture_output=True,
        timeout=30,
    )
    if status.returncode == 0 and port_file.exists():
        port = int(port_file.read_text())
        if run(_reachable("127.0.0.1", port, "postgres")):
            return Server("127.0.0.1", port, "postgres", started_here=False)
    port = free_port()
    # Test data is disposable: no fsync keeps CREATE DATABASE and commits fast.
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log)]
    started = subprocess.run(
        _as_owner([*pg_ctl, "-o", options, "-w", "start"], owner),
        capture_output=True,
        text=True,
        timeout=60,
    )
    if started.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise PostgresUnavailable(f"pg_ctl could not start {data}: {started.stderr}\n{tail}")
    port_file.write_text(str(port))
    return Server("127.0.0.1", port, "postgres", started_here=True)


def ensure_server(directory: Path = PRIVATE_DIR) -> Server:
    """A server whose user may create databases; raises PostgresUnavailable saying why not."""
    return _existing_server() or _private_server(directory)


def stop_private(directory: Path = PRIVATE_DIR) -> None:
    binaries = find_binaries()
    data = directory / "data"
    if binaries is None or not (data / "PG_VERSION").exists():
        return
    subprocess.run(
        _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], _owner()),
        capture_output=True,
        timeout=60,
    )


def unique_name(tag: str = "") -> str:
    """tf_test_<pid>_<random>: the pid lets a later session drop what a killed one left."""
    suffix = f"_{tag}" if tag else ""
    return f"{TEST_PREFIX}{os.getpid()}_{secrets.token_hex(4)}{suffix}"


def _quoted(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"unexpected database name {name!r}")
    return f'"{name}"'


async def create_database(server: Server, name: str, template: str | None = None) -> None:
    conn = await server.connect()
    try:
        # FILE_COPY copies the template's files directly: for a small database far quicker
        # than the default WAL_LOG strategy (PostgreSQL 15+), which writes every page to WAL.
        version = int(await conn.fetchval("SHOW server_version_num"))
        sql = f"CREATE DATABASE {_quoted(name)}"
        if template:
            sql += f" TEMPLATE {_quoted(template)}"
            if version >= 150000:
                sql += " STRATEGY FILE_COPY"
        await conn.execute(sql)
    finally:
        await conn.close()


async def drop_database(server: Server, name: str) -> None:
    conn = await server.connect()
    try:
        # FORCE ends connections a test left open (a background task still winding down).
        await conn.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
    finally:
        await conn.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def sweep_stale(server: Server) -> list[str]:
    """Drop test databases whose session's process is gone (killed before its clean-up)."""
    conn = await server.connect()
    try:
        names = [
            str(r["datname"])
            for r in await conn.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1", TEST_PREFIX + "%"
            )
        ]
    finally:
        await conn.close()
    stale = []
    for name in names:
        match = re.match(rf"{TEST_PREFIX}(\d+)_", name)
        if match and not _alive(int(match.group(1))):
            stale.append(name)
    # Per-test databases first: a template cannot be dropped while a copy is being made.
    for name in sorted(stale, key=lambda n: n.endswith("_tpl")):
        await drop_database(server, name)
    return stale


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "start"
    if command == "stop":
        stop_private()
        return 0
    try:
        server = ensure_server()
    except PostgresUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    if command == "sweep":
        for name in run(sweep_stale(server)):
            print("dropped", name)
        return 0
    print(server.url("postgres"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
