"""Scheduling: each order's delivery profile and its work packages' months at each plant.

Pure functions over the dataset's tables (as resolved for one as-of date) and the
assumptions: no I/O. Months are integer month indices (``railgap.dataset.dates``).

1. **Delivery profile** (:func:`order_profile`): each order's first and last handover month,
   taken from actual dates, else planned ones, else derived from entry into service or the
   signing date with named assumptions; units handed over by the as-of month (all, once a
   completion is known; before a first passenger service, only the stated count; after it,
   pro rata along the known window). An order whose first delivery has passed with nothing
   delivered is overdue and moves after the as-of month.
2. **Work windows** (:func:`package_windows`): each work package's months at its plant, as a
   source dates them, else derived from the delivery window (assembly ends a hand-over lag
   before delivery; bodyshells precede assembly), never starting before the order's signing.
3. **Schedule** (:func:`schedule`): each package's vehicle-equivalents (vehicles x the
   stage's share of a vehicle's work) spread evenly over its window; where a plant's stated
   capacity is exceeded, the excess moves to the next month, so capacity is never exceeded
   and no work is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from railgap.dataset.assumptions import Assumptions
from railgap.dataset.errors import RailgapError

#: Resource guards: the longest schedule built (months) and the most package-months held in
#: memory. Work that would need more at the plants' capacities is refused rather than
#: allocated (a hostile or mistyped scenario); real datasets need a few hundred thousand cells.
MAX_SCHEDULE_MONTHS = 50_000
MAX_SCHEDULE_CELLS = 20_000_000


class ScheduleTooLongError(RailgapError, ValueError):
    """The work given would need a schedule longer or larger than the resource guards."""


#: Order statuses that build nothing: cancelled orders and options not exercised.
UNBUILT = ("cancelled", "open_option")


def date_months(frame: pd.DataFrame, column: str, year_only_month: float) -> np.ndarray:
    """Month indices of a date column (NaN where empty), year-only dates at mid-year."""
    years = frame[f"{column}_y"].to_numpy(dtype="float64")
    months = frame[f"{column}_mo"].to_numpy(dtype="float64")
    return years * 12 + np.where(np.isnan(months), year_only_month, months) - 1


def stage_shares(packages: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which of an order's work packages do work, and each one's share of its stage.

    A package's vehicles are its stated count, or the mean of the stated ones when empty
    (1 each if none is stated). A package stated at 0 vehicles (a superseded plan: "not
    built here") does none of the work, so it gets no share: the first array says which
    packages keep one, the second gives their shares, which sum to 1 per stage.
    """
    stated = packages["vehicles"].to_numpy(dtype="float64", na_value=np.nan)
    fill = np.nanmean(stated) if (~np.isnan(stated)).any() else 1.0
    counts = np.where(np.isnan(stated), fill, stated)
    working = counts > 0
    stage = packages["stage"].to_numpy().astype(str)[working]
    totals = pd.Series(counts[working]).groupby(stage).transform("sum").to_numpy()
    return working, counts[working] / totals


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
    signed = _first(date_months(orders, "signed", yom), date_months(orders, "known_from", yom))
    service = _first(
        date_months(orders, "actual_entry_into_service", yom),
        date_months(orders, "planned_entry_into_service", yom),
    )
    first = _first(
        date_months(orders, "actual_first_delivery", yom),
        date_months(orders, "planned_first_delivery", yom),
        service - a.number("delivery_to_service_months"),
        signed + a.number("signing_to_first_delivery_months"),
    )
    basis = np.where(
        ~np.isnan(date_months(orders, "actual_first_delivery", yom)),
        "actual",
        np.where(
            ~np.isnan(date_months(orders, "planned_first_delivery", yom)),
            "planned",
            np.where(~np.isnan(service), "from entry into service", "from signing"),
        ),
    )
    actual_last = date_months(orders, "actual_last_delivery", yom)
    rate = a.number("delivery_rate_vehicles_per_month")
    dated_last = _first(actual_last, date_months(orders, "planned_last_delivery", yom))
    last = _first(dated_last, first + np.ceil(vehicles / rate) - 1)
    # The last unit is not handed over before the first passenger service.
    last = np.maximum(np.maximum(last, first), np.where(np.isnan(service), first, service))
    complete = ~np.isnan(actual_last) & (actual_last <= as_of_month)
    stated = orders["units_delivered"].to_numpy(dtype="float64", na_value=np.nan)
    # A train is not delivered until something says so: an order whose planned first
    # delivery has passed with no delivery or service known is overdue, and its delivery
    # window moves to start the month after the as-of month. A dated last delivery still
    # ahead stands (a plan holds until a source moves it: the window is squeezed); one
    # already past, or a derived one, moves with the start.
    started = (
        complete
        | (date_months(orders, "actual_first_delivery", yom) <= as_of_month)
        | (date_months(orders, "actual_entry_into_service", yom) <= as_of_month)
        | (np.nan_to_num(stated) > 0)
    )
    overdue = ~started & (first <= as_of_month)
    shift = np.where(overdue, as_of_month + 1 - first, 0.0)
    first = first + shift
    squeeze = overdue & ~np.isnan(dated_last) & (dated_last > first)
    last = np.where(squeeze, last, last + shift)
    basis = np.where(overdue, "overdue: moved after as-of", basis)
    # Handed over means accepted: before a first passenger service is known, only the
    # units a source says were delivered count. After it, deliveries run pro rata to the
    # last delivery, from the stated count at its date when there is one.
    in_service = date_months(orders, "actual_entry_into_service", yom) <= as_of_month
    # The date of the stated count is that of the row that stated it (carried with it).
    stated_month = date_months(orders, "units_delivered_at", yom)
    stated_at = np.where(
        np.isnan(stated_month), date_months(orders, "known_from", yom), stated_month
    )
    progress = np.clip((as_of_month - first + 1) / (last - first + 1), 0.0, 1.0)
    since = np.clip((as_of_month - stated_at) / np.maximum(last - stated_at, 1.0), 0.0, 1.0)
    progress = np.where(np.isnan(progress), 0.0, progress)
    since = np.where(np.isnan(since), 0.0, since)
    running = np.where(
        np.isnan(stated), np.floor(units * progress), stated + np.floor((units - stated) * since)
    )
    delivered = np.where(complete, units, np.where(in_service, running, np.nan_to_num(stated)))
    cancelled = orders["status"].isin(UNBUILT).to_numpy()
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
            "signed": date_months(orders, "signed", yom),
            "first_delivery": first,
            "last_delivery": last,
            "delivery_basis": basis,
            # No source dates the last delivery: the window is the generic rate's.
            "last_at_generic_rate": np.isnan(dated_last),
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


