"""plant_staff.kind: what a headcount counts (factory, target, site, company; issue 18).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration: rows saved before it read as factory headcounts."""
    with op.batch_alter_table("plant_staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.Text(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("plant_staff", schema=None) as batch_op:
        batch_op.drop_column("kind")
