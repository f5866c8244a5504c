"""Friends by chat: phone, online flag, daily check-in, sign-up conversations, vetting quiz attempts

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("friends") as batch:
        batch.add_column(
            sa.Column("online", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(
            sa.Column("phone", sa.String(length=20), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "friend_conversations",
        sa.Column("psid", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("psid"),
    )
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("friend_id", sa.Integer(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["friend_id"], ["friends.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_quiz_attempts_friend_id", "quiz_attempts", ["friend_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_quiz_attempts_friend_id", table_name="quiz_attempts")
    op.drop_table("quiz_attempts")
    op.drop_table("friend_conversations")
    with op.batch_alter_table("friends") as batch:
        batch.drop_column("checked_in_at")
        batch.drop_column("phone")
        batch.drop_column("online")
