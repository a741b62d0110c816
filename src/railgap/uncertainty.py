"""Uncertainty: what the Monte Carlo draws, learnt from the data as known on the as-of date.

Pure functions over the dataset (its revisions, for history) and the assumptions: no I/O.

- **Open tenders** (:func:`open_tenders`): procurements announced and not yet decided on the
  date, with their size range, expected award (or notice) date and bidders.
- **History** (:func:`tender_history`, :func:`delivery_slippage`): from tenders decided and
  orders delivered *by the as-of date* only, the share of tenders that end in an award, how
  far awards slipped from the date first expected, how long procurements ran from notice to
  award, and how far first deliveries slipped from the date first planned.
- **Winners' plants** (:func:`winner_templates`): a winner builds where it built its latest
  GB order (plants and stages in the same shares), and with that order's unit length when
  the tender states units only.
- **Draws** (:func:`draw`): one array per uncertain quantity, ``draws`` long, from one seeded
  generator, so that the same seed gives the same draws whatever the chunking downstream.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from railgap.assumptions import Assumptions
from railgap.dataset import Dataset
from railgap.dates import date_month, month_label
from railgap.scheduling import UNBUILT, date_months

#: Tender stages at which a procurement is still open (may yet be awarded).
OPEN_STAGES = (
    "prior_information",
    "notice",
    "shortlist",
    "invitation_to_negotiate",
    "final_tenders",
    "preferred_bidder",
)
#: Outcomes that end a procurement.
DECIDED = ("awarded", "cancelled", "cascade")


def _known(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The revisions public on ``as_of`` (all of them, not only the latest)."""
    cutoff = np.datetime64(as_of, "ns")
    return frame[frame["_known_by"].to_numpy() <= cutoff].sort_values(
        ["_known_by", "_line"], kind="stable"
    )


@dataclass(frozen=True)
class TenderHistory:
    """What tenders decided by the as-of date say about open ones."""

    award_probability: float
    award_basis: str
    award_slips: np.ndarray
    notice_to_award: np.ndarray
    decided: int


def tender_history(tenders: pd.DataFrame, as_of: dt.date, a: Assumptions) -> TenderHistory:
    """Share awarded, award slippage and notice-to-award months, from tenders decided by then."""
    yom = a.number("year_only_month")
    minimum = int(a.number("uncertainty_min_observations"))
    known = _known(tenders, as_of)
    if known.empty:
        return TenderHistory(1.0, "no tender decided by the date: every open tender is awarded",
                             np.zeros(0), np.zeros(0), 0)
    latest = known.drop_duplicates("tender_id", keep="last")
    outcome = latest.set_index("tender_id")["outcome"]
    decided = outcome[outcome.isin(DECIDED)]
    awarded = decided[decided == "awarded"].index
    slips: list[float] = []
    durations: list[float] = []
    for tender_id in awarded:
        rows = known[known["tender_id"] == tender_id]
        done = date_months(rows, "outcome_date", yom)
        done = done[~np.isnan(done)]
        if not done.size:
            continue
        expected = date_months(rows, "expected_award", yom)
        expected = expected[~np.isnan(expected)]
        if expected.size:
            slips.append(float(done[-1] - expected[0]))
        notice = date_months(rows, "notice_date", yom)
        notice = notice[~np.isnan(notice)]
        if notice.size:
            durations.append(float(done[-1] - notice[0]))
    n = len(decided)
    if n >= minimum:
        p = len(awarded) / n
        basis = f"{len(awarded)} of {n} tenders decided by {as_of.isoformat()} were awarded"
    else:
        p = 1.0
        basis = f"only {n} tenders decided by {as_of.isoformat()}: every open tender is awarded"
    return TenderHistory(
        p,
        basis,
        np.array(slips if len(slips) >= minimum else [], dtype="float64"),
        np.array(durations if len(durations) >= minimum else [], dtype="float64"),
        n,
    )


