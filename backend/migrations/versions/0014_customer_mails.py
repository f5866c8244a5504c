"""customer_mails: e-mails to customers (news and booking), stored with the change, then sent

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mail_id", sa.String(length=32), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mail_id"),
    )
    with op.batch_alter_table("customer_mails", schema=None) as batch_op:
        batch_op.create_index("ix_customer_mails_due", ["status", "next_attempt_at"])
        batch_op.create_index(batch_op.f("ix_customer_mails_job_id"), ["job_id"])


def downgrade() -> None:
    with op.batch_alter_table("customer_mails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_mails_job_id"))
        batch_op.drop_index("ix_customer_mails_due")
    op.drop_table("customer_mails")
