"""The plant_events table: dated public statements and facts about plants' work (backtest).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "plant_events",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("plant_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("stated", sa.Text(), nullable=False),
        sa.Column("period_from", sa.Text(), nullable=False),
        sa.Column("period_to", sa.Text(), nullable=False),
        sa.Column("precision", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("value_of", sa.Float(), nullable=True),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.Column("engine_input", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("known_from", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("known_by", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_plant_events")),
        sa.UniqueConstraint(
            "event_id", "known_from", name=op.f("uq_plant_events_event_id_known_from")
        ),
    )
    with op.batch_alter_table("plant_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plant_events_event_id_known_by"), ["event_id", "known_by"], unique=False
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("plant_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plant_events_event_id_known_by"))
    op.drop_table("plant_events")