def delivery_slippage(orders: pd.DataFrame, as_of: dt.date, a: Assumptions) -> np.ndarray:
    """Months by which first deliveries (else entries into service) came after the first plan.

    One observation per order whose first plan and actual date were both public by
    ``as_of``; empty when fewer than ``uncertainty_min_observations`` orders give one.
    """
    yom = a.number("year_only_month")
    d = date_month(as_of)
    known = _known(orders, as_of)
    observed: list[float] = []
    for _, rows in known.groupby("order_id", sort=True):
        for planned_col, actual_col in (
            ("planned_first_delivery", "actual_first_delivery"),
            ("planned_entry_into_service", "actual_entry_into_service"),
        ):
            planned = date_months(rows, planned_col, yom)
            actual = date_months(rows, actual_col, yom)
            planned = planned[~np.isnan(planned)]
            actual = actual[~np.isnan(actual) & (actual <= d)]
            if planned.size and actual.size:
                observed.append(float(actual[-1] - planned[0]))
                break
    if len(observed) < int(a.number("uncertainty_min_observations")):
        return np.zeros(0)
    return np.array(observed, dtype="float64")


@dataclass(frozen=True)
class Template:
    """Where and how a manufacturer builds: its latest GB order's plants, stages and length."""

    order_id: str
    cars_per_unit: int
    plants: tuple[str, ...]
    stages: tuple[str, ...]
    shares: tuple[float, ...]


def open_plants(resolved: Dataset, a: Assumptions) -> pd.DataFrame:
    """Plants known on the date and not closed by it."""
    assert resolved.as_of is not None
    plants = resolved["plants"]
    closed = date_months(plants, "closed", a.number("year_only_month"))
    return plants[~(closed <= date_month(resolved.as_of))]


def winner_templates(resolved: Dataset, a: Assumptions) -> dict[str, Template]:
    """Per manufacturer, where it would build: its plants' part of the latest order they built.

    Plants count under their owner on the date (Derby, built for Bombardier, is Alstom's
    after 2021) and only if open on the date: a winner builds nowhere that has closed.
    """
    yom = a.number("year_only_month")
    orders = resolved["orders"]
    packages = resolved["work_packages"]
    plants = open_plants(resolved, a)
    owner = dict(zip(plants["plant_id"], plants["manufacturer_id"], strict=True))
    placed = packages[packages["plant_id"].isin(owner)]
    by_order = {str(k): v for k, v in placed.groupby("order_id", sort=False)}
    firm = orders[~orders["status"].isin(UNBUILT)]
    signed = date_months(firm, "signed", yom)
    when = np.where(np.isnan(signed), date_months(firm, "known_from", yom), signed)
    firm = firm.assign(_when=when)
    templates: dict[str, Template] = {}
    # Oldest first, so that each maker's latest order is the one kept.
    for row in firm.sort_values(["_when", "_line"], kind="stable").itertuples(index=False):
        rows = by_order.get(str(row.order_id))
        if rows is None:
            continue
        for maker in pd.unique(rows["plant_id"].map(owner)):
            own = rows[rows["plant_id"].map(owner) == maker]
            stated = own["vehicles"].to_numpy(dtype="float64", na_value=np.nan)
            fill = np.nanmean(stated) if (~np.isnan(stated)).any() else 1.0
            counts = np.where(np.isnan(stated), fill, stated)
            stage = own["stage"].to_numpy().astype(str)
            totals = pd.Series(counts).groupby(stage).transform("sum").to_numpy()
            templates[str(maker)] = Template(
                str(row.order_id),
                int(str(row.cars_per_unit)),
                tuple(str(p) for p in own["plant_id"]),
                tuple(stage),
                tuple(float(s) for s in counts / totals),
            )
    return templates


def match_bidder(name: str, manufacturer_ids: list[str]) -> str | None:
    """The manufacturer a bidder's name stands for: the id named first in it, if any."""
    text = name.lower().replace("-", " ")
    hits = [(text.find(m.replace("_", " ")), m) for m in manufacturer_ids]
    found = [(pos, m) for pos, m in hits if pos >= 0]
    return min(found)[1] if found else None


def _open_bidders(resolved: Dataset, as_of: dt.date, a: Assumptions) -> list[str]:
    """Who may bid where no shortlist is known.

    The owners, on the date, of open plants that worked on GB orders signed in the last
    ``open_tender_bidder_years`` (a maker taken over or wound up owns none).
    """
    orders = resolved["orders"]
    packages = resolved["work_packages"]
    years = a.number("open_tender_bidder_years")
    signed = date_months(orders, "signed", a.number("year_only_month"))
    recent = orders[signed >= date_month(as_of) - 12 * years]["order_id"]
    plants = open_plants(resolved, a)
    worked = set(packages[packages["order_id"].isin(recent)]["plant_id"])
    return sorted({str(m) for p, m in zip(plants["plant_id"], plants["manufacturer_id"],
                                          strict=True) if p in worked})


