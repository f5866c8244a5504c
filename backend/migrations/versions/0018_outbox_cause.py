"""outbox: the inbound event that caused a message, so handling it again queues nothing twice

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cause", sa.String(length=80), nullable=True))
        batch_op.create_index("uq_outbox_cause", ["cause"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("uq_outbox_cause")
        batch_op.drop_column("cause")
