"""Uncertainty: what the Monte Carlo draws, learnt from the data as known on the as-of date.

Pure functions over the dataset (its revisions, for history) and the assumptions: no I/O.
Open tenders (:mod:`railgap.tenders.open`), history (:mod:`railgap.tenders.history`) and
winners' plants (:mod:`railgap.tenders.winners`) become an :class:`Uncertainty`;
:func:`draw` turns it into one array per uncertain quantity, ``draws`` long, from one seeded
generator, so that the same seed gives the same draws whatever the chunking downstream.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month, month_label
from railgap.tenders.history import (
    TenderHistory,
    completion_slippage,
    delivery_slippage,
    first_plans,
    tender_history,
)
from railgap.tenders.open import finishing_orders, open_tenders, slipping_orders
from railgap.tenders.winners import Template, winner_templates


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
    #: Completion slippages observed (last delivery less its first plan, months).
    completion_slips: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: Orders already delivering with work left, which may finish late.
    finishing_orders: tuple[str, ...] = ()
    #: Per finishing order: its first planned last delivery (NaN: none public) and the
    #: engine's last delivery month on the date.
    finishing_plan: np.ndarray = field(default_factory=lambda: np.zeros(0))
    finishing_last: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: Per slipping order: its first planned first delivery (NaN: none public) and the
    #: engine's first delivery month on the date.
    slipping_plan: np.ndarray = field(default_factory=lambda: np.zeros(0))
    slipping_first: np.ndarray = field(default_factory=lambda: np.zeros(0))


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
    d = date_month(resolved.as_of)
    orders = slipping_orders(profile, windows, d)
    finishing = finishing_orders(profile, windows, d)
    completions = completion_slippage(dataset["orders"], resolved.as_of, a)
    if finishing and not completions.size:
        notes.append("too few completed orders to learn completion slippage: none drawn")
    last_plans = first_plans(dataset["orders"], resolved.as_of, a, "planned_last_delivery")
    first_plan = first_plans(dataset["orders"], resolved.as_of, a, "planned_first_delivery")
    # No plan of the first delivery: the first plan of entry into service, less the usual
    # delivery-to-service time (as the engine derives a first delivery from it).
    service = first_plans(dataset["orders"], resolved.as_of, a, "planned_entry_into_service")
    first_plan = first_plan.combine_first(service - a.number("delivery_to_service_months"))
    return Uncertainty(
        resolved.as_of,
        tenders,
        history,
        slips,
        tuple(orders),
        winner_templates(resolved, a),
        notes,
        completions,
        tuple(finishing),
        last_plans.reindex(finishing).to_numpy(dtype="float64"),
        profile["last_delivery"].reindex(finishing).to_numpy(dtype="float64"),
        first_plan.reindex(orders).to_numpy(dtype="float64"),
        profile["first_delivery"].reindex(orders).to_numpy(dtype="float64"),
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
    order_finish: np.ndarray

    def take(self, rows: np.ndarray | slice) -> Draws:
        """The draws at ``rows`` (a chunk, or a sample for the reference loop)."""
        pick = (
            self.awarded[rows],
            self.award_month[rows],
            self.winner[rows],
            self.units[rows],
            self.cars[rows],
            self.order_slip[rows],
            self.order_finish[rows],
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
    d = date_month(u.as_of)
    order_slip = lateness(u.order_slips, u.slipping_plan, u.slipping_first, d, n, rng)
    order_finish = lateness(u.completion_slips, u.finishing_plan, u.finishing_last, d, n, rng)
    return Draws(n, seed, awarded, month, winner, units, cars, order_slip, order_finish)


def lateness(
    slips: np.ndarray,
    plans: np.ndarray,
    engine: np.ndarray,
    as_of_month: int,
    n: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Months each order's delivery (first, or last) comes after the engine's month of it.

    ``slips`` are the slippages observed on earlier orders (actual less first plan); per
    order, ``plans`` is the first plan of the delivery (NaN: none public) and ``engine``
    the engine's month of it on the date. An order with a plan P is late by one of the
    slippages T consistent with its delivery not having come by the as-of date (P + T
    after it), chosen with equal chance, and delivers at P + T, or at the engine's month if
    that is later: an order already overdue is drawn against the orders that were as late,
    not against all of them. An order later already than every order observed is late again
    by one of the positive slippages (the engine's month is already the earliest it can
    come; being later than all the evidence is no sign that it is nearly done). With no plan
    public, the order is late by any slippage (early ones counting as on time). No slippage
    observed: no lateness drawn.
    """
    out = np.zeros((n, len(plans)), dtype="int64")
    if not slips.size:
        return out
    for j, (plan, month) in enumerate(zip(plans, engine, strict=True)):
        if np.isnan(plan):
            out[:, j] = np.maximum(slips[rng.integers(slips.size, size=n)], 0.0)
            continue
        pool = slips[plan + slips > as_of_month]
        if pool.size:
            out[:, j] = np.maximum(plan + pool[rng.integers(pool.size, size=n)] - month, 0.0)
            continue
        late = slips[slips > 0]
        if late.size:
            out[:, j] = late[rng.integers(late.size, size=n)]
    return out


def describe_tenders(u: Uncertainty) -> pd.DataFrame:
    """The open tenders drawn, in words a reader can check against the sources."""
    t = u.tenders
    if t.empty:
        return pd.DataFrame(
            columns=["tender_id", "stage", "award_from", "award_to", "size", "bidders", "source"]
        )
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
