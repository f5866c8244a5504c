"""The Alembic history builds the same schema as the models, step by step."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from backend.adapters.db import migrate
from backend.adapters.orm import Base, is_modelled
from backend.billing import orm as _billing_models  # noqa: F401  (its tables join Base)
from backend.console import models as _console_models  # noqa: F401  (its tables join Base)


def test_migrations_match_the_models(tmp_path: Path) -> None:
    path = tmp_path / "schema.db"
    migrate(f"sqlite+aiosqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": is_modelled})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []
