"""national_series.measured_on: the day a published figure measures (e.g. 31 March).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("national_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("measured_on", sa.Text(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("national_series", schema=None) as batch_op:
        batch_op.drop_column("measured_on")
