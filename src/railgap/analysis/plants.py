"""Plant answers: the outlook table, one plant's report, its sources and its orders' loads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from railgap.analysis.context import Stamp, run, stamped
from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.errors import UnknownPlantError
from railgap.plants.loading import Loading


def outlook(
    as_of: str | dt.date | None = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
    all_plants: bool = False,
) -> pd.DataFrame:
    """One row per plant: backlog, run-out, next work, gap and jobs at risk as of a date.

    By default only plants that matter on the date are listed: GB plants open on it, and
    any plant with GB work in the two years before the date or after it, or with units
    still to deliver. ``all_plants=True`` lists every plant known on the date.
    """
    return outlook_of(*run(as_of, data, assumptions), all_plants)


def outlook_of(
    loading: Loading, stamp: Stamp, resolved: Dataset, all_plants: bool = False
) -> pd.DataFrame:
    """The outlook table (see :func:`outlook`) from a loading run already made."""
    frame = loading.outlook
    if not all_plants and len(frame):
        frame = frame[relevant_plants(loading, resolved)]
    frame = frame.sort_values(
        ["country", "backlog_vehicles", "plant_id"],
        ascending=[True, False, True],
        key=lambda s: s.map(lambda c: c != "GB") if s.name == "country" else s,
    ).reset_index(drop=True)
    return stamped(frame, stamp)


def relevant_plants(loading: Loading, resolved: Dataset) -> pd.Series:
    """Mask of outlook rows worth showing on the as-of date (see :func:`outlook`)."""
    from railgap.dataset.dates import date_month
    from railgap.plants.scheduling import date_months

    d = date_month(loading.as_of)
    table = loading.plant_months
    recent = table[(table["month"] >= d - 24) & (table["vehicle_equivalents"] > 0)]
    frame = loading.outlook
    plants = resolved["plants"].set_index("plant_id").loc[frame["plant_id"]]
    # A plant opened or closed "in 2024" counts as such from January 2024.
    opened = date_months(plants, "opened", 1) <= d
    closed = date_months(plants, "closed", 1) <= d
    gb = (frame["country"] == "GB").to_numpy()
    has_work = frame["plant_id"].isin(set(recent["plant_id"])) | (frame["backlog_units"] > 0)
    idle_closed = closed & (frame["backlog_units"] == 0).to_numpy()
    return pd.Series(
        (gb & opened & ~closed) | (has_work.to_numpy() & ~idle_closed), index=frame.index
    )


def gone_plants(resolved: Dataset, date: dt.date) -> set[str]:
    """Plants closed, or closed without ever opening, by ``date`` (see ``plants.status``)."""
    from railgap.plants.status import GONE, plant_status

    events = resolved.tables.get("plant_events")
    status = plant_status(resolved["plants"], resolved["work_packages"], date, events)
    return {str(p) for p, s in status.items() if s in GONE}


def without_gone(
    frame: pd.DataFrame, resolved: Dataset, date: dt.date, backlog: list[str]
) -> pd.DataFrame:
    """``frame`` less the rows of gone plants (:func:`gone_plants`) with nothing to build.

    A row stays while any of its ``backlog`` columns is above zero (a closed plant still
    finishing an order, or one a scenario gives work). ``attrs`` are kept.
    """
    gone = frame["plant_id"].astype(str).isin(gone_plants(resolved, date))
    busy = np.zeros(len(frame), dtype=bool)
    for column in backlog:
        busy |= frame[column].to_numpy(dtype="float64", na_value=0.0) > 0
    kept = frame[~gone.to_numpy() | busy].reset_index(drop=True)
    kept.attrs = dict(frame.attrs)
    return kept


@dataclass(frozen=True)
class PlantReport:
    """One plant's answer: its outlook row, monthly loading, order book and sources."""

    summary: dict[str, Any]
    months: pd.DataFrame
    orders: pd.DataFrame
    sources: pd.DataFrame
    stamp: Stamp


def plant(
    plant_id: str,
    as_of: str | dt.date | None = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
) -> PlantReport:
    """Month-by-month loading, order book and sources of one plant as of a date."""
    loading, stamp, resolved = run(as_of, data, assumptions)
    return plant_report(plant_id, loading, resolved, stamp)


