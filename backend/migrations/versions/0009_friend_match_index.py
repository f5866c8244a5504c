"""friends.skill_bits and language_bits, and a covering index for matching

Matching at 100k Friends spent its time reading table rows and JSON lists for Friends the
radius, skill or language test then dropped (docs/benchmarks.md). The bit sets and a partial
index holding every column the test needs let the database decide from the index alone.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from backend.domain.bitsets import language_bits, skill_bits

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _as_list(value: object) -> list[str]:
    # SQLite hands JSON columns back as text through a plain text() query.
    if isinstance(value, str):
        value = json.loads(value)
    return [str(v) for v in value] if isinstance(value, list) else []


def upgrade() -> None:
    with op.batch_alter_table("friends") as batch:
        batch.add_column(sa.Column("skill_bits", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("language_bits", sa.Integer(), nullable=False, server_default="0")
        )
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, skills, languages FROM friends")).all()
    for friend_id, skills, languages in rows:
        connection.execute(
            sa.text("UPDATE friends SET skill_bits = :s, language_bits = :l WHERE id = :id"),
            {
                "s": skill_bits(_as_list(skills)),
                "l": language_bits(_as_list(languages)),
                "id": friend_id,
            },
        )
    op.drop_index("ix_friends_active_band_lon", table_name="friends")
    op.create_index(
        "ix_friends_active_match",
        "friends",
        [
            "lat_band",
            "longitude",
            "latitude",
            "radius_km",
            "skill_bits",
            "language_bits",
            "online",
        ],
        unique=False,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )


def downgrade() -> None:
    op.drop_index("ix_friends_active_match", table_name="friends")
    op.create_index(
        "ix_friends_active_band_lon",
        "friends",
        ["lat_band", "longitude"],
        unique=False,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )
    with op.batch_alter_table("friends") as batch:
        batch.drop_column("language_bits")
        batch.drop_column("skill_bits")
