"""Values as the faces show them: JSON-safe, whatever pandas or numpy made them."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def clean(value: Any) -> Any:
    """Make a value JSON-safe: NaN and NA become null, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if value is None or value is pd.NA:
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
