"""job status 'claimed' is now 'assigned' (the word the API, the bot and the console use);
inbox events get a lease so two backend processes never handle one event twice

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE jobs SET status = 'assigned' WHERE status = 'claimed'")
    with op.batch_alter_table("inbox_events") as batch:
        batch.add_column(sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox_events") as batch:
        batch.drop_column("leased_until")
    op.execute("UPDATE jobs SET status = 'claimed' WHERE status = 'assigned'")
