"""Fleet turnover: the national fleet by year, its age, its retirements and the demand they make.

Pure functions over the ``fleets`` table (as resolved for one as-of date) and the
assumptions; no I/O. The model, in order:

1. **Cohorts** (:func:`cohorts`): each fleet's vehicles (units x cars per unit) spread evenly
   over its construction years; a subclass with none takes its class's span, a fleet on
   order with none the delivery window of its orders (by class), else its first service year.
   A cohort enters service in its construction year, or the fleet's first passenger service
   if that is later (vehicles built and stored awaiting approval are not yet in service).
2. **Retirement** (:func:`retirement_years`): a fully withdrawn fleet retires evenly between
   its first and last withdrawal; a partly withdrawn one retires the units no longer in service
   by the date of that count; what remains retires at an announced withdrawal date, else at
   construction year + service life, but never before the year after the as-of date (it was
   running then). A diesel-only policy year, when set, caps diesel-only retirements.
3. **Years** (:func:`fleet_years`): per year, vehicles in service, vehicle-weighted average
   age, vehicles retired and delivered, by traction and segment.
4. **Demand** (:func:`demand`, :func:`allocate`): from the as-of year on, the fleet needed
   (the as-of fleet grown at ``fleet_growth_per_year``) less the fleet there will be
   (existing and committed); the increase of that shortfall is the new vehicles needed and
   not yet ordered, split between tractions and segments by their own like-for-like
   shortfalls. The smooth level is the least constant annual delivery that meets every
   year's cumulative need from the first year new orders can deliver.
5. **Fleet with replacements** (:func:`with_replacements`): the survivors (existing and
   committed stock still in service, step 3) plus the new stock the smooth level delivers,
   plus the stock kept running beyond its life until its replacement arrives (need that
   falls due before new orders can deliver is not met by withdrawing trains with nothing to
   replace them). Need due before the first delivery year (the backlog) is met from what the
   smooth level delivers beyond each year's own need: ``needed_spread_vehicles`` is the need
   as new trains can arrive, ``needed_unordered_vehicles`` the need when it falls due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from railgap.dataset.assumptions import Assumptions
from railgap.dataset.errors import DataError, Problem

DIESEL_ONLY = ("dmu", "demu", "hst", "loco_diesel")


def _year(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Year of a partial-date column as floats (NaN where empty)."""
    return frame[f"{column}_y"].to_numpy(dtype="float64")


def fleet_vehicles(fleets: pd.DataFrame) -> np.ndarray:
    """Passenger vehicles of each fleet as built: as stated, else units x cars per unit."""
    units = fleets["units"].to_numpy(dtype="float64", na_value=np.nan)
    cars = fleets["cars_per_unit"].to_numpy(dtype="float64", na_value=np.nan)
    stated = fleets["vehicles"].to_numpy(dtype="float64", na_value=np.nan)
    return np.asarray(np.where(np.isnan(stated), units * cars, stated), dtype="float64")


def build_window(
    fleets: pd.DataFrame, order_years: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray]:
    """First and last construction year of each fleet, filled from orders or first service."""
    start = fleets["built_from"].to_numpy(dtype="float64", na_value=np.nan)
    end = fleets["built_to"].to_numpy(dtype="float64", na_value=np.nan)
    family = fleets["class"].astype(str).str.split("/").str[0]
    # A subclass whose own build years no source gives takes its class's span.
    class_from = pd.Series(start).groupby(family.to_numpy()).transform("min").to_numpy()
    class_to = pd.Series(end).groupby(family.to_numpy()).transform("max").to_numpy()
    missing = np.isnan(start) & np.isnan(end)
    start = np.where(missing, class_from, start)
    end = np.where(missing, class_to, end)
    if order_years is not None and len(order_years):
        first = family.map(order_years["first"]).to_numpy(dtype="float64")
        last = family.map(order_years["last"]).to_numpy(dtype="float64")
        missing = np.isnan(start) & np.isnan(end)
        start = np.where(missing, first, start)
        end = np.where(missing, last, end)
    service = _year(fleets, "actual_first_service")
    start = np.where(np.isnan(start), np.where(np.isnan(end), service, end), start)
    end = np.where(np.isnan(end), start, end)
    return start, np.maximum(start, end)


