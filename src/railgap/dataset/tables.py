"""Load and validate the dataset: CSV tables in, typed DataFrames out.

A dataset is a folder holding one CSV per table (see ``railgap.dataset.schema.TABLES``). Every row
carries ``source`` and ``known_from``; see :mod:`railgap.dataset.asof` for how revisions resolve.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from railgap.dataset.errors import DataError, Problem
from railgap.dataset.reading import cell_text, decode, frame_of, read_rows
from railgap.dataset.schema import TABLES, data_dir, schema


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


def duplicate_revisions(name: str, frame: pd.DataFrame, key: list[str]) -> list[Problem]:
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


def reference_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every reference (schema column ``references``) must name an existing row."""
    problems = []
    for table in TABLES:
        frame = tables[table]
        for column in schema(table).columns:
            if not column.references:
                continue
            target_table, target_column = column.references.split(".")
            known = set(tables[target_table][target_column].dropna())
            given = frame[frame[column.name].notna()]
            # Plain columns zipped, not iterrows: the check runs on every load of the dataset.
            for cell, file, line in zip(
                given[column.name].tolist(),
                given["_file"].tolist(),
                given["_line"].tolist(),
                strict=True,
            ):
                values = str(cell).split(";") if column.base_type == "ids" else [cell]
                for value in values:
                    if value not in known:
                        problems.append(
                            Problem(
                                file,
                                int(line),
                                column.name,
                                f"'{value}' is not a {target_column} in {target_table}",
                            )
                        )
    return problems


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
            tables[table] = frame_of(table_schema, [])
            continue
        raw = file.read_bytes()
        try:
            text = decode(file, raw)
        except DataError as exc:
            problems += exc.problems
            tables[table] = frame_of(table_schema, [])
            continue
        rows, found = read_rows(file, table_schema, text)
        problems += found
        tables[table] = frame_of(table_schema, [] if found else rows)
        if not found:
            problems += duplicate_revisions(file.name, tables[table], table_schema.key)
    if not problems:
        problems += reference_problems(tables)
    if problems:
        raise DataError(problems)
    return Dataset(tables=tables, folder=str(path), digest=content_digest(tables))
