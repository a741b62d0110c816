"""Table schemas: the columns of each dataset table, read from ``<table>.schema.csv``.

The schema files beside the data are the single description of each table: validation,
the documentation's tables and exports are all generated from them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from railgap.dataset.dates import parse_partial
from railgap.dataset.errors import DateError

#: The dataset's tables, in the order they must be read (references point backwards).
TABLES: tuple[str, ...] = (
    "manufacturers",
    "plants",
    "plant_staff",
    "orders",
    "work_packages",
    "fleets",
    "fleet_operators",
    "national_series",
    "tenders",
    "plant_events",
)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-/.]*$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
SCHEMA_HEADER = ["column", "type", "unit", "required", "key", "references", "description"]


@dataclass(frozen=True)
class Column:
    """One column of a table: its type, unit, whether required and what it means."""

    name: str
    type: str
    unit: str
    required: bool
    key: bool
    references: str
    description: str

    @property
    def choices(self) -> tuple[str, ...]:
        """Allowed values of an ``enum(...)`` or ``list(...)`` column, else empty."""
        match = re.match(r"^(?:enum|list)\((.*)\)$", self.type)
        return tuple(match.group(1).split("|")) if match else ()

    @property
    def base_type(self) -> str:
        """The type without its arguments: ``enum(a|b)`` -> ``enum``."""
        return self.type.split("(", 1)[0]

    def parse(self, text: str) -> Any:
        """Convert a non-empty cell to its Python value, or raise ``ValueError`` saying why."""
        kind = self.base_type
        if kind == "str":
            return text
        if kind == "id":
            if not ID_PATTERN.match(text):
                raise ValueError(
                    f"'{text}' is not an identifier (lower-case letters, digits, _ - / .)"
                )
            return text
        if kind == "ids":
            items = [item.strip() for item in text.split(";") if item.strip()]
            bad = [item for item in items if not ID_PATTERN.match(item)]
            if bad or not items:
                raise ValueError(f"'{text}' is not a semicolon-separated list of identifiers")
            return ";".join(items)
        if kind in ("int", "float") and not text.isascii():
            # Python reads full-width (１２) and other scripts' digits as numbers; a data
            # cell is compared and exported as text too, so it must say 0-9.
            raise ValueError(f"'{text}' is not a number written with the digits 0-9")
        if kind == "int":
            try:
                return int(text)
            except ValueError:
                raise ValueError(f"'{text}' is not a whole number") from None
        if kind == "float":
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"'{text}' is not a number") from None
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(f"'{text}' is not a finite number")
            return value
        if kind == "date":
            try:
                parse_partial(text)
            except DateError as exc:
                raise ValueError(str(exc)) from None
            return text
        if kind == "url":
            if not URL_PATTERN.match(text):
                raise ValueError(f"'{text}' is not an http(s) URL")
            return text
        if kind == "country":
            if not COUNTRY_PATTERN.match(text):
                raise ValueError(f"'{text}' is not an ISO 3166 alpha-2 country code")
            return text
        if kind == "enum":
            if text not in self.choices:
                raise ValueError(f"'{text}' is not one of {', '.join(self.choices)}")
            return text
        if kind == "list":
            items = [item.strip() for item in text.split(";") if item.strip()]
            bad = [item for item in items if item not in self.choices]
            if bad:
                raise ValueError(f"'{bad[0]}' is not one of {', '.join(self.choices)}")
            return ";".join(items)
        raise ValueError(f"schema type '{self.type}' is unknown")


@dataclass(frozen=True)
class TableSchema:
    """The schema of one table."""

    table: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        """Column names in order."""
        return [column.name for column in self.columns]

    @property
    def key(self) -> list[str]:
        """The natural key: columns that identify one fact (revisions share it)."""
        return [column.name for column in self.columns if column.key]

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def parse_schema(table: str, text: str) -> TableSchema:
    """Parse the text of a ``<table>.schema.csv`` file."""
    rows = list(csv.DictReader(text.splitlines()))
    columns = tuple(
        Column(
            name=row["column"],
            type=row["type"],
            unit=row["unit"] or "",
            required=row["required"] == "yes",
            key=row["key"] == "yes",
            references=row["references"] or "",
            description=row["description"] or "",
        )
        for row in rows
    )
    return TableSchema(table=table, columns=columns)


@cache
def schema(table: str) -> TableSchema:
    """Return the packaged schema of ``table``."""
    if table not in TABLES:
        raise KeyError(f"no table '{table}' (tables: {', '.join(TABLES)})")
    text = resources.files("railgap.data").joinpath(f"{table}.schema.csv").read_text("utf-8")
    return parse_schema(table, text)


def data_dir() -> Path:
    """Return the folder of the embedded dataset."""
    return Path(str(resources.files("railgap.data")))


def schema_markdown() -> str:
    """Render every table's schema as Markdown (the text of ``docs/data.md``)."""
    lines = [
        "# Dataset tables",
        "",
        "Generated from `src/railgap/data/*.schema.csv` by "
        "`railgap.dataset.schema.schema_markdown()`;",
        "a test fails when this page and the schemas disagree. Key columns identify one fact:",
        "rows sharing a key are revisions, the latest `known_from` on or before the as-of",
        "date wins. Dates and numbers are written with the digits 0-9. A window (its",
        "columns listed under a table) may not end before it starts: `2024` to `2024-03`",
        "stands (the year may mean January), `2024-05` to `2024-03` is refused.",
    ]
    from railgap.dataset.rules import WINDOWS

    for table in TABLES:
        table_schema = schema(table)
        lines += ["", f"## {table}", "", f"Key: {', '.join(table_schema.key)}", ""]
        windows = [f"`{first}` to `{last}`" for first, last in WINDOWS.get(table, ())]
        if windows:
            lines += [f"Windows: {'; '.join(windows)}.", ""]
        lines += ["| column | type | unit | required | description |", "|---|---|---|---|---|"]
        for c in table_schema.columns:
            ref = f" References `{c.references}`." if c.references else ""
            text = (c.description + ref).replace("|", "\\|")
            lines.append(
                f"| `{c.name}` | {c.type.replace('|', ', ')} | {c.unit} | "
                f"{'yes' if c.required else ''} | {text} |"
            )
    return "\n".join(lines) + "\n"
