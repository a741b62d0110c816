"""The fleet register: every passenger fleet as known on a date, with its age and status.

Pure functions over the resolved ``fleets`` and ``fleet_operators`` tables; no I/O.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from railgap.fleets.turnover import build_window, fleet_vehicles


def current_operators(operators: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Operators running each fleet on ``as_of`` (spells started by then and not ended)."""
    year_month = as_of.year * 12 + as_of.month - 1
    start = operators["from_y"] * 12 + operators["from_mo"].fillna(1) - 1
    end = operators["to_y"] * 12 + operators["to_mo"].fillna(12) - 1
    running = (start.isna() | (start <= year_month)) & (end.isna() | (end >= year_month))
    live = operators[running.to_numpy()]
    return live.groupby("fleet_id")["operator"].agg(lambda s: "; ".join(sorted(set(s))))


def fleet_register(fleets: pd.DataFrame, operators: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per fleet known on ``as_of``: size, build years, age, status and operators.

    Age is the vehicle-weighted mean age at the as-of date, taking construction spread evenly
    over the build years (a subclass without its own takes its class's, as in the forecast).
    Status is ``on order`` before construction or first service, ``withdrawn`` once the last
    withdrawal is known, ``partly withdrawn`` once the first is, else ``in service``.
    """
    vehicles = fleet_vehicles(fleets)
    start, end = build_window(fleets, None)
    fraction = (as_of.timetuple().tm_yday - 0.5) / 366
    age = as_of.year + fraction - (start + end + 1) / 2
    first_service = fleets["actual_first_service_y"].to_numpy(dtype="float64")
    w_from = fleets["actual_withdrawal_from_y"].to_numpy(dtype="float64")
    w_to = fleets["actual_withdrawal_to_y"].to_numpy(dtype="float64")
    began = np.where(np.isnan(start), first_service, start)
    on_order = ~np.isnan(began) & (began > as_of.year)
    status = np.where(
        ~np.isnan(w_to),
        "withdrawn",
        np.where(
            ~np.isnan(w_from), "partly withdrawn", np.where(on_order, "on order", "in service")
        ),
    )
    running = current_operators(operators, as_of)
    frame = pd.DataFrame(
        {
            "fleet_id": fleets["fleet_id"].to_numpy(),
            "class": fleets["class"].to_numpy(),
            "subclass": fleets["subclass"].to_numpy(),
            "name": fleets["name"].to_numpy(),
            "traction": fleets["traction"].to_numpy(),
            "segment": fleets["segment"].to_numpy(),
            "units": fleets["units"].to_numpy(dtype="float64", na_value=np.nan),
            "cars_per_unit": fleets["cars_per_unit"].to_numpy(dtype="float64", na_value=np.nan),
            "vehicles": vehicles,
            "built_from": start,
            "built_to": end,
            "age_years": np.where(on_order, np.nan, np.maximum(age, 0.0)),
            "status": status,
            "units_in_service": fleets["units_in_service"].to_numpy(
                dtype="float64", na_value=np.nan
            ),
            "first_service": fleets["actual_first_service"].to_numpy(),
            "withdrawn": fleets["actual_withdrawal_to"].to_numpy(),
            "withdrawal_planned": fleets["withdrawal_planned"].to_numpy(),
            # Text, even when no fleet has a running operator (the map gives floats then).
            "operators": fleets["fleet_id"].map(running).astype(object).to_numpy(),
            "owner": fleets["owner"].to_numpy(),
            "order_ids": fleets["order_id"].to_numpy(),
            "source": fleets["source"].to_numpy(),
            "known_from": fleets["known_from"].to_numpy(),
        }
    )
    return frame.sort_values(["class", "fleet_id"], key=_class_key).reset_index(drop=True)


def _class_key(series: pd.Series) -> pd.Series:
    """Sort TOPS classes numerically (43 before 142), names after numbers."""
    if series.name != "class":
        return series
    digits = series.astype(str).str.extract(r"^(\d+)")[0].astype("float64")
    return digits.fillna(1e9)