def unit_length(resolved: Dataset, segment: object, a: Assumptions) -> float:
    """Median cars per unit of GB fleets of a segment first built in recent years (NaN if none).

    Recent means within ``recent_fleet_years`` before the as-of date.
    """
    assert resolved.as_of is not None
    fleets = resolved["fleets"]
    built = fleets["built_from"].to_numpy(dtype="float64", na_value=np.nan)
    recent = built >= resolved.as_of.year - a.number("recent_fleet_years")
    column = fleets.loc[recent & (fleets["segment"] == segment).to_numpy(), "cars_per_unit"]
    cars = column.to_numpy(dtype="float64", na_value=np.nan)
    cars = cars[~np.isnan(cars)]
    return float(np.median(cars)) if cars.size else np.nan


@dataclass(frozen=True)
class Uncertainty:
    """Everything the draws need, as known on the as-of date."""

    as_of: dt.date
    tenders: pd.DataFrame
    history: TenderHistory
    order_slips: np.ndarray
    slipping_orders: tuple[str, ...]
    templates: dict[str, Template]
    notes: list[str] = field(default_factory=list)


#: Columns of :attr:`Uncertainty.tenders`, one row per open tender the draws cover.
TENDER_COLUMNS = [
    "tender_id",
    "stage",
    "anchor",
    "anchor_basis",
    "candidates",
    "units_lo",
    "units_hi",
    "vehicles_lo",
    "vehicles_hi",
    "first_delivery_offset",
    "cars_per_unit",
    "bidders",
    "winners",
    "source",
]


def _range(lo: Any, hi: Any) -> tuple[float, float]:
    values = [float(v) for v in (lo, hi) if not pd.isna(v)]
    if not values:
        return np.nan, np.nan
    return min(values), max(values)


@dataclass(frozen=True)
class TenderSize:
    """What a tender says of its size: unit and vehicle ranges (NaN where unstated), length."""

    units: tuple[float, float]
    vehicles: tuple[float, float]
    cars_per_unit: float

    @property
    def stated(self) -> bool:
        """Whether any size is stated at all."""
        return not (np.isnan(self.units[0]) and np.isnan(self.vehicles[0]))


def tender_size(tender: Any, resolved: Dataset, a: Assumptions) -> TenderSize:
    """A tender row's size ranges and its vehicles per unit.

    The unit length is the tender's own (vehicles over units) when it states both, else the
    median of recent fleets of its segment (:func:`unit_length`; NaN when there are none).
    """
    units = _range(tender["units_min"], tender["units_max"])
    vehicles = _range(tender["vehicles_min"], tender["vehicles_max"])
    if not np.isnan(units[1]) and not np.isnan(vehicles[1]):
        cars = float(max(round(vehicles[1] / units[1]), 1))
    else:
        cars = unit_length(resolved, tender["segment"], a)
    return TenderSize(units, vehicles, cars)


def open_rows(tenders: pd.DataFrame) -> pd.DataFrame:
    """The tenders (resolved on a date) still open: at an open stage and with no outcome."""
    return tenders[tenders["stage"].isin(OPEN_STAGES) & ~tenders["outcome"].isin(DECIDED)]


