"""Dataset tables, saved scenarios, API tokens and store meta.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("lookup", sa.String(length=16), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_api_tokens")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_lookup"), ["lookup"], unique=False)

    op.create_table(
        "fleet_operators",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fleet_id", sa.Text(), nullable=False),
        sa.Column("operator", sa.Text(), nullable=False),
        sa.Column("from", sa.Text(), nullable=True),
        sa.Column("to", sa.Text(), nullable=True),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("known_from", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("known_by", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_fleet_operators")),
        sa.UniqueConstraint(
            "fleet_id",
            "operator",
            "from",
            "known_from",
            name=op.f("uq_fleet_operators_fleet_id_operator_from_known_from"),
        ),
    )
    with op.batch_alter_table("fleet_operators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fleet_operators_fleet_id_operator_from_known_by"),
            ["fleet_id", "operator", "from", "known_by"],
            unique=False,
        )

    op.create_table(
        "fleets",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fleet_id", sa.Text(), nullable=False),
        sa.Column("class", sa.Text(), nullable=False),
        sa.Column("subclass", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("traction", sa.Text(), nullable=False),
        sa.Column("segment", sa.Text(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("cars_per_unit", sa.Integer(), nullable=True),
        sa.Column("vehicles", sa.Integer(), nullable=True),
        sa.Column("built_from", sa.Integer(), nullable=True),
        sa.Column("built_to", sa.Integer(), nullable=True),
        sa.Column("manufacturer", sa.Text(), nullable=True),
        sa.Column("plant", sa.Text(), nullable=True),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.Column("actual_first_service", sa.Text(), nullable=True),
        sa.Column("actual_withdrawal_from", sa.Text(), nullable=True),
        sa.Column("actual_withdrawal_to", sa.Text(), nullable=True),
        sa.Column("withdrawal_planned", sa.Text(), nullable=True),
        sa.Column("units_in_service", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("known_from", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("known_by", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_fleets")),
        sa.UniqueConstraint("fleet_id", "known_from", name=op.f("uq_fleets_fleet_id_known_from")),
    )
    with op.batch_alter_table("fleets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fleets_fleet_id_known_by"), ["fleet_id", "known_by"], unique=False
        )

    op.create_table(
        "manufacturers",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("manufacturer_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("known_from", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("known_by", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_manufacturers")),
        sa.UniqueConstraint(
            "manufacturer_id",
            "known_from",
            name=op.f("uq_manufacturers_manufacturer_id_known_from"),
        ),
    )
    with op.batch_alter_table("manufacturers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_manufacturers_manufacturer_id_known_by"),
            ["manufacturer_id", "known_by"],
            unique=False,
        )

    op.create_table(
        "national_series",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("known_from", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("known_by", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_national_series")),
        sa.UniqueConstraint(
            "year",
            "measure",
            "scope",
            "known_from",
            name=op.f("uq_national_series_year_measure_scope_known_from"),
        ),
    )
    with op.batch_alter_table("national_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_national_series_year_measure_scope_known_by"),
            ["year", "measure", "scope", "known_by"],
            unique=False,
        )

    op.create_table(
        "orders",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("class", sa.Text(), nullable=False),
        sa.Column("parent_order_id", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("buyer", sa.Text(), nullable=True),
        sa.Column("operator", sa.Text(), nullable=True),
        sa.Column("financier", sa.Text(), nullable=True),
        sa.Column("manufacturer_id", sa.Text(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("cars_per_unit", sa.Integer(), nullable=False),
        sa.Column("signed", sa.Text(), nullable=True),
        sa.Column("value_gbp_m", sa.Float(), nullable=True),
        sa.Column("planned_first_delivery", sa.Text(), nullable=True),
        sa.Column("planned_last_delivery", sa.Text(), nullable=True),
        sa.Column("actual_first_delivery", sa.Text(), nullable=True),
        sa.Column("actual_last_delivery", sa.Text(), nullable=True),
        sa.Column("units_delivered", sa.Integer(), nullable=True),
        sa.Column("planned_entry_into_service", sa.Text(), nullable=True),
        sa.Column("actual_entry_into_service", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("known_from", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("known_by", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_orders")),
        sa.UniqueConstraint("order_id", "known_from", name=op.f("uq_orders_order_id_known_from")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_orders_order_id_known_by"), ["order_id", "known_by"], unique=False
        )

    op.create_table(
        "plant_staff",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plant_id", sa.Text(), nullable=False),
        sa.Column("date", sa.Text(), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("known_from", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("known_by", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_plant_staff")),
        sa.UniqueConstraint(
            "plant_id", "date", "known_from", name=op.f("uq_plant_staff_plant_id_date_known_from")
        ),
    )
    with op.batch_alter_table("plant_staff", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plant_staff_plant_id_date_known_by"),
            ["plant_id", "date", "known_by"],
            unique=False,
        )

    op.create_table(
        "plants",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plant_id", sa.Text(), nullable=False),
        sa.Column("manufacturer_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("town", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("opened", sa.Text(), nullable=True),
        sa.Column("closed", sa.Text(), nullable=True),
        sa.Column("stages", sa.Text(), nullable=True),
        sa.Column("capacity_vehicles_per_month", sa.Float(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("known_from", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("known_by", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_plants")),
        sa.UniqueConstraint("plant_id", "known_from", name=op.f("uq_plants_plant_id_known_from")),
    )
    with op.batch_alter_table("plants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plants_plant_id_known_by"), ["plant_id", "known_by"], unique=False
        )

    op.create_table(
        "saved_scenarios",
        sa.Column("scenario_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scenario_id", name=op.f("pk_saved_scenarios")),
    )
    op.create_table(
        "store_meta",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_store_meta")),
    )
    op.create_table(
        "tenders",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tender_id", sa.Text(), nullable=False),
        sa.Column("buyer", sa.Text(), nullable=False),
        sa.Column("operator", sa.Text(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("units_min", sa.Integer(), nullable=True),
        sa.Column("units_max", sa.Integer(), nullable=True),
        sa.Column("vehicles_min", sa.Integer(), nullable=True),
        sa.Column("vehicles_max", sa.Integer(), nullable=True),
        sa.Column("traction", sa.Text(), nullable=True),
        sa.Column("segment", sa.Text(), nullable=True),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("notice_date", sa.Text(), nullable=True),
        sa.Column("shortlist_date", sa.Text(), nullable=True),
        sa.Column("expected_award", sa.Text(), nullable=True),
        sa.Column("expected_first_delivery", sa.Text(), nullable=True),
        sa.Column("shortlisted_bidders", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("outcome_date", sa.Text(), nullable=True),
        sa.Column("outcome_order_id", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("known_from", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("known_by", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_tenders")),
        sa.UniqueConstraint(
            "tender_id", "known_from", name=op.f("uq_tenders_tender_id_known_from")
        ),
    )
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tenders_tender_id_known_by"), ["tender_id", "known_by"], unique=False
        )

    op.create_table(
        "work_packages",
        sa.Column("row_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("plant_id", sa.Text(), nullable=False),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("vehicles", sa.Integer(), nullable=True),
        sa.Column("build_start", sa.Text(), nullable=True),
        sa.Column("build_end", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("known_from", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("known_by", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_work_packages")),
        sa.UniqueConstraint(
            "order_id",
            "plant_id",
            "stage",
            "known_from",
            name=op.f("uq_work_packages_order_id_plant_id_stage_known_from"),
        ),
    )
    with op.batch_alter_table("work_packages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_packages_order_id_plant_id_stage_known_by"),
            ["order_id", "plant_id", "stage", "known_by"],
            unique=False,
        )


def downgrade() -> None:
    """Undo this migration."""
    with op.batch_alter_table("work_packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_packages_order_id_plant_id_stage_known_by"))

    op.drop_table("work_packages")
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tenders_tender_id_known_by"))

    op.drop_table("tenders")
    op.drop_table("store_meta")
    op.drop_table("saved_scenarios")
    with op.batch_alter_table("plants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plants_plant_id_known_by"))

    op.drop_table("plants")
    with op.batch_alter_table("plant_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plant_staff_plant_id_date_known_by"))

    op.drop_table("plant_staff")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_order_id_known_by"))

    op.drop_table("orders")
    with op.batch_alter_table("national_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_national_series_year_measure_scope_known_by"))

    op.drop_table("national_series")
    with op.batch_alter_table("manufacturers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_manufacturers_manufacturer_id_known_by"))

    op.drop_table("manufacturers")
    with op.batch_alter_table("fleets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fleets_fleet_id_known_by"))

    op.drop_table("fleets")
    with op.batch_alter_table("fleet_operators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fleet_operators_fleet_id_operator_from_known_by"))

    op.drop_table("fleet_operators")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_lookup"))

    op.drop_table("api_tokens")
