"""The rows that became known between two dates: new facts and revisions, with sources.

A row became known between ``since`` and ``to`` when the as-of view of ``since`` does not
hold it and the view of ``to`` does (``since < _known_by <= to``). Each is told as *new*
(its key was not known on ``since``) or *revised*, with the fields that changed from the
revision before it; a planned date moved later is a *slip*. Pure functions, no I/O.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from railgap.dataset.schema import TABLES, schema
from railgap.dataset.tables import Dataset

#: The tables whose rows are news (manufacturers' renames are not).
NEWS_TABLES = tuple(t for t in TABLES if t != "manufacturers")

#: The columns of :func:`rows_known_between`.
CHANGE_COLUMNS = [
    "known_from",
    "known_by",
    "table",
    "key",
    "kind",
    "what",
    "source",
    "notes",
]

#: Columns that say where a row is or where it came from, not what it says.
_META = {"source", "known_from", "notes"}


def _fields(table: str) -> list[str]:
    return [c.name for c in schema(table).columns if c.name not in _META]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def _describe(
    table: str, row: dict[str, Any], before: dict[str, Any] | None
) -> tuple[str, str]:
    """The kind of change (new, revised, slip) and, in words, what it says or changed."""
    fields = _fields(table)
    key = schema(table).key
    if before is None:
        said = [f"{f} {_text(row[f])}" for f in fields if f not in key and _text(row[f])]
        return "new", "; ".join(said)
    changed = [f for f in fields if _text(row.get(f)) != _text(before.get(f))]
    slipped = any(
        f.startswith("planned_") and _text(before.get(f)) and _text(row.get(f)) > _text(before[f])
        for f in changed
    )
    moved = [f"{f} {_text(before.get(f)) or '-'} -> {_text(row.get(f)) or '-'}" for f in changed]
    return ("slip" if slipped else "revised"), "; ".join(moved) or "restated (new source)"


def rows_known_between(
    dataset: Dataset, since: dt.date, to: dt.date, tables: tuple[str, ...] = NEWS_TABLES
) -> pd.DataFrame:
    """Every row that became known after ``since`` and by ``to``, oldest first.

    Columns :data:`CHANGE_COLUMNS`: when it became known (as the source dates it, and the
    last day that can mean, ``known_by``), its table and key, its kind
    (new, revised, slip), what it says or changed, its source and notes.
    """
    start, end = np.datetime64(since, "ns"), np.datetime64(to, "ns")
    out: list[dict[str, Any]] = []
    for table in tables:
        frame = dataset.tables[table]
        key = schema(table).key
        ordered = frame.sort_values(["_known_by", "_line"], kind="stable")
        previous: dict[tuple[str, ...], dict[str, Any]] = {}
        for record in ordered.to_dict("records"):
            row = {str(k): v for k, v in record.items()}
            ident = tuple(_text(row[k]) for k in key)
            known_by = np.datetime64(row["_known_by"], "ns")
            if start < known_by <= end:
                kind, what = _describe(table, row, previous.get(ident))
                out.append(
                    {
                        "known_from": _text(row["known_from"]),
                        "known_by": pd.Timestamp(known_by).date().isoformat(),
                        "table": table,
                        "key": " / ".join(ident),
                        "kind": kind,
                        "what": what,
                        "source": _text(row["source"]),
                        "notes": _text(row.get("notes")),
                        "_by": known_by,
                    }
                )
            if known_by <= end:
                previous[ident] = row
    frame = pd.DataFrame(out, columns=[*CHANGE_COLUMNS, "_by"])
    frame = frame.sort_values(["_by", "table", "key"], kind="stable")
    return frame.drop(columns="_by").reset_index(drop=True)