@dataclass(frozen=True)
class Cohorts:
    """Vehicles by fleet and construction year, with each cohort's retirement year."""

    fleet_index: np.ndarray  # position of the cohort's fleet in the fleets table
    built: np.ndarray  # construction year
    vehicles: np.ndarray  # vehicles in the cohort
    retire: np.ndarray  # first year the cohort is no longer in service
    traction: np.ndarray
    segment: np.ndarray
    enters: np.ndarray  # first year in passenger service: built, or the fleet's first service

    def subset(self, keep: np.ndarray) -> Cohorts:
        """The cohorts selected by a boolean mask."""
        return Cohorts(
            self.fleet_index[keep],
            self.built[keep],
            self.vehicles[keep],
            self.retire[keep],
            self.traction[keep],
            self.segment[keep],
            self.enters[keep],
        )


def cohorts(
    fleets: pd.DataFrame,
    as_of: dt.date,
    a: Assumptions,
    order_years: pd.DataFrame | None = None,
    lives: dict[str, float] | None = None,
) -> Cohorts:
    """Split every quantified fleet into yearly build cohorts and date their retirement.

    ``order_years`` (index: class family; columns ``first``, ``last``) gives committed orders'
    delivery years for fleets on order without construction years. Fleets whose vehicles or
    years are unknown are left out (see :func:`unquantified`).
    """
    vehicles = fleet_vehicles(fleets)
    start, end = build_window(fleets, order_years)
    ok = ~np.isnan(vehicles) & ~np.isnan(start) & (vehicles > 0)
    idx = np.flatnonzero(ok)
    spans = (end[idx] - start[idx] + 1).astype(int)
    fleet_index = np.repeat(idx, spans)
    offsets = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
    built = np.repeat(start[idx], spans) + offsets
    share = np.repeat(vehicles[idx] / spans, spans)
    traction = fleets["traction"].to_numpy().astype(str)
    life_table = dict(a.table("service_life_years"))
    life_table.update(lives or {})
    life = np.array([life_table[t] for t in traction], dtype="float64")
    retire = retirement_years(fleets, as_of, a, built, fleet_index, life[fleet_index])
    # A vehicle built before its fleet first carried passengers enters service with it.
    first_service = _year(fleets, "actual_first_service")[fleet_index]
    enters = np.fmax(built, first_service)
    return Cohorts(
        fleet_index=fleet_index,
        built=built,
        vehicles=share,
        retire=np.maximum(retire, enters + 1),
        traction=traction[fleet_index],
        segment=fleets["segment"].to_numpy().astype(str)[fleet_index],
        enters=enters,
    )


