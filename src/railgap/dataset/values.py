"""Values as the faces show them: JSON-safe, whatever pandas or numpy made them."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def clean(value: Any) -> Any:
    """Make a value JSON-safe: NaN, NA and NaT become null, numpy scalars plain numbers.

    A ``pandas.Period`` (a month of the notebook API) becomes its label, ``"2024-07"``.
    """
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        if value.is_integer():
            return int(value)
        return round(value, 3)
    return value


#: First characters that make a spreadsheet read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The mark put in front of a text cell so that a spreadsheet shows it as text.
QUOTE = "'"


def _marked(text: str) -> bool:
    """Whether ``text`` opens with a quote mark that :func:`safe_cell` would have added."""
    return text.startswith(QUOTE) and text[1:].startswith((*FORMULA_STARTS, QUOTE))


def safe_cell(value: Any) -> Any:
    """A text cell for a CSV file, so that no spreadsheet runs it as a formula.

    The one rule for every CSV railgap writes: a ``str`` that starts with one of
    :data:`FORMULA_STARTS` (``= + - @``, tab, carriage return) gets a ``'`` in front, as a
    spreadsheet's own text mark. So that reading back is unambiguous, a ``str`` that starts
    with ``'`` followed by one of those characters or by another ``'`` gets one too; any
    other ``str`` (``'quoted`` included) and every non-text value (numbers such as ``-3``)
    go out unchanged. :func:`unsafe_cell` undoes exactly this, so
    ``unsafe_cell(safe_cell(v)) == v`` for every value.
    """
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or _marked(value)):
        return QUOTE + value
    return value


def unsafe_cell(text: str) -> str:
    """A text cell read from a CSV file with the mark :func:`safe_cell` adds taken off.

    Only a leading ``'`` followed by a formula character or another ``'`` is removed, so
    text written by hand such as ``'quoted words'`` reads as written.
    """
    return text[1:] if _marked(text) else text
