"""Load, validate and resolve the dataset: CSV tables in, typed DataFrames out.

A dataset is a folder holding one CSV per table (see ``railgap.schema.TABLES``). Every row
carries ``source`` and ``known_from``; rows sharing a table's key are *revisions* of one
fact, and :func:`as_of` keeps, for each key, the latest revision public on a given date.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from railgap.dates import known_by, parse_partial
from railgap.errors import DataError, Problem
from railgap.schema import TABLES, Column, TableSchema, data_dir, schema

#: Limit on one cell, so a hostile file cannot make validation slow or memory-hungry.
MAX_CELL_CHARS = 10_000


@dataclass(frozen=True)
class Dataset:
    """The dataset's tables as DataFrames, with where they came from.

    Each table has the schema's columns plus ``_file`` and ``_line`` (where the row is),
    ``_known_by`` (the last day its ``known_from`` can mean) and, for every date column
    ``c``, ``c_y`` and ``c_mo`` (year and month, the month NaN for a year-only date).
    """

    tables: dict[str, pd.DataFrame]
    folder: str
    digest: str
    as_of: dt.date | None = None
    warnings: list[Problem] = field(default_factory=list)

    def __getitem__(self, table: str) -> pd.DataFrame:
        """Return one table."""
        return self.tables[table]

    @property
    def label(self) -> str:
        """Its name in stamps: "embedded" for the packaged dataset, else the folder or URL."""
        return "embedded" if self.folder == str(data_dir()) else self.folder


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            [Problem(path.name, line, None, f"is not UTF-8 text (byte {exc.start})")]
        ) from None


def _parse_cell(
    column: Column, cell: str, row: dict[str, Any], at: Problem, problems: list[Problem]
) -> None:
    """Check one cell against its column and store its value in ``row``.

    Problems are recorded at ``at`` (file, line, column) with what is wrong; an empty cell is
    ``None`` (an error when the column is required).
    """
    value = cell.strip()
    if len(value) > MAX_CELL_CHARS:
        problems.append(replace(at, message=f"is longer than {MAX_CELL_CHARS} chars"))
        return
    if not value:
        if column.required:
            problems.append(replace(at, message="is required"))
        row[column.name] = None
        return
    try:
        row[column.name] = column.parse(value)
    except ValueError as exc:
        problems.append(replace(at, message=str(exc)))


def read_rows(
    path: Path, table_schema: TableSchema, text: str
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Parse and validate a table's CSV text; return typed rows and every problem found."""
    name = path.name
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return [], [Problem(name, 1, None, "is empty (expected a header line)")]
    except csv.Error as exc:
        return [], [Problem(name, 1, None, f"is not valid CSV: {exc}")]
    broken: list[Problem] = []

    def numbered() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for cells in reader:
                line = reader.line_num
                yield line, cells
        except csv.Error as exc:
            broken.append(Problem(name, reader.line_num or line, None, f"is not valid CSV: {exc}"))

    rows, problems = read_cells(name, table_schema, header, numbered())
    return rows, problems + broken


