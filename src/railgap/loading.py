"""Plant loading: orders' work scheduled onto plants month by month, and what follows.

Pure functions over the dataset's tables (as resolved for one as-of date) and the
assumptions: no I/O. Months are integer month indices (``railgap.dates``).

The model, in order:

1. **Delivery profile** (:func:`order_profile`): each order's first and last handover month,
   taken from actual dates, else planned ones, else derived from entry into service or the
   signing date with named assumptions; units handed over by the as-of month (all, once a
   completion is known; else the stated count; else pro rata along the known window).
2. **Work windows** (:func:`package_windows`): each work package's months at its plant, as a
   source dates them, else derived from the delivery window (assembly ends a hand-over lag
   before delivery; bodyshells precede assembly).
3. **Schedule** (:func:`schedule`): each package's vehicle-equivalents (vehicles x the
   stage's share of a vehicle's work) spread evenly over its window; where a plant's stated
   capacity is exceeded, the excess moves to the next month, so capacity is never exceeded
   and no work is lost.
4. **Plant-months** (:func:`plant_months`): load, utilisation, labour needed, jobs at risk.
5. **Outlook** (:func:`outlook`): per plant, backlog, run-out, next work, gap and jobs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from railgap.assumptions import Assumptions
from railgap.dataset import Dataset
from railgap.dates import date_month, month_label

#: Stages that hand a finished vehicle over, highest last: the plant doing the highest
#: of these for an order is the plant that delivers it.
STAGE_RANK = {"bodyshell": 0, "assembly": 1, "full": 1, "test": 2}
#: The tables the loading engine reads.
LOADING_TABLES = ("manufacturers", "plants", "plant_staff", "orders", "work_packages")


def _months(frame: pd.DataFrame, column: str, year_only_month: float) -> np.ndarray:
    """Month indices of a date column (NaN where empty), year-only dates at mid-year."""
    years = frame[f"{column}_y"].to_numpy(dtype="float64")
    months = frame[f"{column}_mo"].to_numpy(dtype="float64")
    return years * 12 + np.where(np.isnan(months), year_only_month, months) - 1


def _first(*arrays: np.ndarray) -> np.ndarray:
    """Element-wise first non-NaN value of several arrays."""
    out = arrays[0].copy()
    for array in arrays[1:]:
        out = np.where(np.isnan(out), array, out)
    return out


def order_profile(orders: pd.DataFrame, as_of_month: int, a: Assumptions) -> pd.DataFrame:
    """Per order: vehicles, delivery window (months), units delivered and backlog."""
    yom = a.number("year_only_month")
    units = orders["units"].to_numpy(dtype="float64")
    cars = orders["cars_per_unit"].to_numpy(dtype="float64")
    vehicles = units * cars
    # An order with no signing date was signed by the time it was public at the latest.
    signed = _first(_months(orders, "signed", yom), _months(orders, "known_from", yom))
    service = _first(
        _months(orders, "actual_entry_into_service", yom),
        _months(orders, "planned_entry_into_service", yom),
    )
    first = _first(
        _months(orders, "actual_first_delivery", yom),
        _months(orders, "planned_first_delivery", yom),
        service - a.number("delivery_to_service_months"),
        signed + a.number("signing_to_first_delivery_months"),
    )
    basis = np.where(
        ~np.isnan(_months(orders, "actual_first_delivery", yom)),
        "actual",
        np.where(
            ~np.isnan(_months(orders, "planned_first_delivery", yom)),
            "planned",
            np.where(~np.isnan(service), "from entry into service", "from signing"),
        ),
    )
    actual_last = _months(orders, "actual_last_delivery", yom)
    rate = a.number("delivery_rate_vehicles_per_month")
    last = _first(
        actual_last,
        _months(orders, "planned_last_delivery", yom),
        first + np.ceil(vehicles / rate) - 1,
    )
    # The last unit is not handed over before the first passenger service.
    last = np.maximum(np.maximum(last, first), np.where(np.isnan(service), first, service))
    complete = ~np.isnan(actual_last) & (actual_last <= as_of_month)
    stated = orders["units_delivered"].to_numpy(dtype="float64", na_value=np.nan)
    # A train is not delivered until something says so: an order whose planned first
    # delivery has passed with no delivery or service known is overdue, and its whole
    # delivery window moves to start the month after the as-of month.
    started = (
        complete
        | (_months(orders, "actual_first_delivery", yom) <= as_of_month)
        | (_months(orders, "actual_entry_into_service", yom) <= as_of_month)
        | (np.nan_to_num(stated) > 0)
    )
    overdue = ~started & (first <= as_of_month)
    shift = np.where(overdue, as_of_month + 1 - first, 0.0)
    first = first + shift
    last = last + shift
    basis = np.where(overdue, "overdue: moved after as-of", basis)
    # Handed over means accepted: before a first passenger service is known, only the
    # units a source says were delivered count. After it, deliveries run pro rata to the
    # last delivery, from the stated count at its date when there is one.
    in_service = _months(orders, "actual_entry_into_service", yom) <= as_of_month
    stated_at = _months(orders, "known_from", yom)
    progress = np.clip((as_of_month - first + 1) / (last - first + 1), 0.0, 1.0)
    since = np.clip((as_of_month - stated_at) / np.maximum(last - stated_at, 1.0), 0.0, 1.0)
    progress = np.where(np.isnan(progress), 0.0, progress)
    since = np.where(np.isnan(since), 0.0, since)
    running = np.where(
        np.isnan(stated), np.floor(units * progress), stated + np.floor((units - stated) * since)
    )
    delivered = np.where(complete, units, np.where(in_service, running, np.nan_to_num(stated)))
    cancelled = (orders["status"] == "cancelled").to_numpy()
    delivered = np.where(cancelled, 0.0, np.minimum(delivered, units))
    backlog = np.where(cancelled, 0.0, units - delivered)
    return pd.DataFrame(
        {
            "order_id": orders["order_id"].to_numpy(),
            "class": orders["class"].to_numpy(),
            "status": orders["status"].to_numpy(),
            "manufacturer_id": orders["manufacturer_id"].to_numpy(),
            "operator": orders["operator"].to_numpy(),
            "units": units,
            "cars_per_unit": cars,
            "vehicles": vehicles,
            "first_delivery": first,
            "last_delivery": last,
            "delivery_basis": basis,
            "units_delivered": delivered,
            "backlog_units": backlog,
            "backlog_vehicles": backlog * cars,
            "source": orders["source"].to_numpy(),
            "known_from": orders["known_from"].to_numpy(),
        }
    ).set_index("order_id")


#: Stages whose packages share out one order's vehicles between plants.
STAGE_GROUP = {"bodyshell": "bodyshell", "assembly": "build", "full": "build", "test": "test"}


def _package_vehicles(
    live: pd.DataFrame, order_vehicles: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vehicles per package: as stated, else an equal split of what no row states.

    Within one order and stage group (bodyshells; assembly or full build; test), the
    order's vehicles not given by stated rows are shared equally by the rows that give none.
    """
    stated = live["vehicles"].to_numpy(dtype="float64", na_value=np.nan)
    missing = np.isnan(stated)
    if not missing.any():
        return stated, np.full(stated.shape, "stated", dtype=object)
    group = pd.Series(live["stage"].map(STAGE_GROUP).to_numpy())
    keys = pd.Series(live["order_id"].to_numpy()) + "|" + group
    stated_sum = pd.Series(np.where(missing, 0.0, stated)).groupby(keys).transform("sum")
    n_missing = pd.Series(missing.astype(float)).groupby(keys).transform("sum")
    rest = np.maximum(order_vehicles - stated_sum.to_numpy(), 0.0)
    split = rest / np.maximum(n_missing.to_numpy(), 1.0)
    vehicles = np.where(missing, split, stated)
    basis = np.where(missing, "split equally", "stated").astype(object)
    return vehicles, basis


