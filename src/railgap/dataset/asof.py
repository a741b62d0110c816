"""As-of resolution: the revisions of each fact public on a date, facts carried forward.

Rows sharing a table's key are *revisions* of one fact; :func:`as_of` keeps, for each key,
the latest revision public on a given date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from railgap.dataset.reading import COUNTS
from railgap.dataset.schema import TABLES, schema
from railgap.dataset.tables import Dataset

#: Dated counts (a snapshot as of the row's known_from), carried with their date.


def carried(column: str) -> bool:
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
    kept = [c for c in ordered.columns if carried(c)]
    if kept and len(ordered):
        ordered = ordered.copy()
        filled = ordered.groupby(key, sort=False)[kept].ffill()
        ordered[kept] = filled
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


#: Other columns that date what happened: the end of an operator's spell (``to``). A row
#: known from a spell's start cannot know when it will end.
ENDED = ("to",)


def _forget_future_facts(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Blank ``actual_*`` dates and spell ends later than ``as_of``: they had not happened.

    A date counts as after ``as_of`` when its first possible day is (``2024`` is not after
    2024-06-01; ``2024-07`` is). Such cells are data errors in the source rows and
    ``railgap data check`` reports them; here they are simply not seen.
    """
    year, month = float(as_of.year), float(as_of.month)
    columns = [
        c
        for c in frame.columns
        if (c.startswith("actual_") or c in ENDED) and f"{c}_y" in frame.columns
    ]
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
