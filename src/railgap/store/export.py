"""Write the whole dataset out as a CSV folder, an Excel workbook or a Frictionless data package.

Every row goes out with its ``source`` and ``known_from``, in the order it was recorded, as
text that reads back to the same values: an export imports into an empty database (or loads
with ``--data``) to give the same as-of answers.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from railgap._version import __version__
from railgap.dataset import Dataset, cell_text
from railgap.dataset.dates import PARTIAL_DATE
from railgap.dataset.errors import RailgapError
from railgap.dataset.schema import COUNTRY_PATTERN, ID_PATTERN, TABLES, Column, data_dir, schema
from railgap.dataset.values import safe_cell
from railgap.store import manifest

FORMATS = ("csv", "xlsx", "datapackage")
DATA_LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
ATTRIBUTION = "railgap dataset, railgap developers"


class ExportError(RailgapError):
    """An export cannot be written where asked."""


def table_rows(dataset: Dataset, table: str) -> list[list[str]]:
    """A table's rows as text cells in schema column order, in recorded order."""
    names = schema(table).names
    frame = dataset[table]
    columns = [frame[name].tolist() for name in names]
    return [[cell_text(v) for v in row] for row in zip(*columns, strict=True)]


def csv_text(dataset: Dataset, table: str) -> str:
    """One table as CSV text with a header line.

    Text cells go through :func:`railgap.dataset.values.safe_cell` (a ``'`` before text a
    spreadsheet would run as a formula); reading the file back takes that mark off again.
    """
    text = [c.base_type == "str" for c in schema(table).columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(schema(table).names)
    for cells in table_rows(dataset, table):
        writer.writerow(
            [
                safe_cell(cell) if is_text else cell
                for cell, is_text in zip(cells, text, strict=True)
            ]
        )
    return out.getvalue()


def _prepare(path: Path, is_file: bool) -> None:
    if path.exists() and (path.is_dir() if is_file else not path.is_dir()):
        kind = "a folder" if path.is_dir() else "a file"
        raise ExportError(f"{path} is {kind}; give a {'file' if is_file else 'folder'} path")
    if not is_file and path.is_dir() and any(path.iterdir()):
        raise ExportError(f"{path} is not empty; export into a new or empty folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _cannot_write(path: Path, exc: OSError) -> ExportError:
    what = {
        errno.ENOSPC: "the disk is full: free some space or export elsewhere",
        errno.EDQUOT: "the disk quota is used up: free some space or export elsewhere",
        errno.EROFS: "the location is read-only: export somewhere writable",
        errno.EACCES: "the location is not writable: export somewhere writable",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return ExportError(f"cannot write the export {path}: {what}; nothing was left behind")


def export_dataset(dataset: Dataset, fmt: str, path: Path, origin: str) -> list[Path]:
    """Write ``dataset`` in ``fmt`` (csv, xlsx or datapackage) at ``path``; return the files.

    ``origin`` names where the data came from (``embedded`` or a database URL) in the
    workbook's notes and the data package. A workbook is written to a temporary name and
    moved into place; a folder is written whole into a temporary folder beside ``path``,
    with a ``manifest.json`` (every file's rows and SHA-256) last, and renamed when
    complete. A failed export leaves nothing behind.
    """
    if fmt not in FORMATS:
        raise ExportError(f"format '{fmt}' is not one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        _prepare(path, is_file=True)
        try:
            _write_workbook(dataset, path, origin)
        except OSError as exc:
            path.with_name(path.name + ".partial").unlink(missing_ok=True)
            raise _cannot_write(path, exc) from None
        return [path]
    _prepare(path, is_file=False)
    try:
        partial = Path(tempfile.mkdtemp(prefix=f".{path.name}.partial-", dir=path.parent))
        partial.chmod(0o755)  # mkdtemp's folder is private; an export folder is not
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        _write_folder(dataset, fmt, partial, origin)
        manifest.write(partial, dataset.digest)
        if path.is_dir():
            path.rmdir()  # empty (checked above): the complete folder takes its place
        partial.rename(path)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise _cannot_write(path, exc) from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return sorted(path.iterdir())


def _write_folder(dataset: Dataset, fmt: str, folder: Path, origin: str) -> None:
    for table in TABLES:
        (folder / f"{table}.csv").write_text(csv_text(dataset, table), encoding="utf-8", newline="")
        shutil.copyfile(data_dir() / f"{table}.schema.csv", folder / f"{table}.schema.csv")
    if fmt == "datapackage":
        package = datapackage(dataset, origin)
        text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
        (folder / "datapackage.json").write_text(text, encoding="utf-8")


def _about(dataset: Dataset, origin: str) -> list[tuple[str, str]]:
    return [
        ("title", "railgap dataset: the British passenger rolling-stock pipeline"),
        ("railgap_version", __version__),
        ("exported_from", origin),
        ("dataset_hash", dataset.digest),
        ("exported_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("data_licence", f"{DATA_LICENCE['title']} ({DATA_LICENCE['path']})"),
        ("attribution", ATTRIBUTION),
        ("code_licence", "MIT"),
        ("sources", "every row names its public source in its `source` column"),
        ("tables", ", ".join(TABLES)),
    ]


def _write_workbook(dataset: Dataset, path: Path, origin: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "_about"
    for row in _about(dataset, origin):
        about.append(list(row))
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 90
    for table in TABLES:
        sheet = book.create_sheet(table)
        sheet.append(schema(table).names)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for cells in table_rows(dataset, table):
            sheet.append(cells)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                cell.number_format = "@"  # text: partial dates and ids stay as written
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, not a formula to run
        sheet.freeze_panes = "A2"
    partial = path.with_name(path.name + ".partial")
    book.save(partial)
    partial.replace(path)


def field(column: Column) -> dict[str, Any]:
    """A Frictionless Table Schema field for a schema column."""
    kind = column.base_type
    spec: dict[str, Any] = {
        "name": column.name,
        "type": {"int": "integer", "float": "number"}.get(kind, "string"),
        "description": column.description,
    }
    constraints: dict[str, Any] = {"required": column.required}
    if kind == "enum":
        constraints["enum"] = list(column.choices)
    elif kind == "id":
        constraints["pattern"] = ID_PATTERN.pattern.strip("^$")
    elif kind == "date":
        constraints["pattern"] = PARTIAL_DATE.pattern.strip("^$")
    elif kind == "url":
        spec["format"] = "uri"
    elif kind == "country":
        constraints["pattern"] = COUNTRY_PATTERN.pattern.strip("^$")
    spec["constraints"] = constraints
    if column.unit:
        spec["unit"] = column.unit
    if column.references:
        spec["references"] = column.references
    spec["railgap_type"] = column.type
    return spec


def _sources(dataset: Dataset, tables: tuple[str, ...]) -> list[dict[str, str]]:
    urls = sorted({str(u) for t in tables for u in dataset[t]["source"].dropna()})
    return [{"title": url, "path": url} for url in urls]


def datapackage(dataset: Dataset, origin: str) -> dict[str, Any]:
    """The ``datapackage.json`` descriptor: tables with their schemas, licences and sources."""
    resources = []
    for table in TABLES:
        table_schema = schema(table)
        spec: dict[str, Any] = {"fields": [field(c) for c in table_schema.columns]}
        identity = [*table_schema.key, "known_from"]
        if all(table_schema.column(k).required for k in identity):
            spec["primaryKey"] = identity
        resources.append(
            {
                "name": table,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": (
                    f"Key: {', '.join(table_schema.key)}. Rows sharing a key are revisions; "
                    "the latest known_from on or before a date is the one in force then."
                ),
                "schema": spec,
                "licenses": [DATA_LICENCE],
                "sources": _sources(dataset, (table,)),
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "railgap-dataset",
        "title": "railgap: the British passenger rolling-stock pipeline",
        "description": (
            "Orders, plants, staff, fleets and tenders of British passenger rolling stock, each "
            f"row with its public source and known_from date. Data: CC BY 4.0 ({ATTRIBUTION}); "
            "the railgap code is MIT-licensed."
        ),
        "version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "licenses": [DATA_LICENCE],
        "contributors": [{"title": "railgap developers", "role": "author"}],
        "sources": _sources(dataset, TABLES),
        "railgap": {"exported_from": origin, "dataset_hash": dataset.digest},
        "resources": resources,
    }
