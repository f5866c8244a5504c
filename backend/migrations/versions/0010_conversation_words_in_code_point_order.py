"""conversation_words.word in code-point order ("C" collation) on PostgreSQL

The console's word-prefix search reads a range of the index that only code-point order keeps
together; a database created with a language's collation missed words ending in "z".

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "conversation_words",
            "word",
            type_=sa.String(40, collation="C"),
            existing_type=sa.String(40),
            existing_nullable=False,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "conversation_words",
            "word",
            type_=sa.String(40),
            existing_type=sa.String(40, collation="C"),
            existing_nullable=False,
        )
