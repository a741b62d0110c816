"""plants.short_name: the plant's own name shortened, for charts and phone tables (issue 15).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration: rows saved before it have no short name (the town is shown)."""
    with op.batch_alter_table("plants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_name", sa.Text(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("plants", schema=None) as batch_op:
        batch_op.drop_column("short_name")
