"""The not-yet-ordered demand as a table of needs, for the pipeline optimiser.

Pure functions over the turnover engine's cohorts and its national series; no I/O.

A **need** is a lot of new vehicles that must be in service by a month, because the fleets
it replaces reach the end of their service life (or an announced withdrawal) then:

1. Each cohort retiring in a year after the as-of year is split by the national unordered
   need of that year (``needed_unordered_vehicles`` of :func:`railgap.fleets.turnover.forecast`):
   the year's need is shared among that year's retiring cohorts in proportion to their
   vehicles, so committed orders cover retirements the way the forecast nets them. Need a
   year has beyond its retirements (fleet growth) takes the as-of fleet's mix.
2. Needs are **aggregated** by traction family (``traction_family``), segment and due year:
   the optimiser decides on lots, not on single fleets (which fleets a lot replaces is kept).
3. A group larger than ``lot_vehicles`` is split into equal lots no larger than that, each
   of which may go to a different plant at a different date.

Each need is due on 1 January of the retirement year (``due_month``); its earliest award is
``early_replacement_years`` before the latest award that still delivers it on time, and
never before the first month the optimiser may award in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import month_index
from railgap.fleets.turnover import Cohorts

#: Names of the traction family codes of the ``traction_family`` assumption.
FAMILY_NAMES = {1: "electric", 2: "self-powered"}
#: Columns of the needs table.
NEED_COLUMNS = [
    "need_id",
    "family",
    "segment",
    "vehicles",
    "due_year",
    "due_month",
    "replaces",
]


def family_of(traction: np.ndarray, a: Assumptions) -> np.ndarray:
    """Traction family name ('electric' or 'self-powered') of each traction."""
    codes = a.table("traction_family")
    return np.array([FAMILY_NAMES[int(codes[str(t)])] for t in traction], dtype=object)


def retiring_need(
    c: Cohorts, national: pd.DataFrame, as_of_year: int, to_year: int
) -> pd.DataFrame:
    """Unordered need attributed to retiring cohorts: one row per cohort and year.

    ``national`` is the forecast's yearly table (``year``, ``needed_unordered_vehicles``).
    Need of a year with no retirements (growth only) gets ``fleet_index`` -1 and the mix of
    the fleet in service in the as-of year.
    """
    need = pd.Series(
        national["needed_unordered_vehicles"].to_numpy(dtype="float64"),
        index=national["year"].to_numpy(dtype="int64"),
    )
    due = (c.retire > as_of_year) & (c.retire <= to_year)
    retire = c.retire[due].astype("int64")
    retiring = pd.Series(c.vehicles[due]).groupby(retire).transform("sum").to_numpy()
    year_need = need.reindex(retire).fillna(0.0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(retiring > 0, c.vehicles[due] / retiring, 0.0)
    rows = pd.DataFrame(
        {
            "fleet_index": c.fleet_index[due],
            "traction": c.traction[due],
            "segment": c.segment[due],
            "year": retire,
            "vehicles": year_need * share,
        }
    )
    # Years whose need exceeds their retirements: the excess takes the as-of fleet's mix.
    by_year = pd.Series(c.vehicles[due]).groupby(retire).sum()
    years = need.index[(need.index > as_of_year) & (need.index <= to_year)]
    excess = need.reindex(years) - by_year.reindex(years).fillna(0.0)
    excess = excess[excess > 1e-9]
    if len(excess):
        live = (c.enters <= as_of_year) & (c.retire > as_of_year)
        mix = (
            pd.DataFrame({"t": c.traction[live], "s": c.segment[live], "v": c.vehicles[live]})
            .groupby(["t", "s"])["v"]
            .sum()
        )
        mix = mix / mix.sum()
        extra = pd.DataFrame(
            {
                "fleet_index": -1,
                "traction": np.tile(mix.index.get_level_values(0).to_numpy(), len(excess)),
                "segment": np.tile(mix.index.get_level_values(1).to_numpy(), len(excess)),
                "year": np.repeat(excess.index.to_numpy(), len(mix)),
                "vehicles": np.outer(excess.to_numpy(), mix.to_numpy()).ravel(),
            }
        )
        rows = pd.concat([rows, extra], ignore_index=True)
    return rows[rows["vehicles"] > 1e-9].reset_index(drop=True)


def needs_table(
    retiring: pd.DataFrame,
    fleets: pd.DataFrame,
    a: Assumptions,
    lot_vehicles: float,
    min_vehicles: float = 0.5,
) -> pd.DataFrame:
    """Aggregate retiring need into lots by traction family, segment and due year.

    ``retiring`` is :func:`retiring_need`'s output. Groups smaller than ``min_vehicles`` are
    dropped (rounding of shares, not a train). Columns: :data:`NEED_COLUMNS`.
    """
    if lot_vehicles <= 0:
        raise ValueError("lot_vehicles must be positive")
    if retiring.empty:
        return pd.DataFrame(columns=NEED_COLUMNS)
    classes = fleets["class"].astype(str).to_numpy()
    index = retiring["fleet_index"].to_numpy()
    label = np.where(index >= 0, classes[np.clip(index, 0, None)], "growth")
    frame = pd.DataFrame(
        {
            "family": family_of(retiring["traction"].to_numpy(), a),
            "segment": retiring["segment"].to_numpy(),
            "due_year": retiring["year"].to_numpy(dtype="int64"),
            "vehicles": retiring["vehicles"].to_numpy(),
            "label": label,
        }
    )
    keys = ["due_year", "family", "segment"]
    grouped = frame.groupby(keys, sort=True)
    totals = grouped["vehicles"].sum()
    by_class = frame.groupby([*keys, "label"])["vehicles"].sum().reset_index()
    by_class = by_class.sort_values([*keys, "vehicles"], ascending=[True, True, True, False])
    replaces = by_class.groupby(keys, sort=True)["label"].agg(lambda s: ";".join(s.astype(str)))
    table = pd.DataFrame({"vehicles": totals, "replaces": replaces}).reset_index()
    table = table[table["vehicles"] >= min_vehicles].reset_index(drop=True)
    lots = np.ceil(table["vehicles"].to_numpy() / lot_vehicles).astype("int64")
    out = table.loc[table.index.repeat(lots)].reset_index(drop=True)
    out["vehicles"] = np.repeat(table["vehicles"].to_numpy() / lots, lots)
    lot = np.arange(lots.sum()) - np.repeat(np.cumsum(lots) - lots, lots)
    many = np.repeat(lots > 1, lots)
    suffix = np.where(many, pd.Series(lot + 1).astype(str).radd("-").to_numpy(), "")
    out["need_id"] = (
        out["due_year"].astype(str)
        + "-"
        + out["family"].str.replace("self-powered", "self")
        + "-"
        + out["segment"].astype(str)
        + suffix
    )
    out["due_month"] = out["due_year"].to_numpy(dtype="int64") * 12 + month_index(0, 1)
    return out[NEED_COLUMNS]