def retirement_years(
    fleets: pd.DataFrame,
    as_of: dt.date,
    a: Assumptions,
    built: np.ndarray,
    fleet_index: np.ndarray,
    life: np.ndarray,
) -> np.ndarray:
    """First year each cohort is out of service (see the module docstring, step 2).

    Withdrawals spread over several years are spread across a fleet's cohorts in order of
    age, oldest first, so that a fleet retires its oldest vehicles first.
    """
    year = as_of.year
    w_from = _year(fleets, "actual_withdrawal_from")[fleet_index]
    w_to = _year(fleets, "actual_withdrawal_to")[fleet_index]
    planned = _year(fleets, "withdrawal_planned")[fleet_index]
    units = fleets["units"].to_numpy(dtype="float64", na_value=np.nan)[fleet_index]
    in_service = fleets["units_in_service"].to_numpy(dtype="float64", na_value=np.nan)[fleet_index]
    counted = fleets["units_in_service_at_y"].to_numpy(dtype="float64")[fleet_index]
    # Rank of each cohort within its fleet (0 = oldest) and its share of the fleet.
    order = np.lexsort((built, fleet_index))
    rank = np.empty_like(built)
    first_of_fleet = np.r_[True, fleet_index[order][1:] != fleet_index[order][:-1]]
    group_start = np.maximum.accumulate(np.where(first_of_fleet, np.arange(len(order)), 0))
    rank[order] = np.arange(len(order)) - group_start
    size = pd.Series(fleet_index).map(pd.Series(fleet_index).value_counts()).to_numpy()
    position = (rank + 0.5) / size  # where the cohort sits in the fleet, 0..1 oldest first

    by_life = np.maximum(built + life, year + 1)
    retire = np.where(np.isnan(planned), by_life, np.maximum(planned, year + 1))
    # Partly withdrawn with a dated in-service count: the share gone went over the withdrawals.
    gone_share = np.where(
        ~np.isnan(in_service) & (units > 0), np.clip(1 - in_service / units, 0, 1), 0.0
    )
    partial_end = np.where(np.isnan(counted), year, counted)
    partial_start = np.where(np.isnan(w_from), partial_end, w_from)
    partial = ~np.isnan(w_from) & np.isnan(w_to) & (position < gone_share)
    span = np.maximum(partial_end - partial_start, 0)
    retire = np.where(
        partial,
        partial_start + np.floor(span * position / np.maximum(gone_share, 1e-9)) + 1,
        retire,
    )
    # Fully withdrawn: spread between first and last withdrawal, oldest first.
    done = ~np.isnan(w_to)
    start = np.where(np.isnan(w_from), w_to, w_from)
    retire = np.where(done, start + np.floor((w_to - start + 1) * position) + 1, retire)
    retire = np.where(done, np.minimum(retire, w_to + 1), retire)
    policy = a.number("diesel_only_out_by_year")
    if policy > 0:
        diesel = np.isin(fleets["traction"].to_numpy().astype(str)[fleet_index], DIESEL_ONLY)
        retire = np.where(diesel & ~done, np.minimum(retire, max(policy, year + 1)), retire)
    return np.asarray(np.maximum(retire, built + 1), dtype="float64")


def unquantified(fleets: pd.DataFrame, order_years: pd.DataFrame | None = None) -> pd.DataFrame:
    """Fleets left out of the totals because no source gives their vehicles or years."""
    vehicles = fleet_vehicles(fleets)
    start, _ = build_window(fleets, order_years)
    missing = np.isnan(vehicles) | np.isnan(start)
    columns = ["fleet_id", "class", "traction", "units", "cars_per_unit"]
    return pd.DataFrame(fleets.loc[missing, columns]).reset_index(drop=True)


