"""channels: a customer is (channel, channel_id); jobs and notices carry their channel; a
status-page token per job; the customer's optional e-mail address

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# SQLite's unique constraint on customers.psid has no name; batch mode names it by this.
_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_unique() -> str:
    return "customers_psid_key" if op.get_bind().dialect.name == "postgresql" else "uq_customers_psid"


def upgrade() -> None:
    with op.batch_alter_table("customers", naming_convention=_NAMES) as batch_op:
        batch_op.drop_constraint(_old_unique(), type_="unique")
        batch_op.alter_column("psid", new_column_name="channel_id", existing_type=sa.String(64))
        batch_op.add_column(
            sa.Column("channel", sa.String(length=20), server_default="messenger", nullable=False)
        )
        batch_op.add_column(
            sa.Column("email", sa.String(length=254), server_default="", nullable=False)
        )
    # A second pass: in the first, SQLite's table copy would lose a constraint on new columns.
    with op.batch_alter_table("customers") as batch_op:
        batch_op.create_unique_constraint("uq_customers_channel_id", ["channel", "channel_id"])
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=20), server_default="messenger", nullable=False)
        )
        batch_op.add_column(sa.Column("status_token", sa.String(length=64), nullable=True))
    jobs = sa.table("jobs", sa.column("id", sa.Integer), sa.column("status_token", sa.String))
    bind = op.get_bind()
    for (job_id,) in bind.execute(sa.select(jobs.c.id)).all():
        bind.execute(
            jobs.update().where(jobs.c.id == job_id).values(status_token=secrets.token_urlsafe(24))
        )
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.create_unique_constraint("uq_jobs_status_token", ["status_token"])
    with op.batch_alter_table("customer_notices") as batch_op:
        batch_op.alter_column(
            "psid", new_column_name="conversation_id", existing_type=sa.String(64)
        )
        batch_op.add_column(
            sa.Column("channel", sa.String(length=20), server_default="messenger", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("customer_notices") as batch_op:
        batch_op.drop_column("channel")
        batch_op.alter_column(
            "conversation_id", new_column_name="psid", existing_type=sa.String(64)
        )
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_constraint("uq_jobs_status_token", type_="unique")
        batch_op.drop_column("status_token")
        batch_op.drop_column("channel")
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_constraint("uq_customers_channel_id", type_="unique")
        batch_op.drop_column("email")
        batch_op.drop_column("channel")
        batch_op.alter_column("channel_id", new_column_name="psid", existing_type=sa.String(64))
    # A second pass, as in upgrade: in the first, SQLite's table copy lost the new constraint
    # on the renamed column, and the next upgrade found none to drop.
    with op.batch_alter_table("customers") as batch_op:
        batch_op.create_unique_constraint(_old_unique(), ["psid"])
