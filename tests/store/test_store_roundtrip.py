"""Export then import into a fresh database: the same rows and the same as-of answers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from store_helpers import embedded_row

from railgap import analysis
from railgap.store import open_engine, revisions
from railgap.store.adding import add_row
from railgap.store.engine import dispose
from railgap.store.export import export_dataset
from railgap.store.formats import read_import
from railgap.store.location import normalise_url
from railgap.store.reading import read_dataset


def test_the_embedded_rows_hash_alike_from_csv_and_from_a_database(db_url: str) -> None:
    stored = read_dataset(open_engine(db_url))
    embedded = analysis.get_dataset()
    assert stored.digest == embedded.digest
    for date in ("2019-06-01", "2024-01-15"):
        assert analysis.outlook(date, data=stored).attrs["dataset_hash"] == embedded.digest


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "datapackage"])
def test_export_imports_into_a_fresh_database_with_the_same_answers(
    db_url: str, tmp_path: Path, fmt: str
) -> None:
    engine = open_engine(db_url)
    order = embedded_row("orders")["order_id"]
    add_row(
        engine,
        "orders",
        {"order_id": order, "units": "1", "source": "https://example.org/c"},
        "ana",
        today=dt.date(2023, 6, 1),
    )
    source = read_dataset(engine)
    target = tmp_path / ("book.xlsx" if fmt == "xlsx" else "out")
    export_dataset(source, fmt, target, "test")
    fresh = normalise_url(str(tmp_path / "fresh.sqlite"))
    result = revisions.write(open_engine(fresh), read_import(target), "importer")
    assert result.added == {"orders": 1}
    copy = read_dataset(open_engine(fresh))
    assert copy.digest == source.digest
    for date in ("2023-05-31", "2023-06-01"):
        expected = analysis.outlook(date, data=source)
        got = analysis.outlook(date, data=copy)
        pd.testing.assert_frame_equal(got, expected)
    dispose(fresh)


def test_datapackage_describes_tables_licences_and_sources(tmp_path: Path) -> None:
    dataset = analysis.get_dataset()
    export_dataset(dataset, "datapackage", tmp_path / "pkg", "embedded")
    package = json.loads((tmp_path / "pkg" / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert "MIT" in package["description"]
    names = [r["name"] for r in package["resources"]]
    assert names == list(dataset.tables)
    orders = package["resources"][names.index("orders")]
    fields = {f["name"]: f for f in orders["schema"]["fields"]}
    assert fields["units"]["type"] == "integer"
    assert fields["source"]["format"] == "uri"
    assert fields["source"]["constraints"]["required"] is True
    assert orders["schema"]["primaryKey"] == ["order_id", "known_from"]
    urls = {s["path"] for s in orders["sources"]}
    assert urls == set(dataset["orders"]["source"])
    for resource in package["resources"]:
        assert (tmp_path / "pkg" / resource["path"]).is_file()
