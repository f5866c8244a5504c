"""Engine and sessions; the schema comes from Alembic migrations."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from backend.adapters.sqlite_writes import queue_writers

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The asyncio engine needs an async driver; people (and Rasa's tracker store) write the plain
# forms. Each database we support, by the schemes that name it, and its async driver.
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",  # Heroku's and libpq's short form
}
EXPECTED_FORM = "sqlite:///path/to/file.db or postgresql://user:password@host:5432/database"


class DatabaseUrlError(ValueError):
    """A database URL we cannot use; says the form we expect, never the URL (it may hold a
    password)."""


def async_url(url: str) -> str:
    """`sqlite:///…`, `postgresql://…`, `postgres://…` (with or without a driver such as
    psycopg2) as the URL of the async driver we install; such a URL stays as it is."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(f"must look like {EXPECTED_FORM}") from None
    database = parsed.drivername.partition("+")[0]
    if database not in ASYNC_DRIVERS:
        raise DatabaseUrlError(
            f"must look like {EXPECTED_FORM}; {database!r} databases are not supported"
        )
    if parsed.drivername == ASYNC_DRIVERS[database]:
        return url
    # Only the scheme changes: the rest stays as written (rendering it anew would re-escape a
    # path with spaces or ":memory:").
    return f"{ASYNC_DRIVERS[database]}://{url.partition('://')[2]}"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the webhook read while dispatch writes; busy_timeout makes writers queue
    # instead of failing when two requests commit at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    url = async_url(url)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        queue_writers(engine)
    return engine


def store_engine(url: str) -> AsyncEngine | None:
    """An engine on a store the bot keeps (its channel store), or None when there is none to
    reach (none configured, or the bot never created it): opening a missing SQLite file would
    create an empty one."""
    if not url:
        return None
    if url.startswith("sqlite"):
        if not Path(url.split(":///", 1)[-1]).is_file():
            return None
        # The bot writes to the same file; wait for it as it waits for us.
        return create_async_engine(async_url(url), connect_args={"timeout": 10})
    return create_async_engine(async_url(url))


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # A config file value: "%" (in an escaped password) must be doubled.
    config.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the database to the newest schema (creates an SQLite file when missing)."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(_alembic_config(url), "head")


async def _revisions(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return set(
                await connection.run_sync(
                    lambda sync: MigrationContext.configure(sync).get_current_heads()
                )
            )
    finally:
        await engine.dispose()


def wait_for_schema(url: str, timeout: float) -> None:
    """Wait until another process has brought the database to the newest schema.

    Two processes migrating one database at once collide (Alembic updates its version row
    expecting to be alone), so only one role migrates and the other waits here.
    """
    heads = set(ScriptDirectory.from_config(_alembic_config(url)).get_heads())
    deadline = time.monotonic() + timeout
    while True:
        try:
            if asyncio.run(_revisions(url)) == heads:
                return
        except (DBAPIError, OSError):
            pass  # the database is not up yet
        if time.monotonic() > deadline:
            raise SystemExit(
                f"the database is not at the newest schema after {timeout:.0f} s: "
                "run `python -m backend migrate` or start a web or all process"
            )
        time.sleep(0.5)
