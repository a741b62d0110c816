"""Typed answers for notebooks: months as ``pandas.Period``, missing values as NaN.

The faces (CLI, web, reports) print the analysis layer's frames, where a month is the label
``"2024-07"`` or, in monthly tables, the engine's month index. The notebook API
(``railgap.outlook`` and the rest) passes every answer through :func:`typed`, so that in a
DataFrame:

- every model month (a run-out, a next work, a build window, a month of loading, a gap
  peak) is a monthly ``pandas.Period`` column (``period[M]``), missing as ``NaT``; a
  frame indexed by month gets a ``PeriodIndex``;
- a text column is pandas' ``str`` dtype with NaN for missing, never ``None`` objects;
- the dtypes are the same whatever the date asked about.

Dates copied from sources (``known_from``, ``first_service``, ``withdrawn``, ``stated``)
keep their own precision (a year, a month or a day) and so stay text. Month labels inside
records held in a cell (a plant's ``gaps`` list) stay text too: they are records, not
columns.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

#: Columns (and dict keys) that hold a model month.
MONTH_NAMES = frozenset(
    {
        "month",
        "run_out",
        "next_work",
        "jobs_at_risk_peak_month",
        "build_start",
        "build_end",
        "period_from",
        "period_to",
        "due",
        "award",
        "award_from",
        "award_to",
        "in_service_end",
    }
)
#: Endings that keep a month column a month column (``run_out_baseline``, ``run_out_p50``).
MONTH_SUFFIXES = ("_baseline", "_as_planned", "_p10", "_p50", "_p90")
#: The month index of January 1970, pandas' ordinal 0 for monthly periods.
EPOCH_MONTH = 1970 * 12
MONTH_LABEL = re.compile(r"\d{4}-\d{2}")

T = TypeVar("T")


def is_month_column(name: object) -> bool:
    """Whether a column or key of this name holds a model month."""
    if not isinstance(name, str):
        return False
    if name in MONTH_NAMES:
        return True
    return any(name.endswith(s) and name[: -len(s)] in MONTH_NAMES for s in MONTH_SUFFIXES)


def months(values: pd.Series | pd.Index, name: object = None) -> pd.PeriodIndex:
    """Month labels (``YYYY-MM``) or month indices as a monthly ``PeriodIndex``.

    Raises ``ValueError`` naming the column for any other value: a column is a month column
    by its name, so a value that is not a month is a bug, not something to guess at.
    """
    array = pd.Series(values, copy=False).reset_index(drop=True)
    if isinstance(array.dtype, pd.PeriodDtype):
        return pd.PeriodIndex(array, freq="M")
    if pd.api.types.is_integer_dtype(array.dtype):
        ordinals = array.to_numpy() - EPOCH_MONTH
        return cast(pd.PeriodIndex, pd.PeriodIndex.from_ordinals(ordinals, freq="M"))  # type: ignore[attr-defined]
    missing = array.isna().to_numpy()
    text = array.where(~missing, "").astype(str)
    bad = ~missing & ~text.str.fullmatch(MONTH_LABEL).to_numpy()
    if bad.any():
        raise ValueError(f"column {name!r} holds {text[bad].iloc[0]!r}, which is not a month")
    stamps = pd.to_datetime(array.where(~missing), format="%Y-%m")
    return pd.PeriodIndex(stamps, freq="M")


def month(value: Any) -> Any:
    """One month label or index as a ``pandas.Period``; ``NaT`` when missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return pd.NaT
    return months(pd.Series([value]))[0]


def _text_or_numbers(column: pd.Series) -> pd.Series:
    """An ``object`` column of text (or numbers) with ``None`` as its proper dtype."""
    values = [v for v in column if v is not None and not (isinstance(v, float) and np.isnan(v))]
    if all(isinstance(v, str) for v in values):
        return column.astype("str")
    if all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values):
        return column.astype("float64")
    return column


def typed_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with month columns as periods and text as ``str`` (module doc)."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if is_month_column(name):
            out[name] = pd.Series(months(column, name), index=out.index)
        elif column.dtype == object:
            out[name] = _text_or_numbers(column)
    if is_month_column(out.index.name) and len(out.index):
        out.index = pd.PeriodIndex(months(out.index, out.index.name), name=out.index.name)
    elif is_month_column(out.index.name):
        out.index = pd.PeriodIndex([], freq="M", name=out.index.name)
    out.attrs = dict(frame.attrs)
    return out


def typed_dict(record: dict[Any, Any]) -> dict[Any, Any]:
    """A summary dict with its months as periods and ``None`` as NaN."""
    return {
        k: month(v) if is_month_column(k) else (np.nan if v is None else v)
        for k, v in record.items()
    }


def typed(answer: T) -> T:
    """An answer of the notebook API with its frames typed (module docstring).

    Frames, summary dicts and the frames held by answer dataclasses (a plant report, a
    simulation, a backtest, an optimiser result and its plan) are converted; anything else
    is returned as it is.
    """
    if isinstance(answer, pd.DataFrame):
        return typed_frame(answer)  # type: ignore[return-value]
    if dataclasses.is_dataclass(answer) and not isinstance(answer, type):
        changes: dict[str, Any] = {}
        for field in dataclasses.fields(answer):
            if not field.init:
                continue
            value = getattr(answer, field.name)
            if isinstance(value, pd.DataFrame):
                changes[field.name] = typed_frame(value)
            elif isinstance(value, dict) and any(is_month_column(k) for k in value):
                changes[field.name] = typed_dict(value)
            elif _holds_frames(value):
                changes[field.name] = typed(value)
        return dataclasses.replace(answer, **changes) if changes else answer
    return answer


def _holds_frames(value: Any) -> bool:
    """Whether ``value`` is an answer dataclass: one with a DataFrame field of its own."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return False
    return any(
        isinstance(getattr(value, f.name, None), pd.DataFrame) for f in dataclasses.fields(value)
    )


def typed_function(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` with its answer passed through :func:`typed` (same name and docs)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return typed(function(*args, **kwargs))

    return wrapper
