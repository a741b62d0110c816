"""Read a dataset to import from a CSV folder or file, an Excel workbook, or a data package.

Every format becomes the same thing: for each table found, its rows validated against the
table's schema by ``railgap.dataset.read_cells`` (the CSV loader's own checks), each row
knowing where it came from (``orders.csv`` line 12, ``book.xlsx[orders]`` row 12). Nothing
touches a database here; :func:`read_import` raises ``DataError`` with every problem found.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from railgap.dataset.errors import DataError, Problem
from railgap.dataset.reading import decode, read_cells, read_rows
from railgap.dataset.schema import TABLES, schema
from railgap.store import manifest

#: The largest file an import reads (a hostile file must not exhaust memory).
MAX_FILE_BYTES = 100_000_000
#: A workbook's largest unpacked size (bytes, summed over its zip members, as declared:
#: reading a member stops at its declared size), checked before openpyxl opens it.
MAX_WORKBOOK_UNPACKED_BYTES = 300_000_000
#: Most rows one sheet may have (the whole embedded dataset has under 30,000 in all).
MAX_SHEET_ROWS = 200_000
#: Most columns a sheet may have (no table has more than a few dozen).
MAX_SHEET_COLUMNS = 200
#: Most cells read from one workbook, all sheets together.
MAX_WORKBOOK_CELLS = 5_000_000
#: Workbook sheets whose name starts with this are notes, not tables (e.g. ``_about``).
NOTE_SHEET_PREFIX = "_"


@dataclass(frozen=True)
class TableRows:
    """One table's validated rows from an import, and where they were read."""

    table: str
    where: str
    rows: list[dict[str, Any]]


def read_import(path: Path) -> dict[str, TableRows]:
    """Read and validate everything at ``path``; raise ``DataError`` listing every problem.

    ``path`` is a folder of ``<table>.csv`` files (``*.schema.csv`` ignored), one
    ``<table>.csv`` file, an ``.xlsx`` workbook with one sheet per table, or a Frictionless
    data package (``datapackage.json`` or the folder holding it). Tables may be left out.
    """
    problems: list[Problem] = []
    folder = path if path.is_dir() else path.parent if path.name == "datapackage.json" else None
    if folder is not None:
        if ".partial-" in folder.name:
            raise DataError(
                [Problem(str(path), None, None, "is an export that did not finish: export again")]
            )
        # An export's manifest: a folder copied in part or cut short is refused whole.
        wrong = manifest.check(folder)
        if wrong:
            raise DataError(wrong)
    if path.is_dir() and (path / "datapackage.json").is_file():
        found = _read_datapackage(path / "datapackage.json", problems)
    elif path.is_file() and path.name == "datapackage.json":
        found = _read_datapackage(path, problems)
    elif path.is_dir():
        found = _read_csv_folder(path, problems)
    elif path.is_file() and path.suffix.lower() == ".csv":
        found = _read_csv_files([path], problems)
    elif path.is_file() and path.suffix.lower() == ".xlsx":
        found = _read_workbook(path, problems)
    elif not path.exists():
        raise DataError([Problem(str(path), None, None, "does not exist")])
    else:
        raise DataError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    "is not a folder of CSVs, a .csv file, an .xlsx workbook or a datapackage.json",
                )
            ]
        )
    if problems:
        raise DataError(problems)
    if not found:
        raise DataError([Problem(str(path), None, None, "holds no dataset table")])
    return found


def _table_of(name: str, where: str, problems: list[Problem]) -> str | None:
    if name in TABLES:
        return name
    problems.append(Problem(where, None, None, f"is not a table (tables: {', '.join(TABLES)})"))
    return None


def _read_text(path: Path, shown: str, problems: list[Problem]) -> str | None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.append(Problem(shown, None, None, f"cannot be read: {exc.strerror}"))
        return None
    if size > MAX_FILE_BYTES:
        problems.append(Problem(shown, None, None, f"is larger than {MAX_FILE_BYTES} bytes"))
        return None
    try:
        return decode(Path(shown), path.read_bytes())
    except DataError as exc:
        problems += exc.problems
        return None


def _read_csv(path: Path, table: str, shown: str, problems: list[Problem]) -> TableRows | None:
    text = _read_text(path, shown, problems)
    if text is None:
        return None
    rows, found = read_rows(Path(shown), schema(table), text)
    problems += found
    return TableRows(table, shown, rows) if not found else None


def _read_csv_files(files: list[Path], problems: list[Problem]) -> dict[str, TableRows]:
    found: dict[str, TableRows] = {}
    for file in files:
        table = _table_of(file.stem, file.name, problems)
        if table is None:
            continue
        rows = _read_csv(file, table, file.name, problems)
        if rows is not None:
            found[table] = rows
    return found


