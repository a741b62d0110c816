"""plants.build_rate_vehicles_per_month: a plant's sourced sustained rate (issue 18).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("plants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("build_rate_vehicles_per_month", sa.Float(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("plants", schema=None) as batch_op:
        batch_op.drop_column("build_rate_vehicles_per_month")
