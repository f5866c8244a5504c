"""outbox: WhatsApp Friends' rows keep a template fallback, the wamid and its delivery status

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fallback", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("wa_message_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("wa_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("wa_status_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("wa_error", sa.Text(), server_default="", nullable=False))
        batch_op.create_index(batch_op.f("ix_outbox_wa_message_id"), ["wa_message_id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_wa_message_id"))
        batch_op.drop_column("wa_error")
        batch_op.drop_column("wa_status_at")
        batch_op.drop_column("wa_status")
        batch_op.drop_column("wa_message_id")
        batch_op.drop_column("fallback")
