"""Plant loading: what the schedule means for each plant, month by month and as a whole.

Pure functions over the dataset's tables (as resolved for one as-of date) and the
assumptions: no I/O. The schedule itself (delivery profiles, work windows, capacity) is
:mod:`railgap.plants.scheduling`; this module goes on from it:

4. **Plant-months** (:func:`plant_months`): load, utilisation, labour needed, jobs at risk.
5. **Outlook** (:func:`outlook_from`): per plant, backlog, run-out, next work, gap and jobs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month, month_label
from railgap.plants.gaps import PlantMonths, gap_before, gap_stretches
from railgap.plants.runs import sustained
from railgap.plants.scheduling import (
    Schedule,
    date_months,
    order_profile,
    package_windows,
    plant_build_rate,
    plant_capacity,
    production_ends,
    schedule,
)

#: Stages that hand a finished vehicle over, highest last: the plant doing the highest
#: of these for an order is the plant that delivers it.
STAGE_RANK = {"bodyshell": 0, "assembly": 1, "full": 1, "test": 2}
#: The columns of the outlook, one row per plant.
OUTLOOK_FIELDS = [
    "plant_id",
    "name",
    "short_name",
    "manufacturer",
    "country",
    "opened",
    "closed",
    "capacity_vehicles_per_month",
    "capacity_basis",
    "employees",
    "backlog_units",
    "backlog_vehicles",
    "backlog_by_class",
    "utilisation_now",
    "run_out",
    "next_work",
    "gap_months",
    "jobs_at_risk_peak",
    "jobs_at_risk_peak_month",
    "jobs_at_risk_months",
    "indirect_jobs_at_risk_peak",
    "gaps",
    "work_below_viable",
    "source",
    "known_from",
]
#: The outlook's measured columns: numbers (NaN when unknown) whatever the date.
OUTLOOK_NUMBERS = {
    "capacity_vehicles_per_month": "float64",
    "employees": "float64",
    "utilisation_now": "float64",
    "gap_months": "float64",
    "jobs_at_risk_peak": "float64",
    "jobs_at_risk_months": "float64",
    "indirect_jobs_at_risk_peak": "float64",
}
#: The tables the loading engine reads (``plant_events`` for its production-end facts).
LOADING_TABLES = (
    "manufacturers",
    "plants",
    "plant_staff",
    "orders",
    "work_packages",
    "plant_events",
)


StaffSeries = dict[str, tuple[np.ndarray, np.ndarray]]


#: The ``plant_staff.kind`` that counts people working at the plant (empty reads as it).
FACTORY_KIND = "factory"


def factory_staff(staff: pd.DataFrame) -> pd.DataFrame:
    """The rows that count people working at the plant: not targets, sites or companies.

    A hiring target ("up to 700 jobs"), a site's headcount with its services and design
    staff, or a group's total is not the factory's workforce, so no job is at risk of it.
    Rows without a ``kind`` (datasets from before the column) are factory headcounts.
    """
    if "kind" not in staff:
        return staff
    kind = staff["kind"]
    return staff[kind.isna() | (kind.astype("string").fillna("") == "") | (kind == FACTORY_KIND)]


def staff_series(staff: pd.DataFrame, yom: float) -> StaffSeries:
    """Per plant: factory headcount dates (month indices, sorted) and the headcounts."""
    staff = factory_staff(staff)
    dated = date_months(staff, "date", yom)
    counts = staff["employees"].to_numpy(dtype="float64", na_value=np.nan)
    plant_ids = staff["plant_id"].to_numpy()
    series: StaffSeries = {}
    for plant_id in pd.unique(plant_ids):
        rows = plant_ids == plant_id
        order = np.argsort(dated[rows], kind="stable")
        series[str(plant_id)] = (dated[rows][order], counts[rows][order])
    return series


def staff_by_month(series: StaffSeries, plant_id: str, months: np.ndarray) -> np.ndarray:
    """Employees in each month: the latest headcount dated on or before it (NaN before any)."""
    if plant_id not in series:
        return np.full(months.shape, np.nan)
    dated, counts = series[plant_id]
    idx = np.searchsorted(dated, months, side="right") - 1
    return np.where(idx >= 0, counts[np.clip(idx, 0, None)], np.nan)


#: A load this little under the viable rate still counts as below it.
BELOW_TOL = 1e-9


def headcount(
    series: StaffSeries,
    plant_ids: Iterable[object],
    months: np.ndarray,
    closed: np.ndarray,
    opened: np.ndarray | None = None,
) -> np.ndarray:
    """Staff of each plant (rows) in each month (columns): nil before it opened and once closed.

    The latest headcount on or before each month (NaN before any), none before the month in
    ``opened`` (NaN: no source dates the opening) nor from the month in ``closed`` on.
    """
    ids = list(plant_ids)
    if not ids:
        return np.zeros((0, len(months)))
    staff = np.vstack([staff_by_month(series, str(p), months) for p in ids])
    staff = np.where(months[None, :] >= closed[:, None], 0.0, staff)
    if opened is not None:
        staff = np.where(months[None, :] < opened[:, None], 0.0, staff)
    return staff


def jobs_at_risk(
    load: np.ndarray,
    capacity: np.ndarray,
    viable: np.ndarray,
    employees: np.ndarray,
    below: np.ndarray | None = None,
) -> np.ndarray:
    """Jobs at risk per plant (rows) and month (columns) for a load.

    Below the viable rate, the staff the load does not need (headcount x (1 - load /
    capacity)); none at or above it. ``below`` overrides which months are below it (as
    :func:`below_viable` marks them, counting unsustained work as below).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        labour = employees * np.minimum(load / capacity[:, None], 1.0)
    if below is None:
        below = load < viable[:, None] - BELOW_TOL
    return np.where(below, np.maximum(employees - labour, 0.0), 0.0)


