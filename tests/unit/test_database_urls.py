"""The database URLs people write (and Rasa's tracker store uses) work; others are refused in
one line that names the variable and the form we expect."""

from __future__ import annotations

import pytest

from backend.adapters.db import DatabaseUrlError, _alembic_config, async_url
from backend.config import Settings

# As written (README, Rasa's tracker store, hosting providers) → what the async engine gets.
WRITTEN_AND_USED = {
    "sqlite:///var/backend.db": "sqlite+aiosqlite:///var/backend.db",
    "sqlite:////srv/tf/backend.db": "sqlite+aiosqlite:////srv/tf/backend.db",
    "sqlite+pysqlite:///var/backend.db": "sqlite+aiosqlite:///var/backend.db",
    "sqlite:///:memory:": "sqlite+aiosqlite:///:memory:",
    "sqlite:///var/my data/backend.db": "sqlite+aiosqlite:///var/my data/backend.db",
    "postgresql://tf:s%40fe@db:5432/tf": "postgresql+asyncpg://tf:s%40fe@db:5432/tf",
    "postgresql+psycopg2://tf@db/tf": "postgresql+asyncpg://tf@db/tf",
    "postgres://tf:pw@db/tf?ssl=require": "postgresql+asyncpg://tf:pw@db/tf?ssl=require",
    "postgresql+asyncpg://tf@db/tf": "postgresql+asyncpg://tf@db/tf",
    "sqlite+aiosqlite:///var/backend.db": "sqlite+aiosqlite:///var/backend.db",
}


@pytest.mark.parametrize(("written", "used"), list(WRITTEN_AND_USED.items()))
def test_the_written_form_becomes_the_async_drivers(written: str, used: str) -> None:
    assert async_url(written) == used


@pytest.mark.parametrize(
    "written", ["mysql://tf:secret@db/tf", "oracle://tf:secret@db", "var/backend.db", ""]
)
def test_a_form_we_cannot_use_is_refused_without_echoing_it(written: str) -> None:
    with pytest.raises(DatabaseUrlError) as refused:
        async_url(written)
    message = str(refused.value)
    assert "sqlite:///" in message and "postgresql://" in message
    assert "secret" not in message and "\n" not in message


def test_settings_map_database_url_and_name_the_variable_when_refusing() -> None:
    settings = Settings.from_env({"DATABASE_URL": "sqlite:///var/backend.db"})
    assert settings.database_url == "sqlite+aiosqlite:///var/backend.db"
    assert Settings.from_env({}).database_url.startswith("sqlite+aiosqlite:///")
    with pytest.raises(ValueError, match=r"^DATABASE_URL must look like sqlite:///"):
        Settings.from_env({"DATABASE_URL": "mysql://tf:secret@db/tf"})


def test_the_tracker_store_url_is_checked_but_kept_in_rasas_form() -> None:
    settings = Settings.from_env({"TRACKER_STORE_URL": "postgresql://rasa@db/tracker"})
    assert settings.tracker_store_url == "postgresql://rasa@db/tracker"
    with pytest.raises(ValueError, match=r"^TRACKER_STORE_URL must look like"):
        Settings.from_env({"TRACKER_STORE_URL": "mongodb://rasa@db/tracker"})


def test_an_escaped_password_reaches_the_migrations_unchanged() -> None:
    # Alembic keeps the URL in a config file's section, where "%" starts an interpolation.
    config = _alembic_config("postgresql://tf:s%40fe@db/tf")
    assert config.get_main_option("sqlalchemy.url") == "postgresql+asyncpg://tf:s%40fe@db/tf"
