"""plants.capacity_stages: the stages a stated capacity was measured on (issue 18).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration: rows saved before it read the plant's own stages."""
    with op.batch_alter_table("plants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capacity_stages", sa.Text(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("plants", schema=None) as batch_op:
        batch_op.drop_column("capacity_stages")
