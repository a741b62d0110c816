"""Imports: checked in full, written in one transaction, idempotent, never half-written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from store_helpers import embedded_row, snapshot, write_csv

from railgap import analysis
from railgap.dataset.errors import DataError
from railgap.store import open_engine, revisions
from railgap.store.formats import read_import
from railgap.store.history import history
from railgap.store.reading import read_dataset


def _import(path: Path, url: str, by: str = "tester") -> revisions.WriteResult:
    return revisions.write(open_engine(url), read_import(path), by)


def _correction() -> dict[str, str]:
    row = embedded_row("orders")
    return {
        **row,
        "units": str(int(row["units"]) + 1),
        "known_from": "2025-03-01",
        "source": "https://example.org/correction",
        "notes": "test correction",
    }


def test_new_database_holds_the_embedded_dataset(db_url: str) -> None:
    stored = read_dataset(open_engine(db_url))
    embedded = analysis.get_dataset()
    for table, frame in embedded.tables.items():
        assert len(stored[table]) == len(frame)


def test_import_adds_revisions_once(db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in" / "orders.csv", [_correction()])
    result = _import(path.parent, db_url)
    assert result.added == {"orders": 1}
    before = snapshot(db_url)
    again = _import(path.parent, db_url)
    assert again.added == {}
    assert again.unchanged == 1
    assert snapshot(db_url) == before


def test_embedded_folder_import_is_a_no_op(db_url: str) -> None:
    from railgap.dataset.schema import data_dir

    open_engine(db_url)
    read_dataset(open_engine(db_url))
    before = snapshot(db_url)
    result = _import(data_dir(), db_url)
    assert result.added == {}
    assert result.unchanged == sum(len(f) for f in analysis.get_dataset().tables.values())
    assert snapshot(db_url) == before


def test_correction_is_a_new_revision_seen_from_its_date(db_url: str, tmp_path: Path) -> None:
    row = _correction()
    _import(write_csv(tmp_path / "orders.csv", [row]), db_url)
    revisions_ = history(open_engine(db_url), "orders", [row["order_id"]])
    assert list(revisions_["known_from"])[-1] == "2025-03-01"
    assert list(revisions_["origin"])[-1] == "user"
    assert list(revisions_["recorded_by"])[-1] == "tester"
    assert set(revisions_["origin"][:-1]) == {"embedded"}
    dataset = read_dataset(open_engine(db_url))
    from railgap.dataset import as_of

    key = dataset["orders"]["order_id"] == row["order_id"]
    assert int(dataset["orders"][key]["units"].iloc[-1]) == int(row["units"])
    before = as_of(dataset, dt.date(2025, 2, 28), ("orders",))["orders"]
    after = as_of(dataset, dt.date(2025, 3, 1), ("orders",))["orders"]
    units = int(embedded_row("orders")["units"])
    assert int(before[before["order_id"] == row["order_id"]]["units"].iloc[0]) == units
    assert int(after[after["order_id"] == row["order_id"]]["units"].iloc[0]) == units + 1


def _refused(db_url: str, path: Path) -> DataError:
    read_dataset(open_engine(db_url))
    before = snapshot(db_url)
    with pytest.raises(DataError) as caught:
        _import(path, db_url)
    assert snapshot(db_url) == before
    return caught.value


def test_overwrite_of_a_stored_revision_is_refused(db_url: str, tmp_path: Path) -> None:
    row = {**embedded_row("orders"), "units": "999"}
    error = _refused(db_url, write_csv(tmp_path / "orders.csv", [row]))
    problem = error.problems[0]
    assert (problem.file, problem.line, problem.column) == ("orders.csv", 2, "units")
    assert "later known_from" in problem.message


def test_bad_cell_names_file_line_and_column(db_url: str, tmp_path: Path) -> None:
    good = _correction()
    bad = {**_correction(), "known_from": "2025-04-01", "units": "many"}
    error = _refused(db_url, write_csv(tmp_path / "in" / "orders.csv", [good, bad]).parent)
    assert [str(p) for p in error.problems] == ["orders.csv:3: units: 'many' is not a whole number"]


def test_reference_to_nothing_is_refused(db_url: str, tmp_path: Path) -> None:
    row = {**_correction(), "manufacturer_id": "no-such-maker"}
    error = _refused(db_url, write_csv(tmp_path / "orders.csv", [row]))
    assert error.problems[0].column == "manufacturer_id"
    assert "is not a manufacturer_id in manufacturers" in error.problems[0].message


def test_reference_to_a_row_in_the_same_import_is_accepted(db_url: str, tmp_path: Path) -> None:
    maker = {
        **embedded_row("manufacturers"),
        "manufacturer_id": "newco",
        "known_from": "2025-01-01",
    }
    order = {**_correction(), "order_id": "newco-order", "manufacturer_id": "newco"}
    write_csv(tmp_path / "in" / "manufacturers.csv", [maker])
    write_csv(tmp_path / "in" / "orders.csv", [order])
    assert _import(tmp_path / "in", db_url).added == {"manufacturers": 1, "orders": 1}


def test_duplicate_identity_in_one_import_is_refused(db_url: str, tmp_path: Path) -> None:
    row = _correction()
    error = _refused(db_url, write_csv(tmp_path / "orders.csv", [row, {**row, "units": "1"}]))
    assert str(error.problems[0]).startswith("orders.csv:3: known_from: repeats line 2")


def test_unknown_table_file_is_refused(db_url: str, tmp_path: Path) -> None:
    write_csv(tmp_path / "in" / "ordres.csv", [_correction()])
    error = _refused(db_url, tmp_path / "in")
    assert "ordres.csv: is not a table" in str(error.problems[0])


def test_bad_workbook_cell_names_sheet_row_and_column(db_url: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "orders"
    row = _correction()
    sheet.append(list(row))
    sheet.append(list(row.values()))
    sheet.append([*list({**row, "known_from": "2025-13-01"}.values())])
    book.save(tmp_path / "book.xlsx")
    error = _refused(db_url, tmp_path / "book.xlsx")
    assert [(p.file, p.line, p.column) for p in error.problems] == [
        ("book.xlsx[orders]", 3, "known_from")
    ]


def test_datapackage_may_not_point_outside_its_folder(db_url: str, tmp_path: Path) -> None:
    import json

    write_csv(tmp_path / "orders.csv", [_correction()])
    package = tmp_path / "pkg"
    package.mkdir()
    resources = [{"name": "orders", "path": "../orders.csv"}]
    (package / "datapackage.json").write_text(json.dumps({"resources": resources}))
    error = _refused(db_url, package)
    assert error.problems[0].column == "path"
    assert "inside the package folder" in error.problems[0].message