def read_cells(
    name: str,
    table_schema: TableSchema,
    header: list[str],
    numbered_rows: Iterable[tuple[int, list[str]]],
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Validate a table given as a header and (line, cells) rows, from a CSV file or a sheet.

    ``name`` is where the rows are (a file, or ``book.xlsx[sheet]``); problems name it, the
    line (or sheet row) and the column. Returns typed rows and every problem found.
    """
    problems: list[Problem] = []
    header = [cell.strip() for cell in header]
    expected = table_schema.names
    missing = [col for col in expected if col not in header]
    unknown = [col for col in header if col not in expected]
    problems += [Problem(name, 1, col, "column is missing") for col in missing]
    problems += [Problem(name, 1, col, "column is not in the schema") for col in unknown]
    if len(set(header)) != len(header):
        problems.append(Problem(name, 1, None, "a column name appears twice"))
    if problems:
        return [], problems
    columns = [table_schema.column(col) for col in header]
    rows: list[dict[str, Any]] = []
    for line, cells in numbered_rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(name, line, None, f"has {len(cells)} cells, header has {len(header)}")
            )
            continue
        row: dict[str, Any] = {"_file": name, "_line": line}
        for column, cell in zip(columns, cells, strict=True):
            _parse_cell(column, cell, row, Problem(name, line, column.name, ""), problems)
        rows.append(row)
    return rows, problems


def _frame(table_schema: TableSchema, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Build a typed DataFrame (with the derived date columns) from validated rows."""
    frame = pd.DataFrame(rows, columns=["_file", "_line", *table_schema.names])
    for column in table_schema.columns:
        kind = column.base_type
        if kind == "int":
            frame[column.name] = frame[column.name].astype("Int64")
        elif kind == "float":
            frame[column.name] = pd.to_numeric(frame[column.name]).astype("float64")
        else:
            values = frame[column.name].astype(object)
            frame[column.name] = values.where(values.notna(), None)
        if kind == "date":
            years, months = [], []
            for text in frame[column.name]:
                if text is None or text != text:
                    years.append(np.nan)
                    months.append(np.nan)
                else:
                    year, month, _ = parse_partial(text)
                    years.append(float(year))
                    months.append(np.nan if month is None else float(month))
            frame[f"{column.name}_y"] = np.array(years, dtype="float64")
            frame[f"{column.name}_mo"] = np.array(months, dtype="float64")
    frame["_known_by"] = pd.to_datetime(
        [known_by(text) for text in frame["known_from"]], errors="coerce"
    ).astype("datetime64[ns]")
    for count in COUNTS:
        if count in frame.columns:
            # The date of a count is its row's known_from: carried with the count, as a
            # date column's year and month (``<count>_at``; read with ``date_months``).
            stated = frame[count].notna()
            frame[f"{count}_at_y"] = frame["known_from_y"].where(stated)
            frame[f"{count}_at_mo"] = frame["known_from_mo"].where(stated)
    return frame


def typed_rows(table: str, rows: list[dict[str, Any]], where: str) -> pd.DataFrame:
    """Validate rows given as text or numbers (e.g. made by a scenario) and type them.

    Each value goes through the schema column's parser, as a CSV cell would; a bad one raises
    ``DataError`` naming ``where``, the row (1-based) and the column.
    """
    table_schema = schema(table)
    problems: list[Problem] = []
    typed: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        out: dict[str, Any] = {"_file": where, "_line": 0}
        for column in table_schema.columns:
            value = row.get(column.name)
            missing = (
                value is None or value is pd.NA or (isinstance(value, float) and value != value)
            )
            text = "" if missing else str(value)
            _parse_cell(column, text, out, Problem(where, number, column.name, ""), problems)
        typed.append(out)
    if problems:
        raise DataError(problems)
    return _frame(table_schema, typed)


def _duplicate_revisions(name: str, frame: pd.DataFrame, key: list[str]) -> list[Problem]:
    """Two rows with the same key and the same known_from are ambiguous: report both."""
    dup = frame.duplicated([*key, "known_from"], keep=False)
    problems = []
    for _, row in frame[dup].iterrows():
        ident = ", ".join(f"{k}={row[k]}" for k in key)
        problems.append(
            Problem(
                name,
                int(row["_line"]),
                "known_from",
                f"another row has the same key ({ident}) and known_from {row['known_from']}",
            )
        )
    return problems


def _reference_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every reference (schema column ``references``) must name an existing row."""
    problems = []
    for table in TABLES:
        frame = tables[table]
        for column in schema(table).columns:
            if not column.references:
                continue
            target_table, target_column = column.references.split(".")
            known = set(tables[target_table][target_column].dropna())
            for _, row in frame[frame[column.name].notna()].iterrows():
                values = (
                    str(row[column.name]).split(";")
                    if column.base_type == "ids"
                    else [row[column.name]]
                )
                for value in values:
                    if value not in known:
                        problems.append(
                            Problem(
                                row["_file"],
                                int(row["_line"]),
                                column.name,
                                f"'{value}' is not a {target_column} in {target_table}",
                            )
                        )
    return problems


def cell_text(value: Any) -> str:
    """A typed cell as the CSV text that parses back to it ("" when empty)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def content_digest(tables: dict[str, pd.DataFrame]) -> str:
    """A hash of every table's rows as canonical cells, in order: equal rows, equal hash.

    The same rows read from CSV files, a workbook or a database hash alike, whatever their
    formatting there (quoting, ``1.0`` for ``1``, line endings).
    """
    digest = hashlib.sha256()
    for table in TABLES:
        frame = tables[table]
        names = schema(table).names
        columns = [frame[name].tolist() for name in names]
        for row in zip(*columns, strict=True):
            digest.update(json.dumps([table, *map(cell_text, row)]).encode())
    return digest.hexdigest()[:12]


def load_dataset(folder: str | Path | None = None) -> Dataset:
    """Read and validate every table of a dataset folder (the embedded one by default).

    Raises ``DataError`` listing every problem (file, line, column, what is wrong); nothing
    is returned unless the whole dataset is valid.
    """
    path = Path(folder) if folder is not None else data_dir()
    if not path.is_dir():
        raise DataError([Problem(str(path), None, None, "is not a folder")])
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        file = path / f"{table}.csv"
        table_schema = schema(table)
        if not file.is_file():
            problems.append(Problem(file.name, None, None, f"is missing from {path}"))
            tables[table] = _frame(table_schema, [])
            continue
        raw = file.read_bytes()
        try:
            text = _decode(file, raw)
        except DataError as exc:
            problems += exc.problems
            tables[table] = _frame(table_schema, [])
            continue
        rows, found = read_rows(file, table_schema, text)
        problems += found
        tables[table] = _frame(table_schema, [] if found else rows)
        if not found:
            problems += _duplicate_revisions(file.name, tables[table], table_schema.key)
    if not problems:
        problems += _reference_problems(tables)
    if problems:
        raise DataError(problems)
    return Dataset(tables=tables, folder=str(path), digest=content_digest(tables))


#: Dated counts (a snapshot as of the row's known_from), carried with their date.
COUNTS = ("units_in_service", "units_delivered")


def _carried(column: str) -> bool:
    """Columns recording what happened: once public, a fact stays known.

    ``actual_*`` dates and dated counts (``COUNTS``) are kept from earlier revisions when a
    later one leaves them empty; :func:`resolve` carries a count's date with it.
    """
    return column.startswith("actual_") or column in COUNTS


def resolve(frame: pd.DataFrame, key: list[str], as_of: dt.date) -> pd.DataFrame:
    """Keep, per key, the latest revision public on ``as_of``; drop rows not yet public.

    Plans are replaced by later revisions, empty cells included. Facts about what happened
    (``actual_*`` columns and their derived year/month columns) are not unsaid by a later
    revision that leaves them empty: such a cell takes the latest earlier value.
    """
    cutoff = np.datetime64(as_of, "ns")
    visible = frame[frame["_known_by"].to_numpy() <= cutoff]
    ordered = visible.sort_values(["_known_by", "_line"], kind="stable")
    carried = [c for c in ordered.columns if _carried(c)]
    if carried and len(ordered):
        ordered = ordered.copy()
        filled = ordered.groupby(key, sort=False)[carried].ffill()
        ordered[carried] = filled
        # A dated count is carried whole: the count and its date come from the same
        # (latest earlier) row that stated it, never a year from one and a month from another.
        for count in COUNTS:
            if count not in ordered.columns or f"{count}_at_y" not in ordered.columns:
                continue
            stated = visible.loc[ordered.index, count].notna().to_numpy()
            row = pd.Series(np.where(stated, np.arange(len(ordered)), np.nan), index=ordered.index)
            source = row.groupby([ordered[k] for k in key], sort=False).ffill().to_numpy()
            has = ~np.isnan(source)
            at = np.where(has, source, 0).astype(int)
            for part in ("_at_y", "_at_mo"):
                column = ordered[f"{count}{part}"].to_numpy(dtype="float64")
                ordered[f"{count}{part}"] = np.where(has, column[at], np.nan)
    latest = ordered.drop_duplicates(key, keep="last").sort_values("_line", kind="stable")
    return _forget_future_facts(latest, as_of)


def _forget_future_facts(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Blank ``actual_*`` dates later than ``as_of``: a row cannot know what has not happened.

    A date counts as after ``as_of`` when its first possible day is (``2024`` is not after
    2024-06-01; ``2024-07`` is). Such cells are data errors in the source rows and
    ``railgap data check`` reports them; here they are simply not seen.
    """
    year, month = float(as_of.year), float(as_of.month)
    columns = [c for c in frame.columns if c.startswith("actual_") and f"{c}_y" in frame.columns]
    if not columns or frame.empty:
        return frame
    frame = frame.copy()
    for column in columns:
        y = frame[f"{column}_y"].to_numpy(dtype="float64")
        mo = frame[f"{column}_mo"].to_numpy(dtype="float64")
        later = (y > year) | ((y == year) & ~np.isnan(mo) & (mo > month))
        if later.any():
            frame.loc[later, column] = None
            frame.loc[later, f"{column}_y"] = np.nan
            frame.loc[later, f"{column}_mo"] = np.nan
    return frame


def as_of(dataset: Dataset, date: dt.date, tables: tuple[str, ...] = TABLES) -> Dataset:
    """Return the dataset as it was known on ``date``: one current revision per key.

    ``tables`` limits the work to the tables a caller needs; the others are left out.
    """
    resolved = {table: resolve(dataset.tables[table], schema(table).key, date) for table in tables}
    return replace(dataset, tables=resolved, as_of=date)
