"""The schedule's resource guard: absurd work is refused with a clear error, not allocated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from railgap.plants.scheduling import MAX_SCHEDULE_MONTHS, ScheduleTooLongError, schedule


def _windows(vehicle_equivalents: float, n: int = 1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(n)],
            "plant_id": ["p"] * n,
            "start": [24_000] * n,
            "end": [24_011] * n,
            "vehicle_equivalents": [vehicle_equivalents] * n,
        }
    )


@pytest.mark.parametrize("capacity", [1e-320, 1e-300, 1e-3])
def test_work_too_long_at_the_capacity_is_refused(capacity: float):
    with pytest.raises(ScheduleTooLongError, match="months to build"):
        schedule(_windows(1_000.0), pd.Series({"p": capacity}))


def test_work_just_inside_the_guard_is_scheduled_whole():
    capacity = 1.0
    work = float(MAX_SCHEDULE_MONTHS - 100)
    result = schedule(_windows(work), pd.Series({"p": capacity}))
    assert result.load.sum() == pytest.approx(work)
    assert np.all(result.load.sum(axis=0) <= capacity * (1 + 1e-9))