def open_tenders(
    resolved: Dataset, history: TenderHistory, a: Assumptions, notes: list[str]
) -> pd.DataFrame:
    """Per open, sized tender: award-date candidates, size range and possible winners.

    A tender is open when its latest revision is at an open stage with no outcome. Its award
    month is drawn from ``candidates``: the expected award plus each observed slippage, else
    the notice date plus each observed notice-to-award duration. Tenders with no size, or with
    neither an expected award nor the history to date one, are left out (and noted).
    """
    assert resolved.as_of is not None
    yom = a.number("year_only_month")
    tenders = resolved["tenders"]
    manufacturers = [str(m) for m in resolved["manufacturers"]["manufacturer_id"]]
    open_bidders = _open_bidders(resolved, resolved.as_of, a)
    rows = []
    live = open_rows(tenders)
    expected = date_months(live, "expected_award", yom)
    notice = date_months(live, "notice_date", yom)
    known = date_months(live, "known_from", yom)
    first_delivery = date_months(live, "expected_first_delivery", yom)
    for i, t in enumerate(live.itertuples(index=False)):
        size = tender_size(live.iloc[i], resolved, a)
        units, vehicles = size.units, size.vehicles
        if not size.stated:
            notes.append(f"tender {t.tender_id}: no size stated, not drawn")
            continue
        if not np.isnan(expected[i]):
            anchor, basis = expected[i], "expected award"
            offsets = history.award_slips if history.award_slips.size else np.zeros(1)
        else:
            anchor = notice[i] if not np.isnan(notice[i]) else known[i]
            basis = "notice" if not np.isnan(notice[i]) else "first public"
            offsets = history.notice_to_award
            if not offsets.size:
                notes.append(
                    f"tender {t.tender_id}: no expected award and too little history to date"
                    " one, not drawn"
                )
                continue
        offset = (
            first_delivery[i] - expected[i]
            if not np.isnan(first_delivery[i]) and not np.isnan(expected[i])
            else np.nan
        )
        shortlist = str(t.shortlisted_bidders) if isinstance(t.shortlisted_bidders, str) else ""
        bidders = tuple(b.strip() for b in shortlist.split(";") if b.strip())
        winners = tuple(match_bidder(b, manufacturers) for b in bidders)
        if not bidders:
            bidders = tuple(open_bidders)
            winners = tuple(open_bidders)
        if not bidders:
            notes.append(f"tender {t.tender_id}: no possible bidder known, not drawn")
            continue
        rows.append(
            {
                "tender_id": str(t.tender_id),
                "stage": str(t.stage),
                "anchor": float(anchor),
                "anchor_basis": basis,
                "candidates": np.sort(anchor + offsets),
                "units_lo": units[0],
                "units_hi": units[1],
                "vehicles_lo": vehicles[0],
                "vehicles_hi": vehicles[1],
                "first_delivery_offset": float(offset),
                "cars_per_unit": size.cars_per_unit,
                "bidders": bidders,
                "winners": winners,
                "source": str(t.source),
            }
        )
    return pd.DataFrame(rows, columns=TENDER_COLUMNS)


def slipping_orders(profile: pd.DataFrame, windows: pd.DataFrame, as_of_month: int) -> list[str]:
    """Orders whose first delivery is still to come, with work left: those that may slip.

    Slippage is learnt as first delivery against the first plan, so it applies to orders not
    yet delivering (firm orders, exercised options, variations).
    """
    live = windows[windows["end"] >= as_of_month]["order_id"]
    rows = profile.reindex(pd.unique(live))
    waiting = ~rows["status"].isin(UNBUILT) & (
        rows["first_delivery"] > as_of_month
    )
    return [str(o) for o in rows.index[waiting]]


def uncertainty(
    dataset: Dataset,
    resolved: Dataset,
    a: Assumptions,
    profile: pd.DataFrame,
    windows: pd.DataFrame,
) -> Uncertainty:
    """Gather what the draws need: open tenders, history, templates and orders that may slip.

    ``dataset`` is the whole dataset (its revisions give the history, read only up to the
    as-of date); ``resolved`` is the view on the date, with any scenario's levers applied.
    """
    assert resolved.as_of is not None
    notes: list[str] = []
    history = tender_history(dataset["tenders"], resolved.as_of, a)
    tenders = open_tenders(resolved, history, a, notes)
    slips = delivery_slippage(dataset["orders"], resolved.as_of, a)
    if not slips.size:
        notes.append("too few delivered orders to learn delivery slippage: none drawn")
    orders = slipping_orders(profile, windows, date_month(resolved.as_of))
    return Uncertainty(
        resolved.as_of, tenders, history, slips, tuple(orders), winner_templates(resolved, a), notes
    )


@dataclass(frozen=True)
class Draws:
    """``n`` draws of every uncertain quantity (columns follow the tenders and orders)."""

    n: int
    seed: int
    awarded: np.ndarray
    award_month: np.ndarray
    winner: np.ndarray
    units: np.ndarray
    cars: np.ndarray
    order_slip: np.ndarray

    def take(self, rows: np.ndarray | slice) -> Draws:
        """The draws at ``rows`` (a chunk, or a sample for the reference loop)."""
        pick = (
            self.awarded[rows],
            self.award_month[rows],
            self.winner[rows],
            self.units[rows],
            self.cars[rows],
            self.order_slip[rows],
        )
        return Draws(len(pick[0]), self.seed, *pick)