def production_ends(events: pd.DataFrame | None, a: Assumptions) -> pd.DataFrame:
    """Dated facts that factory production ended: plant, order (empty: all work), month.

    Read from ``plant_events`` rows of kind ``production_end`` marked ``engine_input``
    (facts, never forward-looking statements), as resolved for the as-of date: the month
    is the last of the period the source gives (production had ended by then). One row per
    order named (an event may name several).
    """
    columns = ["plant_id", "order_id", "month", "event_id"]
    if events is None or events.empty:
        return pd.DataFrame(columns=columns)
    facts = events[(events["kind"] == "production_end") & (events["engine_input"] == "yes")]
    if facts.empty:
        return pd.DataFrame(columns=columns)
    month = date_months(facts, "period_to", a.number("year_only_month"))
    if "period_to_mo" in facts:
        # A year alone ("finished in 2019") ends at its last month, not mid-year.
        month = np.where(
            facts["period_to_mo"].isna().to_numpy(),
            facts["period_to_y"].to_numpy(dtype="float64") * 12 + 11,
            month,
        )
    frame = pd.DataFrame(
        {
            "plant_id": facts["plant_id"].to_numpy(),
            "order_id": facts["order_id"].fillna("").astype(str).str.split(";").to_numpy(),
            "month": month,
            "event_id": facts["event_id"].to_numpy(),
        }
    )
    # An event naming several orders (a fleet built under them) ends each of them.
    return frame.explode("order_id", ignore_index=True).astype({"order_id": str})


