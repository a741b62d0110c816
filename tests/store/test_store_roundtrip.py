"""Export then import into a fresh database: the same rows and the same as-of answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from store_helpers import embedded_row

from railgap import analysis
from railgap.dataset.schema import schema
from railgap.dataset.values import FORMULA_STARTS, safe_cell, unsafe_cell
from railgap.store import open_engine, revisions
from railgap.store.adding import add_row
from railgap.store.engine import dispose
from railgap.store.export import csv_text, export_dataset
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


FORMULAS = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "'quoted", "''twice", "'=marked"]


def test_csv_export_marks_formulas_and_import_gives_the_text_back(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_engine(db_url)
    orders = list(dict.fromkeys(analysis.get_dataset()["orders"]["order_id"]))[: len(FORMULAS)]
    for order, notes in zip(orders, FORMULAS, strict=True):
        add_row(
            engine,
            "orders",
            {"order_id": order, "notes": notes, "source": "https://example.org/n"},
            "ana",
            today=dt.date(2023, 6, 1),
        )
    source = read_dataset(engine)
    export_dataset(source, "csv", tmp_path / "out", "test")
    with (tmp_path / "out" / "orders.csv").open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    for notes in FORMULAS:
        # Every such cell starts with a quote mark; one is added where reading back would
        # otherwise be ambiguous or a spreadsheet would run it ('quoted is left as written).
        marked = notes if notes == "'quoted" else "'" + notes
        assert marked in cells
        assert marked.startswith("'")
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    fresh = normalise_url(str(tmp_path / "fresh.sqlite"))
    revisions.write(open_engine(fresh), read_import(tmp_path / "out"), "importer")
    copy = read_dataset(open_engine(fresh))
    assert copy.digest == source.digest
    stored = copy["orders"]
    for order, notes in zip(orders, FORMULAS, strict=True):
        assert stored[stored["order_id"] == order]["notes"].iloc[-1] == notes
    dispose(fresh)


def test_only_text_cells_are_marked_and_the_mark_comes_off_exactly() -> None:
    for value in [*FORMULAS, "-3", "\tx", "@a", "plain", "'", "", "'80s'"]:
        assert unsafe_cell(safe_cell(value)) == value
    assert safe_cell("'quoted") == "'quoted"  # no formula: left as written, read as written
    assert unsafe_cell("'Their long hold'") == "'Their long hold'"
    assert safe_cell(-3) == -3
    assert safe_cell(-2.5) == -2.5
    dataset = analysis.get_dataset()
    numbers = [c.name for c in schema("orders").columns if c.base_type in ("int", "float")]
    frame = dataset["orders"].copy()
    frame.loc[frame.index[0], numbers[0]] = -3
    text = csv_text(replace(dataset, tables={**dataset.tables, "orders": frame}), "orders")
    row = next(r for r in csv.DictReader(io.StringIO(text)))
    assert row[numbers[0]] == "-3"