def plant_report(plant_id: str, loading: Loading, resolved: Dataset, stamp: Stamp) -> PlantReport:
    """One plant's report from a loading result (the baseline's or a scenario's)."""
    rows = loading.outlook[loading.outlook["plant_id"] == plant_id]
    if rows.empty:
        known = ", ".join(sorted(loading.outlook["plant_id"]))
        raise UnknownPlantError(
            f"no plant '{plant_id}' in the dataset as of {stamp.as_of} (plants: {known})"
        )
    summary = {str(k): v for k, v in rows.iloc[0].to_dict().items()}
    months = loading.plant_months[loading.plant_months["plant_id"] == plant_id].reset_index(
        drop=True
    )
    windows = loading.schedule.windows
    mine = windows[windows["plant_id"] == plant_id]
    profile = loading.profile.loc[mine["order_id"].to_numpy()].reset_index()
    orders = pd.DataFrame(
        {
            "order_id": mine["order_id"].to_numpy(),
            "class": mine["class"].to_numpy(),
            "operator": profile["operator"].to_numpy(),
            "stage": mine["stage"].to_numpy(),
            "vehicles": mine["vehicles"].to_numpy(),
            "vehicle_equivalents": mine["vehicle_equivalents"].to_numpy(),
            "build_start": mine["start"].map(_label).to_numpy(),
            "build_end": mine["end"].map(_label).to_numpy(),
            "window_basis": mine["window_basis"].to_numpy(),
            "units": profile["units"].to_numpy(),
            "units_delivered": profile["units_delivered"].to_numpy(),
            "backlog_units": profile["backlog_units"].to_numpy(),
            "order_source": profile["source"].to_numpy(),
            "order_known_from": profile["known_from"].to_numpy(),
            "package_source": mine["source"].to_numpy(),
            "package_known_from": mine["known_from"].to_numpy(),
        }
    )
    sources = plant_sources(resolved, plant_id, mine["order_id"])
    return PlantReport(summary, stamped(months, stamp), stamped(orders, stamp), sources, stamp)


def _label(month: int) -> str:
    from railgap.dataset.dates import month_label

    return month_label(month)


def _describe(table: str, f: dict[str, Any]) -> str:
    """A short label for a dataset row, for the sources table."""
    if table == "plant_staff":
        return f"{f['plant_id']} {f['date']}: {f['employees']} staff"
    if table == "orders":
        return f"{f['order_id']} ({f['units']} x {f['cars_per_unit']})"
    if table == "work_packages":
        vehicles = (
            "all" if f["vehicles"] is None or f["vehicles"] != f["vehicles"] else f["vehicles"]
        )
        return f"{f['order_id']} {f['stage']} ({vehicles} veh.)"
    return str(f["plant_id"])


def plant_sources(resolved: Dataset, plant_id: str, order_ids: pd.Series) -> pd.DataFrame:
    """Every row behind a plant's numbers: table, key, what it gives, source and date."""
    rows = []
    for table, mask in (
        ("plants", resolved["plants"]["plant_id"] == plant_id),
        ("plant_staff", resolved["plant_staff"]["plant_id"] == plant_id),
        ("orders", resolved["orders"]["order_id"].isin(order_ids)),
        (
            "work_packages",
            (resolved["work_packages"]["plant_id"] == plant_id)
            & resolved["work_packages"]["order_id"].isin(order_ids),
        ),
    ):
        frame = resolved[table][mask]
        for record in frame.to_dict("records"):
            fields = {str(k): v for k, v in record.items()}
            key = _describe(table, fields)
            rows.append(
                {
                    "table": table,
                    "row": key,
                    "source": fields["source"],
                    "known_from": fields["known_from"],
                }
            )
    return pd.DataFrame(rows, columns=["table", "row", "source", "known_from"])


def order_loads(loading: Loading, plant_id: str) -> pd.DataFrame:
    """A plant's scheduled vehicle-equivalents per month and order (zero rows dropped)."""
    import numpy as np

    from railgap.dataset.dates import month_label

    windows = loading.schedule.windows
    if windows.empty:
        return pd.DataFrame(columns=["month", "order_id", "class", "vehicle_equivalents"])
    rows = np.flatnonzero(windows["plant_id"].to_numpy() == plant_id)
    months = loading.schedule.months
    frames = []
    for row in rows:
        load = loading.schedule.load[row]
        used = load > 1e-9
        frames.append(
            pd.DataFrame(
                {
                    "month": [month_label(m) for m in months[used]],
                    "order_id": windows["order_id"].iloc[row],
                    "class": windows["class"].iloc[row],
                    "vehicle_equivalents": load[used],
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["month", "order_id", "class", "vehicle_equivalents"])
    frame = pd.concat(frames, ignore_index=True)
    summed = frame.groupby(["month", "order_id", "class"], as_index=False).agg(
        vehicle_equivalents=("vehicle_equivalents", "sum")
    )
    return summed.sort_values(["order_id", "month"]).reset_index(drop=True)
