"""The embedded dataset: valid against its schemas, sourced, and plausible."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd

import railgap
from railgap.dataset import load_dataset
from railgap.dataset.schema import TABLES, data_dir, schema


def test_every_table_matches_its_schema_header():
    for table in TABLES:
        with (data_dir() / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == schema(table).names, table


def test_every_row_has_a_source_url_and_known_from():
    dataset = load_dataset()
    for table in TABLES:
        frame = dataset[table]
        assert frame["source"].str.match(r"^https?://").all(), table
        assert frame["known_from"].notna().all(), table


def test_no_row_is_known_before_it_could_be(tmp_path):
    """No known_from lies in the future of the dataset's own making."""
    dataset = load_dataset()
    for table in TABLES:
        assert (dataset[table]["_known_by"] <= pd.Timestamp("2026-11-30")).all(), table


def test_gb_plants_have_plausible_books_in_january_2024():
    frame = railgap.outlook("2024-01-15").set_index("plant_id")
    # Derby: the last Aventras (SWR 701, WMR 730) were still being built; HS2 to come.
    assert frame.loc["alstom_derby", "backlog_units"] > 0
    # Goole: the Piccadilly line trains were about to start there.
    assert frame.loc["siemens_goole", "backlog_by_class"]
    # CAF Newport: Class 197 for Transport for Wales and LNER's Class 897.
    assert "897" in frame.loc["caf_newport", "backlog_by_class"]


def test_outlook_today_runs_on_the_embedded_dataset():
    frame = railgap.outlook(dt.date(2026, 11, 25))
    assert frame.attrs["as_of"] == "2026-11-25"
    assert (frame["backlog_units"] >= 0).all()


def test_docs_data_page_matches_the_schemas():
    from pathlib import Path

    from railgap.dataset.schema import schema_markdown

    page = Path(__file__).parents[1] / "docs" / "data.md"
    assert page.read_text(encoding="utf-8") == schema_markdown(), (
        "docs/data.md is stale: regenerate it with railgap.dataset.schema.schema_markdown()"
    )


def test_validation_page_table_matches_the_data():
    from pathlib import Path

    from railgap.analysis import get_assumptions, get_dataset
    from railgap.fleets.validation import document_table, validation_markdown

    page = Path(__file__).parents[1] / "docs" / "validation.md"
    expected = validation_markdown(get_dataset(), get_assumptions())
    stale = (
        "docs/validation.md is stale: regenerate with railgap.fleets.validation.write_document()"
    )
    assert document_table(page.read_text(encoding="utf-8")) == expected, stale


def test_backcast_tracks_the_recent_official_series():
    """Where the published series are precise and in scope, the model is close."""
    import datetime as dt

    from railgap.analysis import get_assumptions, get_dataset
    from railgap.fleets.validation import comparison

    frame = comparison(get_dataset(), get_assumptions(), dt.date(2026, 11, 25))
    recent_age = frame[(frame["measure"] == "average_age_years") & (frame["year"] >= 2021)]
    assert (recent_age["difference"].abs() <= 1.0).all()
    precise = frame[
        (frame["measure"] == "fleet_vehicles")
        & frame["year"].isin([2018, 2023])
        & (frame["published"] % 1000 != 0)
    ]
    assert len(precise) >= 2
    assert ((precise["difference"] / precise["published"]).abs() <= 0.05).all()