def viable_rate(capacity: np.ndarray, country: np.ndarray, share: float) -> np.ndarray:
    """Each plant's minimum viable rate: ``share`` of its capacity, for GB plants.

    An overseas plant's GB work is one market among many: its workforce does not stand or
    fall by it, and its capacity, where no source states one, is only the peak of its GB
    work (a boom twenty years earlier would make later GB work read as below the rate). So
    for an overseas plant any GB work counts as work, and its run-out is the end of its GB
    work. A plant with no capacity known has the same rule.
    """
    gb = np.asarray(country == "GB", dtype=bool)
    return np.where(np.isnan(capacity) | ~gb, 0.0, share * capacity)


def below_viable(load: np.ndarray, viable: np.ndarray, run: int) -> np.ndarray:
    """Months (columns) each plant (rows) is below its viable rate.

    Below the rate by load (a month with no load is below any rate), and also at or above it
    in a run of fewer than ``run`` months
    (``min_work_run_months``): work that does not last cannot keep a workforce
    (:func:`railgap.plants.runs.sustained`).
    """
    below = (load < viable[:, None] - BELOW_TOL) | (load <= 0)
    working = ~below
    marked: np.ndarray = below | (working & ~sustained(working, run))
    return marked


def opened_months(plants: pd.DataFrame, a: Assumptions) -> np.ndarray:
    """Month index each plant opened (NaN when no source dates it)."""
    return date_months(plants, "opened", a.number("year_only_month"))


def closed_months(plants: pd.DataFrame, a: Assumptions) -> np.ndarray:
    """Month index each plant closed (infinity while open)."""
    closed = date_months(plants, "closed", a.number("year_only_month"))
    return np.where(np.isnan(closed), np.inf, closed)


