"""plant_events.jobs_basis: whether a jobs-at-risk figure is the workforce or a cut (issue 18).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration: events saved before it read as workforce figures."""
    with op.batch_alter_table("plant_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("jobs_basis", sa.Text(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("plant_events", schema=None) as batch_op:
        batch_op.drop_column("jobs_basis")
