"""friends.lat_band and a partial index (lat_band, longitude) for active Friends

Matching at 100k Friends read a whole latitude strip through ix_friends_lat_lon; with bands the
index answers "band IN (…) AND longitude BETWEEN …" with a few short range scans.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 08:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from backend.domain.geo import lat_band

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("friends") as batch:
        batch.add_column(sa.Column("lat_band", sa.Integer(), nullable=True))
    connection = op.get_bind()
    # Filled in Python: SQLite's floor() is not compiled into every build.
    rows = connection.execute(sa.text("SELECT id, latitude FROM friends")).all()
    for friend_id, latitude in rows:
        connection.execute(
            sa.text("UPDATE friends SET lat_band = :band WHERE id = :id"),
            {"band": lat_band(float(latitude)), "id": friend_id},
        )
    op.create_index(
        "ix_friends_active_band_lon",
        "friends",
        ["lat_band", "longitude"],
        unique=False,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )


def downgrade() -> None:
    op.drop_index("ix_friends_active_band_lon", table_name="friends")
    with op.batch_alter_table("friends") as batch:
        batch.drop_column("lat_band")