def plant_months(
    sched: Schedule, plants: pd.DataFrame, staff: pd.DataFrame, a: Assumptions
) -> pd.DataFrame:
    """Per plant and month: load, capacity, utilisation, labour needed and jobs at risk.

    Capacity is the stated one, else the plant's peak scheduled month (``capacity_basis``
    says which). Labour needed scales the plant's headcount with its load relative to
    capacity; jobs are at risk in months below the minimum viable rate (``viable``:
    ``min_viable_share`` x capacity, vehicle-equivalents a month), or at it for fewer than
    ``min_work_run_months`` in a row (:func:`below_viable`): the headcount less the labour
    the load needs.
    Overseas plants' staff serve many markets, so GB work alone says nothing of their jobs:
    their jobs at risk are NaN. One block of rows per plant, in the order of ``plants``.
    """
    months = sched.months
    ids = plants["plant_id"].to_numpy()
    n_plants, n_months = len(ids), len(months)
    # Load per plant and month: sum the packages' rows into their plant's row.
    load = np.zeros((n_plants, n_months))
    if len(sched.windows):
        position = pd.Series(np.arange(n_plants), index=ids)
        rows = position.reindex(sched.windows["plant_id"].to_numpy()).to_numpy()
        known = ~np.isnan(rows)  # a package at a plant not yet known on the date loads nothing
        np.add.at(load, rows[known].astype(int), sched.load[known])
    stated = plant_capacity(plants, a).to_numpy(dtype="float64")
    peak = load.max(axis=1) if n_months else np.zeros(n_plants)
    has_stated = stated > 0
    cap = np.where(has_stated, stated, np.where(peak > 0, peak, np.nan))
    basis = np.where(has_stated, "stated", np.where(peak > 0, "peak scheduled", "unknown"))
    series = staff_series(staff, a.number("year_only_month"))
    # A plant not yet open, or closed, has no staff to be at risk.
    employees = headcount(
        series, ids, months, closed_months(plants, a), opened_months(plants, a)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        utilisation = load / cap[:, None]
        labour = employees * np.minimum(utilisation, 1.0)
    viable = viable_rate(cap, plants["country"].to_numpy(), a.number("min_viable_share"))
    below = below_viable(load, viable, int(a.number("min_work_run_months")))
    at_risk = jobs_at_risk(load, cap, viable, employees, below)
    at_risk[plants["country"].to_numpy() != "GB"] = np.nan
    return pd.DataFrame(
        {
            "plant_id": np.repeat(ids, n_months),
            "month": np.tile(months, n_plants),
            "vehicle_equivalents": load.ravel(),
            "capacity": np.repeat(cap, n_months),
            "capacity_basis": np.repeat(basis, n_months),
            "viable": np.repeat(viable, n_months),
            "utilisation": utilisation.ravel(),
            "employees": employees.ravel(),
            "labour_needed": labour.ravel(),
            "below_viable": below.ravel(),
            "jobs_at_risk": at_risk.ravel(),
            "indirect_jobs_at_risk": at_risk.ravel() * a.number("supply_chain_jobs_per_direct_job"),
        }
    )


def short_name(plant: Any) -> str:
    """A plant's name where space is tight: its ``short_name``, else its town, else its name."""
    for value in (getattr(plant, "short_name", None), getattr(plant, "town", None), plant.name):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return str(plant.name)


def _run_out(working: np.ndarray, months: np.ndarray, d: int) -> tuple[int | None, int | None]:
    """Run-out month and next working month, seen from month ``d``.

    Run-out is the last month of the current stretch of viable work (the last viable month
    before ``d`` when the plant is already below its viable rate); next work is the first
    viable month after that, from ``d`` on.
    """
    now = months >= d
    past_working = months[(~now) & working]
    future = working[now]
    future_months = months[now]
    # Working now means working in the as-of month itself (the schedule may start later).
    if future.size and future_months[0] == d and future[0]:
        breaks = np.flatnonzero(~future)
        run_out = int(future_months[breaks[0] - 1]) if breaks.size else int(future_months[-1])
        later = future_months[(future_months > run_out) & future]
        return run_out, int(later[0]) if later.size else None
    last_viable = int(past_working[-1]) if past_working.size else None
    later = future_months[future]
    return last_viable, int(later[0]) if later.size else None


def _jobs_at_risk(
    risk: np.ndarray, months: np.ndarray, employees: float, idle_tail: int
) -> tuple[float, int | None, float]:
    """Peak jobs at risk over the horizon, the first month it is reached, and the sum.

    ``risk`` holds the scheduled months inside the horizon (``months``); the ``idle_tail``
    months of the horizon past the end of all known work carry no load, so the whole
    headcount is at risk. NaN (and no month) when the headcount is unknown (or the plant is
    not in GB); no month when nothing is at risk.
    """
    if employees != employees:
        return np.nan, None, np.nan
    tail = max(idle_tail, 0)
    after = int(months[-1]) + 1 if months.size else None
    values = np.append(risk, employees) if tail else risk
    peak = float(np.nanmax(values)) if values.size and not np.all(np.isnan(values)) else 0.0
    month: int | None = None
    if peak > 0:
        at = int(np.flatnonzero(np.nan_to_num(values, nan=-1.0) == peak)[0])
        month = int(months[at]) if at < len(risk) else after
    return peak, month, float(np.nansum(risk) + employees * tail)


def work_below_viable(
    sched: Schedule, plant_id: str, months: np.ndarray, working: np.ndarray, after: int
) -> list[dict[str, object]]:
    """Work in the book at a plant in months it is below its viable rate, from ``after`` on.

    Per package with load in those months: order, class, stage, first and last such month
    and the vehicle-equivalents then. This is known work that does not count as work: a
    factory on it alone cannot keep its workforce.
    """
    windows = sched.windows
    if windows.empty or not months.size:
        return []
    idle = (~working) & (months >= after)
    if not idle.any():
        return []
    columns = np.flatnonzero(np.isin(sched.months, months[idle]))
    out: list[dict[str, object]] = []
    for row in np.flatnonzero(windows["plant_id"].to_numpy() == plant_id):
        load = sched.load[row, columns]
        busy = np.flatnonzero(load > 1e-9)
        if not busy.size:
            continue
        w = windows.iloc[row]
        out.append(
            {
                "order_id": str(w["order_id"]),
                "class": str(w["class"]),
                "stage": str(w["stage"]),
                "from": month_label(int(sched.months[columns[busy[0]]])),
                "to": month_label(int(sched.months[columns[busy[-1]]])),
                "vehicle_equivalents": round(float(load.sum()), 1),
            }
        )
    return out


def outlook_from(
    profile: pd.DataFrame,
    sched: Schedule,
    months_table: pd.DataFrame,
    plants: pd.DataFrame,
    manufacturers: pd.DataFrame,
    staff: pd.DataFrame,
    as_of_month: int,
    a: Assumptions,
) -> pd.DataFrame:
    """Per plant, as seen from ``as_of_month``: backlog, run-out, next work, gap and jobs.

    ``months_table`` is :func:`plant_months`' output: one block of ``len(sched.months)``
    rows per plant, in the order of ``plants``.
    """
    horizon = int(a.number("outlook_horizon_months"))
    windows = sched.windows
    rank = windows["stage"].map(STAGE_RANK).to_numpy() if len(windows) else np.array([])
    top = (
        pd.Series(rank).groupby(windows["order_id"].to_numpy()).transform("max").to_numpy()
        if len(windows)
        else np.array([])
    )
    delivering = windows[rank == top] if len(windows) else windows
    share = delivering["vehicles"] / delivering.groupby("order_id")["vehicles"].transform("sum")
    prof = profile.loc[delivering["order_id"].to_numpy()]
    backlog = pd.DataFrame(
        {
            "plant_id": delivering["plant_id"].to_numpy(),
            "class": prof["class"].to_numpy(),
            "units": prof["backlog_units"].to_numpy() * share.to_numpy(),
            "vehicles": prof["backlog_vehicles"].to_numpy() * share.to_numpy(),
        }
    )
    names: dict[str, str] = {
        str(k): str(v)
        for k, v in zip(manufacturers["manufacturer_id"], manufacturers["name"], strict=False)
    }
    rows = []
    units_by_class = backlog.groupby(["plant_id", "class"], sort=True)["units"].sum()
    books: dict[str, dict[str, int]] = {}
    keys = units_by_class.index.to_list()
    for key, units in zip(keys, units_by_class.to_numpy(), strict=True):
        if round(units) > 0:
            books.setdefault(str(key[0]), {})[str(key[1])] = round(units)
    totals = backlog.groupby("plant_id")[["units", "vehicles"]].sum()
    series = staff_series(staff, a.number("year_only_month"))
    closed = closed_months(plants, a)
    opened = opened_months(plants, a)
    n_months = len(sched.months)
    if len(months_table) != n_months * len(plants):
        raise ValueError("months_table must hold one block of schedule months per plant")
    cols = {
        c: months_table[c].to_numpy() if len(months_table) else np.array([])
        for c in (
            "month",
            "vehicle_equivalents",
            "below_viable",
            "jobs_at_risk",
            "utilisation",
            "capacity",
            "capacity_basis",
            "employees",
        )
    }
    for i, plant in enumerate(plants.itertuples(index=False)):
        plant_id = str(plant.plant_id)
        block = slice(i * n_months, (i + 1) * n_months)
        run_out = next_work = peak_month = None
        gaps: list[dict[str, object]] = []
        below_work: list[dict[str, object]] = []
        peak = months_at_risk = utilisation = np.nan
        capacity = np.nan
        basis = "unknown"
        employees = float(staff_by_month(series, plant_id, np.array([as_of_month]))[0])
        if as_of_month >= closed[i] or as_of_month < opened[i]:
            employees = 0.0
        if n_months:
            months = cols["month"][block]
            working = ~cols["below_viable"][block] & (cols["vehicle_equivalents"][block] > 0)
            run_out, next_work = _run_out(working, months, as_of_month)
            window = (months >= as_of_month) & (months < as_of_month + horizon)
            # Past the end of all known work, the headcount of the schedule's last month
            # (after any closure or later headcount) is what is at risk.
            last_staff = float(np.nan_to_num(cols["employees"][block][-1], nan=employees))
            staff_for_risk = last_staff if plant.country == "GB" else np.nan
            peak, peak_month, months_at_risk = _jobs_at_risk(
                cols["jobs_at_risk"][block][window],
                months[window],
                staff_for_risk,
                horizon - int(window.sum()),
            )
            gaps = gap_stretches(
                PlantMonths(months, working, cols["jobs_at_risk"][block]),
                as_of_month,
                horizon,
                staff_for_risk,
                opened[i],
                closed[i],
            )
            below_work = work_below_viable(
                sched,
                plant_id,
                months[window],
                working[window],
                run_out + 1 if run_out is not None else as_of_month,
            )
            current = cols["utilisation"][block][months == as_of_month]
            utilisation = float(current[0]) if current.size else 0.0
            capacity = float(cols["capacity"][block][0])
            basis = str(cols["capacity_basis"][block][0])
        if next_work is not None and next_work < as_of_month + horizon:
            # Within the horizon the gap is the listed stretch before next work (none
            # before the plant opened).
            gap = gap_before(gaps, next_work)
        elif run_out is not None and next_work is not None:
            gap = next_work - run_out - 1
        elif run_out is None and next_work is not None:
            # No work yet: idle until then only if the plant is known to be open.
            gap = (
                max(next_work - max(as_of_month, int(np.ceil(opened[i]))), 0)
                if opened[i] == opened[i]
                else 0
            )
        else:
            gap = None
        multiplier = a.number("supply_chain_jobs_per_direct_job")
        rows.append(
            {
                "plant_id": plant.plant_id,
                "name": plant.name,
                "short_name": short_name(plant),
                "manufacturer": names.get(str(plant.manufacturer_id), plant.manufacturer_id),
                "country": plant.country,
                "opened": plant.opened,
                "closed": plant.closed,
                "capacity_vehicles_per_month": capacity,
                "capacity_basis": basis,
                "employees": employees,
                "backlog_units": round(float(totals["units"].get(plant_id, 0.0))),
                "backlog_vehicles": round(float(totals["vehicles"].get(plant_id, 0.0))),
                "backlog_by_class": books.get(plant_id, {}),
                "utilisation_now": utilisation,
                "run_out": month_label(run_out) if run_out is not None else None,
                "next_work": month_label(next_work) if next_work is not None else None,
                "gap_months": gap,
                "jobs_at_risk_peak": peak,
                "jobs_at_risk_peak_month": month_label(peak_month)
                if peak_month is not None
                else None,
                "jobs_at_risk_months": months_at_risk,
                "indirect_jobs_at_risk_peak": peak * multiplier,
                "gaps": gaps,
                "work_below_viable": below_work,
                "source": plant.source,
                "known_from": plant.known_from,
            }
        )
    return pd.DataFrame(rows, columns=OUTLOOK_FIELDS).astype(OUTLOOK_NUMBERS)


@dataclass(frozen=True)
class Loading:
    """Everything the loading engine derives for one as-of date."""

    as_of: dt.date
    profile: pd.DataFrame
    schedule: Schedule
    plant_months: pd.DataFrame
    outlook: pd.DataFrame


def work_windows(resolved: Dataset, profile: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """The packages' windows, kept to what each plant could do (:func:`package_windows`).

    Not before the plant opened, at least as long as its sourced rate allows, and ended
    where production is known to have ended.
    """
    plants = resolved["plants"]
    return package_windows(
        resolved["work_packages"],
        profile,
        a,
        rate=plant_build_rate(plants),
        ended=production_ends(resolved.tables.get("plant_events"), a),
        opened=pd.Series(opened_months(plants, a), index=plants["plant_id"].to_numpy()),
    )


def run_loading(resolved: Dataset, a: Assumptions) -> Loading:
    """Run the whole loading engine on a dataset already resolved with ``dataset.as_of``."""
    if resolved.as_of is None:
        raise ValueError("run_loading needs a dataset resolved with railgap.dataset.as_of")
    d = date_month(resolved.as_of)
    profile = order_profile(resolved["orders"], d, a)
    windows = work_windows(resolved, profile, a)
    plants = resolved["plants"]
    sched = schedule(windows, plant_capacity(plants, a))
    table = plant_months(sched, plants, resolved["plant_staff"], a)
    result = outlook_from(
        profile, sched, table, plants, resolved["manufacturers"], resolved["plant_staff"], d, a
    )
    return Loading(resolved.as_of, profile, sched, table, result)
