"""Exports land whole or not at all and carry a manifest; imports refuse a half-written
folder and a workbook that would take minutes to read."""

from __future__ import annotations

import errno
import json
import re
import zipfile
from pathlib import Path

import pytest

from railgap import analysis
from railgap.dataset import Dataset
from railgap.dataset.errors import DataError
from railgap.dataset.schema import schema
from railgap.store import export as export_module
from railgap.store.export import ExportError, export_dataset
from railgap.store.formats import MAX_SHEET_ROWS, MAX_WORKBOOK_UNPACKED_BYTES, read_import
from railgap.store.manifest import MANIFEST
from railgap.testing import toy_nation


@pytest.fixture
def dataset(tmp_path: Path) -> Dataset:
    """The toy nation, read as a dataset."""
    return analysis.get_dataset(toy_nation(tmp_path / "toy"), None)


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".partial" in p.name]


def test_a_csv_export_carries_a_manifest_of_every_file(dataset: Dataset, tmp_path: Path):
    out = tmp_path / "out"
    files = export_dataset(dataset, "csv", out, "test")
    manifest = json.loads((out / MANIFEST).read_text())
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) | {MANIFEST} == {p.name for p in files}
    assert listed["orders.csv"]["rows"] == len(dataset["orders"])
    assert manifest["dataset_hash"] == dataset.digest
    assert all(re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for f in listed.values())
    assert _leftovers(tmp_path) == []
    assert set(read_import(out)) >= {"orders", "plants"}  # an intact export imports


def test_a_failed_export_leaves_nothing_behind(
    dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The disk fills after the first file: no folder at the path, no partial folder."""
    copies = []

    def copy_then_fill(source: Path, target: Path) -> None:
        if copies:
            raise OSError(errno.ENOSPC, "No space left on device")
        copies.append(target)
        Path(target).write_bytes(Path(source).read_bytes())

    monkeypatch.setattr(export_module.shutil, "copyfile", copy_then_fill)
    out = tmp_path / "out"
    with pytest.raises(ExportError, match="the disk is full: free some space"):
        export_dataset(dataset, "csv", out, "test")
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_an_export_cut_short_is_refused_on_import(dataset: Dataset, tmp_path: Path):
    out = tmp_path / "out"
    export_dataset(dataset, "datapackage", out, "test")
    orders = out / "orders.csv"
    lines = orders.read_text(encoding="utf-8").splitlines(keepends=True)
    orders.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    (out / "plants.csv").unlink()
    with pytest.raises(DataError) as caught:
        read_import(out)
    problems = {p.file: p.message for p in caught.value.problems}
    assert f"the export had {len(dataset['orders'])})" in problems["orders.csv"]
    assert "missing" in problems["plants.csv"]
    with pytest.raises(DataError, match="differs from the exported file"):
        read_import(out / "datapackage.json")


def test_an_unfinished_export_folder_is_refused(dataset: Dataset, tmp_path: Path):
    out = tmp_path / ".out.partial-abc"
    export_dataset(dataset, "csv", out, "test")
    with pytest.raises(DataError, match="did not finish"):
        read_import(out)


def _workbook(path: Path, far_cell: str) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "orders"
    sheet.append(schema("orders").names)
    sheet[far_cell] = "x"
    book.save(path)
    return path


def test_a_tiny_workbook_claiming_a_million_rows_is_refused(tmp_path: Path):
    book = _workbook(tmp_path / "tall.xlsx", "A1000000")
    assert book.stat().st_size < 10_000
    with pytest.raises(DataError, match=f"more than the {MAX_SHEET_ROWS:,} by"):
        read_import(book)
    wide = _workbook(tmp_path / "wide.xlsx", "XFD2")
    with pytest.raises(DataError, match="16,384 columns"):
        read_import(wide)


def test_a_workbook_that_hides_its_size_is_stopped_at_a_limit(tmp_path: Path):
    """Without a stated size, reading stops at the row or cell limit instead of running on."""
    book = _workbook(tmp_path / "tall.xlsx", "A1000000")
    hidden = tmp_path / "hidden.xlsx"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(hidden, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            target.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
    with pytest.raises(DataError, match=r"has more than [0-9,]+ (rows|cells in the workbook)"):
        read_import(hidden)


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_opened(tmp_path: Path):
    bomb = tmp_path / "bomb.xlsx"
    zeros = bytes(1 << 20)
    with (
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z,
        z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(MAX_WORKBOOK_UNPACKED_BYTES // len(zeros) + 1):
            member.write(zeros)
    assert bomb.stat().st_size < 2_000_000
    with pytest.raises(DataError, match=r"unpacks to .* bytes, more than"):
        read_import(bomb)