def _production_end_months(
    live: pd.DataFrame, start: np.ndarray, ends: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Per package, the earliest month production is known to have ended (NaN if none).

    An order's fact ends that order's packages at the plant. A plant-wide fact (no order:
    "the last car of all its work") ends the work then under way: packages at the plant
    whose window had begun by that month. Later work (a later order, or an overdue one
    whose window has moved after the as-of date) is not said to have ended.
    """
    out = np.full(len(live), np.nan)
    which = np.full(len(live), "", dtype=object)
    plants = live["plant_id"].to_numpy().astype(str)
    orders = live["order_id"].to_numpy().astype(str)
    facts = zip(
        ends["plant_id"].astype(str),
        ends["order_id"].astype(str),
        ends["month"].to_numpy(dtype="float64"),
        ends["event_id"].astype(str),
        strict=True,
    )
    for plant_id, order_id, month, event_id in facts:
        applies = (plants == plant_id) & ((orders == order_id) if order_id else (start <= month))
        earlier = applies & ~(out <= month)
        out = np.where(earlier, month, out)
        which = np.where(earlier, event_id, which)
    return out, which


def package_windows(
    packages: pd.DataFrame,
    profile: pd.DataFrame,
    a: Assumptions,
    rate: pd.Series | None = None,
    ended: pd.DataFrame | None = None,
    opened: pd.Series | None = None,
) -> pd.DataFrame:
    """Per work package: plant, stage, vehicle-equivalents and its window of months.

    Three rules keep factory work to what the plant could do:

    - **Plant opening.** No derived work before the plant opened (``opened``: month per
      plant id, NaN when no source dates it): the window moves to start then.

    - **Plant rate.** Where no source dates a package's end nor its order's last delivery
      (so the delivery window is the generic ``delivery_rate_vehicles_per_month``'s), and
      a source gives the plant's sustained rate (``rate``, vehicles a month,
      :func:`plant_build_rate`), the window lasts at least as long as its vehicles take at
      the plant's rate: a derived window never has a plant build faster than it ever did.
      It is not shortened to the plant's rate: that rate is the whole plant's, over all its
      lines and orders, and one order seldom gets all of it (Newton Aycliffe's 2015-20 rate
      would have its 2021-24 orders, and Derby's its 2025 bridging order, done in months).
      Plants with no sourced rate keep the generic window (a named assumption).
    - **Production ended.** A dated fact that production ended (``ended``, see
      :func:`production_ends`) ends the window there: vehicles still to hand over are no
      longer factory work.
    """
    live = packages[packages["order_id"].isin(profile.index[~profile["status"].isin(UNBUILT)])]
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
    stated_start = date_months(live, "build_start", yom)
    stated_end = date_months(live, "build_end", yom)
    length = end - start
    start = np.where(
        ~np.isnan(stated_start),
        stated_start,
        np.where(~np.isnan(stated_end), stated_end - length, start),
    )
    # A stated start alone keeps the derived end if that is later (an overdue order).
    end = np.where(~np.isnan(stated_end), stated_end, np.maximum(start + length, end))
    # No derived work before the order is signed (when a source dates the signing): the
    # window is squeezed, not moved.
    signed = prof["signed"].to_numpy(dtype="float64")
    start = np.where(np.isnan(stated_start), np.fmax(start, signed), start)
    end = np.maximum(end, start)
    # No derived work at a plant before it opened (when a source dates the opening): the
    # window moves to start then, keeping its length (a stated end squeezes it instead).
    before_open = np.zeros(len(live), dtype=bool)
    if opened is not None:
        opens = opened.reindex(live["plant_id"].to_numpy()).to_numpy(dtype="float64")
        before_open = np.isnan(stated_start) & (start < opens)
        moved = np.where(before_open, opens - start, 0.0)
        start = start + moved
        end = np.where(np.isnan(stated_end), end + moved, np.maximum(end, start))
    shares = a.table("stage_share")
    share = np.array([shares[s] for s in stage], dtype="float64")
    vehicles, vehicles_basis = _package_vehicles(live, prof["vehicles"].to_numpy())
    basis = np.where(
        ~np.isnan(stated_start) & ~np.isnan(stated_end),
        "stated",
        np.where(~np.isnan(stated_start) | ~np.isnan(stated_end), "partly stated", "derived"),
    ).astype(object)
    basis = np.where(before_open, basis + ", moved to the plant's opening", basis)
    if rate is not None:
        per_month = rate.reindex(live["plant_id"].to_numpy()).to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            months = np.ceil(vehicles / np.where(per_month > 0, per_month, np.nan))
        at_rate = start + np.maximum(months, 1.0) - 1
        generic = prof["last_at_generic_rate"].to_numpy(dtype=bool)
        use = generic & np.isnan(stated_end) & ~np.isnan(at_rate) & (at_rate > end)
        end = np.where(use, at_rate, end)
        basis = np.where(use, basis + ", stretched to the plant's rate", basis)
    if ended is not None and not ended.empty:
        stop, event = _production_end_months(live, start, ended)
        cut = ~np.isnan(stop) & (stop < end)
        end = np.where(cut, stop, end)
        start = np.minimum(start, end)
        basis = np.where(cut, basis + ", production ended (" + event + ")", basis)
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
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        spill = np.nansum(ve / np.where(caps > 0, caps, np.nan))
    months_needed = float(end.max()) - first + 2 + np.ceil(spill)  # may be inf
    if months_needed > MAX_SCHEDULE_MONTHS or months_needed * len(windows) > MAX_SCHEDULE_CELLS:
        shown = f"{months_needed:,.0f}" if months_needed < 1e9 else "over 1,000,000,000"
        raise ScheduleTooLongError(
            f"the work would take up to {shown} months to build at the plants' capacities "
            f"(at most {MAX_SCHEDULE_MONTHS:,} months and {MAX_SCHEDULE_CELLS:,} package-months):"
            " check the units and capacities given"
        )
    horizon = int(months_needed)
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

    A source's "vehicles a month" counts vehicles through the stages it was measured on:
    the plant's stages, or ``capacity_stages`` where the figure dates from before the plant
    added a stage (Newton Aycliffe's 35 a month was stated when it only assembled; its
    welding shop of 2021 did not make that 35 whole vehicles). A plant that assembles and
    tests imported bodyshells has, in whole-vehicle work, its stated rate times the shares
    of assembly and test. A plant with no stages listed counts as doing all.
    """
    stated = plants["capacity_vehicles_per_month"].to_numpy(dtype="float64")
    basis = plants["stages"]
    if "capacity_stages" in plants:
        own = plants["capacity_stages"]
        given = own.notna() & (own.astype("string").fillna("") != "")
        basis = own.where(given, plants["stages"])
    return pd.Series(stated * stage_fraction(basis, a), index=plants["plant_id"].to_numpy())


def plant_build_rate(plants: pd.DataFrame) -> pd.Series:
    """Sourced sustained rate per plant id, in vehicles a month (NaN where none is sourced).

    Vehicles pass through each of the plant's stages at this pace, so a package of any
    stage takes its vehicles divided by this rate (not its vehicle-equivalents).
    """
    if "build_rate_vehicles_per_month" not in plants:
        return pd.Series(np.nan, index=plants["plant_id"].to_numpy(), dtype="float64")
    stated = plants["build_rate_vehicles_per_month"].to_numpy(dtype="float64")
    return pd.Series(stated, index=plants["plant_id"].to_numpy())


def stage_fraction(plants: pd.DataFrame | pd.Series, a: Assumptions) -> np.ndarray:
    """Vehicle-equivalents of one vehicle's work at each plant: its stages' shares summed.

    ``plants`` is the plants table (its ``stages``) or a series of stage lists. A plant
    with no stages listed counts as doing all (1.0).
    """
    stage_lists = plants if isinstance(plants, pd.Series) else plants["stages"]
    shares = a.table("stage_share")
    return np.array(
        [
            sum(shares[stage] for stage in stages.split(";"))
            if isinstance(stages, str) and stages
            else 1.0
            for stages in stage_lists
        ],
        dtype="float64",
    )