def survivors(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`fleet_years` table with its fleet named for what it is: the survivors."""
    return table.rename(
        columns={"fleet_vehicles": "survivor_vehicles", "average_age": "survivor_average_age"}
    )


def with_replacements(
    c: Cohorts,
    national: pd.DataFrame,
    as_of_year: int,
    first_year: int,
    level: float,
    replacement_need: np.ndarray,
) -> pd.DataFrame:
    """The fleet the need keeps running: survivors, new stock and stock kept until replaced.

    ``national`` has the survivors (:func:`survivors`) and ``needed_unordered_vehicles`` per
    year; ``replacement_need`` is that need without fleet growth (the vehicles that fall due
    and need a replacement). New stock arrives at ``level`` a year from ``first_year`` until
    the whole need is delivered; it meets the need of its own year first and clears the
    backlog with the rest. Stock due out with no replacement yet keeps running and ageing:
    it is aged as the average of the stock due out by then (``kept_beyond_life_vehicles``).
    New stock delivered ahead of the need replaces survivors early
    (``replaced_early_vehicles``), taken out at the survivors' average age.
    """
    years = national["year"].to_numpy()
    need = national["needed_unordered_vehicles"].to_numpy(dtype="float64")
    total_need = np.cumsum(need)
    arriving = np.where(years >= first_year, level, 0.0)
    delivered = np.minimum(np.cumsum(arriving), total_need[-1] if len(need) else 0.0)
    deliveries = np.diff(delivered, prepend=0.0)
    met = np.minimum(delivered, total_need)
    spread = np.diff(met, prepend=0.0)
    kept = np.maximum(np.cumsum(replacement_need) - delivered, 0.0)
    # New stock delivered ahead of the need replaces survivors early.
    early = np.maximum(delivered - total_need, 0.0)
    # Ages: new stock from the year it arrives; kept stock as the stock due out by then.
    arrived = (years[None, :] <= years[:, None]) * deliveries[None, :]
    new_age = (arrived * (years[:, None] - years[None, :] + 0.5)).sum(axis=1)
    due = (c.retire[None, :] > as_of_year) & (c.retire[None, :] <= years[:, None])
    due_weight = due * c.vehicles[None, :]
    due_age = (due_weight * (years[:, None] - c.built[None, :] + 0.5)).sum(axis=1)
    due_vehicles = due_weight.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        kept_age = np.where(due_vehicles > 0, due_age / due_vehicles, 0.0)
    alive = national["survivor_vehicles"].to_numpy(dtype="float64")
    alive_age = np.nan_to_num(national["survivor_average_age"].to_numpy(dtype="float64")) * alive
    with np.errstate(invalid="ignore", divide="ignore"):
        alive_mean = np.where(alive > 0, alive_age / np.where(alive > 0, alive, 1.0), 0.0)
    fleet = alive + delivered + kept - early
    with np.errstate(invalid="ignore", divide="ignore"):
        age = np.where(
            fleet > 0,
            (alive_age - early * alive_mean + new_age + kept * kept_age) / fleet,
            np.nan,
        )
    withdrawn = (
        national["retired_vehicles"].to_numpy(dtype="float64")
        - np.diff(kept, prepend=0.0)
        + np.diff(early, prepend=0.0)
    )
    out = national.copy()
    out["new_vehicles"] = deliveries
    out["replacement_vehicles"] = delivered
    out["kept_beyond_life_vehicles"] = kept
    out["replaced_early_vehicles"] = early
    out["fleet_vehicles"] = fleet
    out["average_age"] = age
    out["withdrawn_vehicles"] = np.maximum(withdrawn, 0.0)
    out["needed_spread_vehicles"] = spread
    return out


def fleet_years(c: Cohorts, years: np.ndarray) -> pd.DataFrame:
    """Per year: vehicles in service, average age, retired and delivered (all tractions)."""
    live = (c.enters[None, :] <= years[:, None]) & (c.retire[None, :] > years[:, None])
    weight = live * c.vehicles[None, :]
    in_service = weight.sum(axis=1)
    age = (weight * (years[:, None] - c.built[None, :] + 0.5)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        average_age = np.where(in_service > 0, age / in_service, np.nan)
    retired = ((c.retire[None, :] == years[:, None]) * c.vehicles[None, :]).sum(axis=1)
    delivered = ((c.enters[None, :] == years[:, None]) * c.vehicles[None, :]).sum(axis=1)
    return pd.DataFrame(
        {
            "year": years,
            "fleet_vehicles": in_service,
            "average_age": average_age,
            "retired_vehicles": retired,
            "delivered_vehicles": delivered,
        }
    )


def fleet_on(c: Cohorts, when: np.ndarray) -> pd.DataFrame:
    """Vehicles in service and their average age on given days (fractional years).

    Where :func:`fleet_years` counts every vehicle that ran at any time in a year, this reads
    the fleet on a day, as a published count measures it (ORR: 31 March). Cohorts are dated
    by year only, so each enters service and leaves it at the middle of its year (the year
    it entered, and the last year it ran, ``retire - 1``), and is aged from the middle of
    its construction year.
    """
    t = np.asarray(when, dtype="float64")
    live = (c.enters[None, :] + 0.5 <= t[:, None]) & (c.retire[None, :] - 0.5 > t[:, None])
    weight = live * c.vehicles[None, :]
    in_service = weight.sum(axis=1)
    age = (weight * (t[:, None] - c.built[None, :] - 0.5)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        average_age = np.where(in_service > 0, age / in_service, np.nan)
    return pd.DataFrame({"when": t, "fleet_vehicles": in_service, "average_age": average_age})


def year_fraction(day: dt.date) -> float:
    """A day as a fractional year (2018-03-31 is about 2018.25)."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + ((day - start).days + 1) / length


def _by(c: Cohorts, labels: np.ndarray, years: np.ndarray) -> dict[str, pd.DataFrame]:
    out = {}
    for label in sorted(set(labels)):
        out[str(label)] = fleet_years(c.subset(labels == label), years)
    return out


def demand(
    by_group: dict[str, pd.DataFrame], base_year: int, growth: float
) -> dict[str, np.ndarray]:
    """New vehicles needed and not yet ordered, per group and year (see module step 4)."""
    out = {}
    for group, table in by_group.items():
        years = table["year"].to_numpy()
        fleet = table["survivor_vehicles"].to_numpy()
        at_base = fleet[years == base_year]
        base = float(at_base[0]) if at_base.size else 0.0
        target = base * (1 + growth) ** np.maximum(years - base_year, 0)
        shortfall = np.where(years >= base_year, np.maximum(target - fleet, 0.0), 0.0)
        covered = np.maximum.accumulate(shortfall)
        out[group] = np.diff(covered, prepend=0.0)
    return out


def allocate(total: np.ndarray, like_for_like: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Split the national need between groups in proportion to their like-for-like need.

    The national need nets committed orders of any traction against all retirements (a
    tri-mode order replacing electric loco-hauled sets counts); each group's share is its
    own shortfall's share of the year's, so the groups always add up to the national figure.
    """
    if not like_for_like:
        return {}
    stacked = np.vstack(list(like_for_like.values()))
    sums = stacked.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(sums > 0, stacked / np.where(sums > 0, sums, 1), 0.0)
    return {group: total * shares[i] for i, group in enumerate(like_for_like)}


def smooth_level(needed: np.ndarray, years: np.ndarray, first_year: int) -> tuple[float, float]:
    """Least constant yearly delivery that meets the need without boom and bust.

    Need arising before ``first_year`` (when the first new order can deliver) cannot be met
    on time: it is the backlog, returned second. The level delivers every later year's need
    by that year and clears the backlog by the last year: the larger of the worst
    cumulative need per elapsed year and the total need per year.
    """
    backlog = float(needed[years < first_year].sum())
    later = years >= first_year
    if not later.any():
        return 0.0, backlog
    cumulative = np.cumsum(needed[later])
    elapsed = years[later] - first_year + 1
    on_time = float(np.max(cumulative / elapsed))
    overall = (backlog + float(cumulative[-1])) / float(elapsed[-1])
    return max(on_time, overall), backlog


@dataclass(frozen=True)
class Forecast:
    """The turnover engine's answer for one as-of date."""

    years: pd.DataFrame  # national totals by year
    by_traction: dict[str, pd.DataFrame]
    by_segment: dict[str, pd.DataFrame]
    smooth_level: float
    backlog: float
    first_order_year: int
    waves: pd.DataFrame
    unquantified: pd.DataFrame


def forecast(
    fleets: pd.DataFrame,
    as_of: dt.date,
    a: Assumptions,
    first_year: int,
    last_year: int,
    order_years: pd.DataFrame | None = None,
    lives: dict[str, float] | None = None,
) -> Forecast:
    """Fleet size, age, retirements, deliveries and unmet demand for each year."""
    c = cohorts(fleets, as_of, a, order_years, lives)
    years = np.arange(first_year, last_year + 1)
    # Demand is measured against the as-of year, so compute from there even if asked later.
    span = np.arange(min(first_year, as_of.year), last_year + 1)
    national = survivors(fleet_years(c, span))
    by_traction = {k: survivors(v) for k, v in _by(c, c.traction, span).items()}
    by_segment = {k: survivors(v) for k, v in _by(c, c.segment, span).items()}
    growth = a.number("fleet_growth_per_year")
    total = demand({"national": national}, as_of.year, growth)["national"]
    replacement_need = demand({"national": national}, as_of.year, 0.0)["national"]
    national["needed_unordered_vehicles"] = total
    for groups in (by_traction, by_segment):
        for group, need in allocate(total, demand(groups, as_of.year, growth)).items():
            groups[group]["needed_unordered_vehicles"] = need
    lead_years = int(np.ceil(a.number("signing_to_first_delivery_months") / 12))
    first_order_year = as_of.year + 1 + lead_years
    level, backlog = smooth_level(
        national["needed_unordered_vehicles"].to_numpy(), span, first_order_year
    )
    national["smooth_order_level"] = np.where(span >= first_order_year, level, 0.0)
    national = with_replacements(c, national, as_of.year, first_order_year, level, replacement_need)
    keep = np.isin(span, years)
    return Forecast(
        years=national[keep].reset_index(drop=True),
        by_traction={k: v[keep].reset_index(drop=True) for k, v in by_traction.items()},
        by_segment={k: v[keep].reset_index(drop=True) for k, v in by_segment.items()},
        smooth_level=level,
        backlog=backlog,
        first_order_year=first_order_year,
        waves=replacement_waves(fleets, c, as_of.year, last_year),
        unquantified=unquantified(fleets, order_years),
    )


def replacement_waves(
    fleets: pd.DataFrame, c: Cohorts, from_year: int, to_year: int
) -> pd.DataFrame:
    """Fleets retiring after ``from_year``: vehicles by fleet and the span of years they go."""
    future = (c.retire > from_year) & (c.retire <= to_year)
    if not future.any():
        return pd.DataFrame(columns=["fleet_id", "class", "traction", "vehicles", "from", "to"])
    frame = pd.DataFrame(
        {"i": c.fleet_index[future], "year": c.retire[future], "vehicles": c.vehicles[future]}
    )
    grouped = frame.groupby("i").agg(
        vehicles=("vehicles", "sum"), first=("year", "min"), last=("year", "max")
    )
    rows = fleets.iloc[grouped.index.to_numpy()]
    out = pd.DataFrame(
        {
            "fleet_id": rows["fleet_id"].to_numpy(),
            "class": rows["class"].to_numpy(),
            "traction": rows["traction"].to_numpy(),
            "vehicles": grouped["vehicles"].to_numpy(),
            "from": grouped["first"].to_numpy().astype(int),
            "to": grouped["last"].to_numpy().astype(int),
        }
    )
    return out.sort_values(["from", "vehicles"], ascending=[True, False]).reset_index(drop=True)


def parse_lives(values: list[str] | None, where: str, field: str | None = None) -> dict[str, float]:
    """``TRACTION=YEARS`` service-life overrides (``--life dmu=40``), checked.

    Raises :class:`DataError` naming ``where`` and ``field`` (``--life``, or ``query`` and
    ``life``) and the value that is not ``TRACTION=YEARS`` with 0 < years < 200. Unknown
    tractions are checked where the lives are applied.
    """
    lives: dict[str, float] = {}
    for value in values or []:
        traction, sep, years = value.partition("=")
        try:
            number = float(years)
        except ValueError:
            number = float("nan")
        if not sep or not 0 < number < 200:
            raise DataError(
                [Problem(where, None, field, f"'{value}' is not TRACTION=YEARS (0 < years < 200)")]
            )
        lives[traction.strip()] = number
    return lives
