"""Read table files into typed rows: decoding, cell parsing and schema types, table by table."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from railgap.dataset.dates import known_by, parse_partial
from railgap.dataset.errors import DataError, Problem
from railgap.dataset.rules import row_problems
from railgap.dataset.schema import Column, TableSchema, schema
from railgap.dataset.values import unsafe_cell

#: Counts dated by their row's ``known_from`` (see :func:`railgap.dataset.asof.carried`).
COUNTS = ("units_in_service", "units_delivered")

#: Limit on one cell, so a hostile file cannot make validation slow or memory-hungry.
MAX_CELL_CHARS = 10_000


def decode(path: Path, raw: bytes) -> str:
    """A table file's text (UTF-8, with or without BOM), or a ``DataError`` naming the line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            [Problem(path.name, line, None, f"is not UTF-8 text (byte {exc.start})")]
        ) from None


def _parse_cell(
    column: Column,
    cell: str,
    row: dict[str, Any],
    at: Problem,
    problems: list[Problem],
    csv_text: bool = False,
) -> None:
    """Check one cell against its column and store its value in ``row``.

    Problems are recorded at ``at`` (file, line, column) with what is wrong; an empty cell is
    ``None`` (an error when the column is required). With ``csv_text`` (a cell of a CSV file)
    a text column's value has the formula mark of :func:`railgap.dataset.values.safe_cell`
    taken off.
    """
    value = cell.strip()
    if csv_text and column.base_type == "str":
        value = unsafe_cell(value)
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

    rows, problems = read_cells(name, table_schema, header, numbered(), csv_text=True)
    return rows, problems + broken


def read_cells(
    name: str,
    table_schema: TableSchema,
    header: list[str],
    numbered_rows: Iterable[tuple[int, list[str]]],
    csv_text: bool = False,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Validate a table given as a header and (line, cells) rows, from a CSV file or a sheet.

    ``name`` is where the rows are (a file, or ``book.xlsx[sheet]``); problems name it, the
    line (or sheet row) and the column. Returns typed rows and every problem found. With
    ``csv_text`` the cells are a CSV file's, whose text cells may carry the formula mark of
    :func:`railgap.dataset.values.safe_cell` (taken off here); a workbook's cells do not.
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
        before = len(problems)
        for column, cell in zip(columns, cells, strict=True):
            at = Problem(name, line, column.name, "")
            _parse_cell(column, cell, row, at, problems, csv_text)
        if len(problems) == before:
            problems += row_problems(table_schema.table, row, name, line)
        rows.append(row)
    return rows, problems


def frame_of(table_schema: TableSchema, rows: list[dict[str, Any]]) -> pd.DataFrame:
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
        if not problems:
            problems += row_problems(table, out, where, number)
        typed.append(out)
    if problems:
        raise DataError(problems)
    return frame_of(table_schema, typed)


def cell_text(value: Any) -> str:
    """A typed cell as the CSV text that parses back to it ("" when empty)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
