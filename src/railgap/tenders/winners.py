"""Winners' plants: a winner builds where it built its latest GB order.

In the same plant and stage shares, and with that order's unit length when the tender
states units only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month
from railgap.plants.scheduling import UNBUILT, date_months, stage_shares


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
    # Makers with a firm order at their open plants: once each has its template, stop.
    makers = {owner[p] for p in placed.loc[placed["order_id"].isin(firm["order_id"]), "plant_id"]}
    # Latest first: each maker's template is the first of its orders with work at its plants.
    latest = firm.sort_values(["_when", "_line"], kind="stable").iloc[::-1]
    for row in latest.itertuples(index=False):
        if makers <= templates.keys():
            break
        rows = by_order.get(str(row.order_id))
        if rows is None:
            continue
        builders = rows["plant_id"].map(owner)
        for maker in pd.unique(builders):
            if maker in templates:
                continue
            own = rows[(builders == maker).to_numpy()]
            working, shares = stage_shares(own)
            if not working.any():
                continue
            own = own[working]
            templates[str(maker)] = Template(
                str(row.order_id),
                int(str(row.cars_per_unit)),
                tuple(str(p) for p in own["plant_id"]),
                tuple(own["stage"].to_numpy().astype(str)),
                tuple(float(s) for s in shares),
            )
    return templates


def match_bidder(name: str, manufacturer_ids: list[str]) -> str | None:
    """The manufacturer a bidder's name stands for: the id named first in it, if any."""
    text = name.lower().replace("-", " ")
    hits = [(text.find(m.replace("_", " ")), m) for m in manufacturer_ids]
    found = [(pos, m) for pos, m in hits if pos >= 0]
    return min(found)[1] if found else None


def bidders_open_on(resolved: Dataset, as_of: dt.date, a: Assumptions) -> list[str]:
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
    return sorted(
        {
            str(m)
            for p, m in zip(plants["plant_id"], plants["manufacturer_id"], strict=True)
            if p in worked
        }
    )


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
