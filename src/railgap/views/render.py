"""Turn engine results into what people and machines read: JSON, CSV, tables and charts."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pandas as pd

from railgap.dataset.values import FORMULA_STARTS as FORMULA_STARTS
from railgap.dataset.values import clean as clean
from railgap.dataset.values import safe_cell
from railgap.plants.loading import OUTLOOK_FIELDS

#: The outlook's columns, in the engine's order (one list for JSON, CSV and the engine).
OUTLOOK_COLUMNS = OUTLOOK_FIELDS


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of a frame as JSON-safe dicts."""
    cols = columns or list(frame.columns)
    return [{c: clean(row[c]) for c in cols} for row in frame.to_dict("records")]


def _cell(value: Any) -> Any:
    """A CSV cell, text marked by :func:`railgap.dataset.values.safe_cell` (no formulas)."""
    value = clean(value)
    if isinstance(value, dict):
        value = ";".join(f"{k}:{v}" for k, v in value.items())
    if isinstance(value, list):  # a list of records (a plant's gaps): compact JSON
        value = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return "" if value is None else safe_cell(value)


def to_csv(frame: pd.DataFrame, columns: list[str] | None = None) -> str:
    """A frame as CSV text, each row stamped with as_of, assumptions and dataset hash."""
    cols = columns or list(frame.columns)
    stamp = {k: frame.attrs.get(k, "") for k in ("as_of", "assumptions", "dataset_hash")}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*cols, *stamp])
    for row in frame.to_dict("records"):
        writer.writerow([*(_cell(row[c]) for c in cols), *stamp.values()])
    return out.getvalue()


def fmt_int(value: Any) -> str:
    """A whole number with thousands separators, or a dash when unknown."""
    value = clean(value)
    if value is None:
        return "-"
    return f"{round(value):,}"


def bar(share: float, width: int = 30) -> str:
    """A horizontal bar for a share in [0, 1+] (values above 1 are drawn full)."""
    if share != share:  # NaN
        return ""
    eighths = " ▏▎▍▌▋▊▉█"
    filled = max(0.0, min(share, 1.0)) * width
    whole = int(filled)
    part = round((filled - whole) * 8)
    if part == 8:
        whole, part = whole + 1, 0
    text = "█" * whole + (eighths[part] if part and whole < width else "")
    return text.ljust(width)