def package_windows(packages: pd.DataFrame, profile: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Per work package: plant, stage, vehicle-equivalents and its window of months."""
    live = packages[packages["order_id"].isin(profile.index[profile["status"] != "cancelled"])]
    yom = a.number("year_only_month")
    prof = profile.loc[live["order_id"].to_numpy()]
    first = prof["first_delivery"].to_numpy()
    last = prof["last_delivery"].to_numpy()
    stage = live["stage"].to_numpy().astype(str)
    lead = a.number("assembly_lead_months")
    lag = a.number("handover_lag_months")
    shell = a.number("bodyshell_lead_months")
    is_test = stage == "test"
    is_shell = stage == "bodyshell"
    start = np.where(is_test, first - lag, first - lead) - np.where(is_shell, shell, 0.0)
    end = np.where(is_test, last, last - lag) - np.where(is_shell, shell, 0.0)
    end = np.maximum(end, start)
    stated_start = _months(live, "build_start", yom)
    stated_end = _months(live, "build_end", yom)
    length = end - start
    start = np.where(
        ~np.isnan(stated_start),
        stated_start,
        np.where(~np.isnan(stated_end), stated_end - length, start),
    )
    # A stated start alone keeps the derived end if that is later (an overdue order).
    end = np.where(~np.isnan(stated_end), stated_end, np.maximum(start + length, end))
    end = np.maximum(end, start)
    shares = a.table("stage_share")
    share = np.array([shares[s] for s in stage], dtype="float64")
    vehicles, vehicles_basis = _package_vehicles(live, prof["vehicles"].to_numpy())
    basis = np.where(
        ~np.isnan(stated_start) & ~np.isnan(stated_end),
        "stated",
        np.where(~np.isnan(stated_start) | ~np.isnan(stated_end), "partly stated", "derived"),
    )
    return pd.DataFrame(
        {
            "order_id": live["order_id"].to_numpy(),
            "plant_id": live["plant_id"].to_numpy(),
            "stage": stage,
            "class": prof["class"].to_numpy(),
            "vehicles": vehicles,
            "vehicle_equivalents": vehicles * share,
            "start": np.round(start).astype("int64"),
            "end": np.round(end).astype("int64"),
            "window_basis": basis,
            "vehicles_basis": vehicles_basis,
            "source": live["source"].to_numpy(),
            "known_from": live["known_from"].to_numpy(),
        }
    )


@dataclass(frozen=True)
class Schedule:
    """Work packages' vehicle-equivalents by month (``load[p, m]`` for package ``p``)."""

    windows: pd.DataFrame
    first_month: int
    load: np.ndarray

    @property
    def months(self) -> np.ndarray:
        """Month index of each column of ``load``."""
        return self.first_month + np.arange(self.load.shape[1])


def _cap_plant(load: np.ndarray, capacity: float) -> None:
    """Move work above ``capacity`` to the next month, in place, proportionally per package."""
    totals = load.sum(axis=0)
    over = np.flatnonzero(totals > capacity * (1 + 1e-9))
    if over.size == 0:
        return
    for m in range(int(over[0]), load.shape[1] - 1):
        total = load[:, m].sum()
        if total > capacity * (1 + 1e-9):
            keep = load[:, m] * (capacity / total)
            load[:, m + 1] += load[:, m] - keep
            load[:, m] = keep


def schedule(windows: pd.DataFrame, capacity: pd.Series) -> Schedule:
    """Spread each package evenly over its window, then enforce each plant's capacity.

    ``capacity`` maps plant_id to stated vehicles/month (NaN where no source states one:
    such plants are not capped). Work pushed past a window is carried forward, never lost.
    """
    if windows.empty:
        return Schedule(windows, 0, np.zeros((0, 0)))
    start = windows["start"].to_numpy()
    end = windows["end"].to_numpy()
    ve = windows["vehicle_equivalents"].to_numpy()
    caps = capacity.reindex(windows["plant_id"]).to_numpy(dtype="float64")
    first = int(start.min())
    # Room after the last window for work pushed forward by capacity limits.
    with np.errstate(divide="ignore", invalid="ignore"):
        spill = np.nansum(ve / np.where(caps > 0, caps, np.nan))
    horizon = int(end.max()) - first + 1 + int(np.ceil(spill)) + 1
    months = first + np.arange(horizon)
    inside = (months >= start[:, None]) & (months <= end[:, None])
    load = inside * (ve / (end - start + 1))[:, None]
    plant_ids = windows["plant_id"].to_numpy()
    for plant_id in pd.unique(plant_ids):
        cap = capacity.get(plant_id, np.nan)
        if cap == cap and cap > 0:  # not NaN
            rows = plant_ids == plant_id
            block = load[rows]
            _cap_plant(block, float(cap))
            load[rows] = block
    used = np.flatnonzero(load.sum(axis=0) > 1e-12)
    width = int(used[-1]) + 1 if used.size else 1
    return Schedule(windows, first, load[:, :width])


def plant_capacity(plants: pd.DataFrame, a: Assumptions) -> pd.Series:
    """Stated capacity per plant id in vehicle-equivalents a month (NaN where none is stated).

    A source's "vehicles a month" counts vehicles through the stages the plant does: a plant
    that assembles and tests imported bodyshells has, in whole-vehicle work, its stated rate
    times the shares of assembly and test. A plant with no stages listed counts as doing all.
    """
    shares = a.table("stage_share")
    staged = [
        sum(shares[stage] for stage in stages.split(";"))
        if isinstance(stages, str) and stages
        else 1.0
        for stages in plants["stages"]
    ]
    stated = plants["capacity_vehicles_per_month"].to_numpy(dtype="float64")
    return pd.Series(
        stated * np.array(staged, dtype="float64"), index=plants["plant_id"].to_numpy()
    )


StaffSeries = dict[str, tuple[np.ndarray, np.ndarray]]


def staff_series(staff: pd.DataFrame, yom: float) -> StaffSeries:
    """Per plant: headcount dates (month indices, sorted) and the headcounts."""
    dated = _months(staff, "date", yom)
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


def plant_months(
    sched: Schedule, plants: pd.DataFrame, staff: pd.DataFrame, a: Assumptions
) -> pd.DataFrame:
    """Per plant and month: load, capacity, utilisation, labour needed and jobs at risk.

    Capacity is the stated one, else the plant's peak scheduled month (``capacity_basis``
    says which). Labour needed scales the plant's headcount with its load relative to
    capacity; jobs are at risk in months below the minimum viable rate
    (``min_viable_share`` x capacity): the headcount less the labour the load needs.
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
    employees = (
        np.vstack([staff_by_month(series, str(p), months) for p in ids])
        if n_plants
        else (np.zeros((0, n_months)))
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        utilisation = load / cap[:, None]
        labour = employees * np.minimum(utilisation, 1.0)
    viable = np.where(np.isnan(cap), 0.0, a.number("min_viable_share") * cap)
    below = load < viable[:, None] - 1e-9
    at_risk = np.where(below, np.maximum(employees - labour, 0.0), 0.0)
    at_risk[plants["country"].to_numpy() != "GB"] = np.nan
    return pd.DataFrame(
        {
            "plant_id": np.repeat(ids, n_months),
            "month": np.tile(months, n_plants),
            "vehicle_equivalents": load.ravel(),
            "capacity": np.repeat(cap, n_months),
            "capacity_basis": np.repeat(basis, n_months),
            "utilisation": utilisation.ravel(),
            "employees": employees.ravel(),
            "labour_needed": labour.ravel(),
            "below_viable": below.ravel(),
            "jobs_at_risk": at_risk.ravel(),
            "indirect_jobs_at_risk": at_risk.ravel() * a.number("supply_chain_jobs_per_direct_job"),
        }
    )


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
    if future.size and future[0]:
        breaks = np.flatnonzero(~future)
        run_out = int(future_months[breaks[0] - 1]) if breaks.size else int(future_months[-1])
        later = future_months[(future_months > run_out) & future]
        return run_out, int(later[0]) if later.size else None
    last_viable = int(past_working[-1]) if past_working.size else None
    later = future_months[future]
    return last_viable, int(later[0]) if later.size else None


def _jobs_at_risk(risk: np.ndarray, employees: float, idle_tail: int) -> tuple[float, float]:
    """Peak and summed jobs at risk over the horizon.

    ``risk`` holds the scheduled months inside the horizon; the ``idle_tail`` months of the
    horizon past the end of all known work carry no load, so the whole headcount is at risk.
    NaN when the headcount is unknown (or the plant is not in GB).
    """
    if employees != employees:
        return np.nan, np.nan
    tail = max(idle_tail, 0)
    values = np.append(risk, employees) if tail else risk
    peak = float(np.nanmax(values)) if values.size else 0.0
    return peak, float(np.nansum(risk) + employees * tail)


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
        )
    }
    for i, plant in enumerate(plants.itertuples(index=False)):
        plant_id = str(plant.plant_id)
        block = slice(i * n_months, (i + 1) * n_months)
        run_out = next_work = None
        peak = months_at_risk = utilisation = np.nan
        capacity = np.nan
        basis = "unknown"
        employees = float(staff_by_month(series, plant_id, np.array([as_of_month]))[0])
        if n_months:
            months = cols["month"][block]
            working = ~cols["below_viable"][block] & (cols["vehicle_equivalents"][block] > 0)
            run_out, next_work = _run_out(working, months, as_of_month)
            window = (months >= as_of_month) & (months < as_of_month + horizon)
            staff_for_risk = employees if plant.country == "GB" else np.nan
            peak, months_at_risk = _jobs_at_risk(
                cols["jobs_at_risk"][block][window], staff_for_risk, horizon - int(window.sum())
            )
            current = cols["utilisation"][block][months == as_of_month]
            utilisation = float(current[0]) if current.size else 0.0
            capacity = float(cols["capacity"][block][0])
            basis = str(cols["capacity_basis"][block][0])
        if run_out is not None and next_work is not None:
            gap = next_work - run_out - 1
        elif run_out is None and next_work is not None:
            gap = max(next_work - as_of_month, 0)
        else:
            gap = None
        multiplier = a.number("supply_chain_jobs_per_direct_job")
        rows.append(
            {
                "plant_id": plant.plant_id,
                "name": plant.name,
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
                "jobs_at_risk_months": months_at_risk,
                "indirect_jobs_at_risk_peak": peak * multiplier,
                "source": plant.source,
                "known_from": plant.known_from,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Loading:
    """Everything the loading engine derives for one as-of date."""

    as_of: dt.date
    profile: pd.DataFrame
    schedule: Schedule
    plant_months: pd.DataFrame
    outlook: pd.DataFrame


def run_loading(resolved: Dataset, a: Assumptions) -> Loading:
    """Run the whole loading engine on a dataset already resolved with ``dataset.as_of``."""
    if resolved.as_of is None:
        raise ValueError("run_loading needs a dataset resolved with railgap.dataset.as_of")
    d = date_month(resolved.as_of)
    profile = order_profile(resolved["orders"], d, a)
    windows = package_windows(resolved["work_packages"], profile, a)
    plants = resolved["plants"]
    sched = schedule(windows, plant_capacity(plants, a))
    table = plant_months(sched, plants, resolved["plant_staff"], a)
    result = outlook_from(
        profile, sched, table, plants, resolved["manufacturers"], resolved["plant_staff"], d, a
    )
    return Loading(resolved.as_of, profile, sched, table, result)
