"""Whether a plant is open on a date: open, not yet open, closed, or closed without opening.

Derived from the plants table as resolved on the date (``opened``, ``closed``), the work
packages (a plant that was given vehicles to build had opened) and, when given, the plant
events (a production start or end, or a headcount, known by the date: a plant that built
or employed; a run-out statement alone does not, as for a plan abandoned). Pure functions
over resolved tables. A plant dated only by a year opened or closed from January of it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from railgap.dataset.dates import date_month

OPEN = "open"
NOT_YET_OPEN = "not yet open"
CLOSED = "closed"
NEVER_OPENED = "never opened"

#: Plant events that show a plant built or employed (``plant_events.kind``).
WORKING_EVENTS = ("production_start", "production_end", "headcount")

#: Statuses of plants that build nothing any more: left out of tables unless asked for.
GONE = frozenset({CLOSED, NEVER_OPENED})


def _months(plants: pd.DataFrame, column: str) -> np.ndarray:
    years = plants[f"{column}_y"].to_numpy(dtype="float64")
    months = plants[f"{column}_mo"].to_numpy(dtype="float64")
    return years * 12 + np.where(np.isnan(months), 1.0, months) - 1


def plant_status(
    plants: pd.DataFrame,
    work_packages: pd.DataFrame,
    as_of: dt.date,
    events: pd.DataFrame | None = None,
) -> pd.Series:
    """Each plant's status on ``as_of`` (indexed by plant_id): one of the four above.

    Closed once its ``closed`` date has come; "never opened" when it also has no opening
    date, no work package with vehicles and no working event on record. Not yet open
    while its opening date is to come; otherwise open (an undated plant counts as open).
    """
    d = date_month(as_of)
    opened, closed = _months(plants, "opened"), _months(plants, "closed")
    vehicles = work_packages["vehicles"].to_numpy(dtype="float64", na_value=np.nan)
    built = set(work_packages.loc[np.isnan(vehicles) | (vehicles > 0), "plant_id"].astype(str))
    if events is not None:
        working = events[events["kind"].isin(WORKING_EVENTS)]
        built |= set(working["plant_id"].astype(str))
    ids = plants["plant_id"].astype(str).to_numpy()
    did_build = np.isin(ids, list(built)) | ~np.isnan(opened)
    status = np.where(
        closed <= d,
        np.where(did_build, CLOSED, NEVER_OPENED),
        np.where(opened > d, NOT_YET_OPEN, OPEN),
    )
    return pd.Series(status, index=pd.Index(ids, name="plant_id"), name="status")
