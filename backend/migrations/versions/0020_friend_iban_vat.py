"""friends: iban and VAT status per country (issue 18: invoices carry the Friend's VAT status,
payouts go to the Friend's IBAN)

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN (SQLite 3.35+), not batch mode: rebuilding friends on SQLite would drop
# the friend_reach triggers (migration 0011).
def upgrade() -> None:
    op.add_column("friends", sa.Column("iban", sa.String(length=34), server_default="", nullable=False))
    op.add_column("friends", sa.Column("vat", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    op.drop_column("friends", "vat")
    op.drop_column("friends", "iban")