def _read_csv_folder(folder: Path, problems: list[Problem]) -> dict[str, TableRows]:
    files = sorted(
        (p for p in folder.iterdir() if p.suffix.lower() == ".csv"),
        key=lambda p: TABLES.index(p.stem) if p.stem in TABLES else len(TABLES),
    )
    return _read_csv_files([p for p in files if not p.name.endswith(".schema.csv")], problems)


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold (exports write every cell as text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _unpacked_problem(path: Path) -> str | None:
    """Why the workbook's zip is refused before openpyxl reads it, or ``None``."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return f"is not a readable .xlsx workbook: {exc}"
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        return (
            f"unpacks to {unpacked:,} bytes, more than the {MAX_WORKBOOK_UNPACKED_BYTES:,} "
            "an import reads: split it, or export the data as CSV"
        )
    return None


def _bounded(rows: Iterable[tuple[Any, ...]], shown: str, budget: list[int]) -> Iterator[Any]:
    """Rows of a sheet until the row or cell limits are met; then raise ``DataError``."""
    for number, row in enumerate(rows, start=1):
        budget[0] -= len(row)
        if number > MAX_SHEET_ROWS or budget[0] < 0:
            limit = (
                f"more than {MAX_SHEET_ROWS:,} rows"
                if number > MAX_SHEET_ROWS
                else f"more than {MAX_WORKBOOK_CELLS:,} cells in the workbook"
            )
            raise DataError([Problem(shown, number, None, f"has {limit}: refused unread")])
        yield row


def _read_workbook(path: Path, problems: list[Problem]) -> dict[str, TableRows]:
    from openpyxl import load_workbook

    if path.stat().st_size > MAX_FILE_BYTES:
        problems.append(Problem(path.name, None, None, f"is larger than {MAX_FILE_BYTES} bytes"))
        return {}
    refused = _unpacked_problem(path)
    if refused is not None:
        problems.append(Problem(path.name, None, None, refused))
        return {}
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        problems.append(Problem(path.name, None, None, f"is not a readable .xlsx workbook: {exc}"))
        return {}
    found: dict[str, TableRows] = {}
    budget = [MAX_WORKBOOK_CELLS]
    try:
        for sheet in book.worksheets:
            if sheet.title.startswith(NOTE_SHEET_PREFIX):
                continue
            shown = f"{path.name}[{sheet.title}]"
            table = _table_of(sheet.title, shown, problems)
            if table is None:
                continue
            # The sheet's stated size first (a tiny file can claim a million rows).
            if (sheet.max_row or 0) > MAX_SHEET_ROWS or (sheet.max_column or 0) > MAX_SHEET_COLUMNS:
                problems.append(
                    Problem(
                        shown,
                        None,
                        None,
                        f"spans {sheet.max_row:,} rows by {sheet.max_column:,} columns, more "
                        f"than the {MAX_SHEET_ROWS:,} by {MAX_SHEET_COLUMNS} an import reads",
                    )
                )
                continue
            cells = _bounded(
                sheet.iter_rows(values_only=True, max_col=MAX_SHEET_COLUMNS), shown, budget
            )
            header_row = next(cells, None)
            if header_row is None:
                problems.append(Problem(shown, 1, None, "is empty (expected a header row)"))
                continue
            header = [_cell_text(v) for v in header_row]
            while header and not header[-1]:
                header.pop()
            numbered = (
                (number, [_cell_text(v) for v in row][: len(header)])
                for number, row in enumerate(cells, start=2)
            )
            try:
                rows, bad = read_cells(shown, schema(table), header, _padded(numbered, len(header)))
            except DataError as exc:
                problems += exc.problems
                continue
            problems += bad
            if not bad:
                found[table] = TableRows(table, shown, rows)
    finally:
        book.close()
    return found


def _padded(rows: Iterable[tuple[int, list[str]]], width: int) -> Iterator[tuple[int, list[str]]]:
    """Short sheet rows (trailing empty cells) padded to the header's width."""
    for number, cells in rows:
        yield number, cells + [""] * (width - len(cells))


def _read_datapackage(descriptor: Path, problems: list[Problem]) -> dict[str, TableRows]:
    shown = descriptor.name
    text = _read_text(descriptor, shown, problems)
    if text is None:
        return {}
    try:
        package = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(Problem(shown, exc.lineno, None, f"is not valid JSON: {exc.msg}"))
        return {}
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        problems.append(Problem(shown, None, "resources", "must be a list of tables"))
        return {}
    root = descriptor.parent.resolve()
    found: dict[str, TableRows] = {}
    for number, resource in enumerate(resources, start=1):
        where = f"{shown} resources[{number}]"
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            problems.append(Problem(where, None, "path", "must name the table's CSV file"))
            continue
        table = _table_of(
            str(resource.get("name", "")), f"{where} ({resource.get('name')})", problems
        )
        file = (root / resource["path"]).resolve()
        if not file.is_relative_to(root):
            problems.append(Problem(where, None, "path", "must stay inside the package folder"))
            continue
        if table is None:
            continue
        if not file.is_file():
            problems.append(Problem(resource["path"], None, None, "is missing from the package"))
            continue
        rows = _read_csv(file, table, resource["path"], problems)
        if rows is not None:
            found[table] = rows
    return found