def _cars(tender: pd.Series, winner: str | None, templates: dict[str, Template]) -> int:
    """Vehicles per unit: the tender's (stated, else its segment's), else the winner's last."""
    if winner not in templates:
        return 0  # built at no plant known on the date: no load anywhere
    cars = float(tender["cars_per_unit"])
    if not np.isnan(cars):
        return max(round(cars), 1)
    return templates[winner].cars_per_unit


def draw(u: Uncertainty, n: int, seed: int) -> Draws:
    """Draw ``n`` futures: which tenders are awarded, when, to whom, how big; order slippage.

    An award date already past on the as-of date cannot be drawn: the candidates still ahead
    are; when none is, the award falls uniformly within the next ``spread`` months, where
    ``spread`` is the largest observed slippage (at least one month).
    """
    rng = np.random.default_rng(seed)
    d = date_month(u.as_of)
    k = len(u.tenders)
    awarded = np.zeros((n, k), dtype=bool)
    month = np.zeros((n, k), dtype="int64")
    winner = np.zeros((n, k), dtype="int64")
    units = np.zeros((n, k), dtype="int64")
    cars = np.zeros((n, k), dtype="int64")
    p = u.history.award_probability
    for j, (_, t) in enumerate(u.tenders.iterrows()):
        awarded[:, j] = rng.random(n) < p
        candidates = np.asarray(t["candidates"], dtype="float64")
        ahead = candidates[candidates > d]
        if ahead.size:
            month[:, j] = ahead[rng.integers(ahead.size, size=n)].astype("int64")
        else:
            spread = max(int(np.max(np.abs(candidates - t["anchor"]))), 1)
            month[:, j] = d + 1 + rng.integers(spread, size=n)
        winner[:, j] = rng.integers(len(t["bidders"]), size=n)
        per_winner = np.array([_cars(t, w, u.templates) for w in t["winners"]], dtype="int64")
        cars[:, j] = per_winner[winner[:, j]]
        if not np.isnan(t["units_lo"]):
            lo, hi = int(t["units_lo"]), int(t["units_hi"])
            units[:, j] = rng.integers(lo, hi + 1, size=n)
        else:
            lo, hi = int(t["vehicles_lo"]), int(t["vehicles_hi"])
            vehicles = rng.integers(lo, hi + 1, size=n)
            units[:, j] = np.where(
                cars[:, j] > 0, np.maximum(np.round(vehicles / np.maximum(cars[:, j], 1)), 1), 0
            )
    slips = u.order_slips
    shape = (n, len(u.slipping_orders))
    order_slip = (
        np.maximum(slips[rng.integers(slips.size, size=shape)], 0.0).astype("int64")
        if slips.size
        else np.zeros(shape, dtype="int64")
    )
    return Draws(n, seed, awarded, month, winner, units, cars, order_slip)


def describe_tenders(u: Uncertainty) -> pd.DataFrame:
    """The open tenders drawn, in words a reader can check against the sources."""
    t = u.tenders
    if t.empty:
        return pd.DataFrame(columns=["tender_id", "stage", "award_from", "award_to", "size",
                                     "bidders", "source"])
    return pd.DataFrame(
        {
            "tender_id": t["tender_id"],
            "stage": t["stage"],
            "award_from": [month_label(int(c.min())) for c in t["candidates"]],
            "award_to": [month_label(int(c.max())) for c in t["candidates"]],
            "size": [
                f"{lo:.0f}-{hi:.0f} units" if not np.isnan(lo) else f"{vlo:.0f}-{vhi:.0f} vehicles"
                for lo, hi, vlo, vhi in zip(
                    t["units_lo"].to_numpy(dtype="float64"),
                    t["units_hi"].to_numpy(dtype="float64"),
                    t["vehicles_lo"].to_numpy(dtype="float64"),
                    t["vehicles_hi"].to_numpy(dtype="float64"),
                    strict=True,
                )
            ],
            "bidders": [
                "; ".join(f"{b} ({w or 'no plant known'})" for b, w in zip(bs, ws, strict=True))
                for bs, ws in zip(t["bidders"], t["winners"], strict=True)
            ],
            "source": t["source"],
        }
    )
