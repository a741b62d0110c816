"""The model's answers about one plant on one date, and why it gave them.

Each answer is what the loading engine says from the dataset as known on that date (never
later rows): the run-out, the gap, the jobs at risk and headcount of the outlook, or the
first and last month of an order's work at the plant. The ``why`` names the row behind it,
so a wrong answer points at the rule or the kind of row to fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from railgap.dataset import Dataset, as_of
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month, month_label
from railgap.plants.loading import LOADING_TABLES, Loading, factory_staff, run_loading
from railgap.scorecard.periods import month_of_text


@dataclass(frozen=True)
class Answer:
    """One answer: a month index or a number (NaN when the model gives none), and why."""

    value: float
    why: str


NONE = float("nan")


@dataclass
class DateAnswers:
    """The loading engine's run on one date, with lookups by plant and order."""

    date: dt.date
    loading: Loading
    resolved: Dataset

    @cached_property
    def outlook(self) -> pd.DataFrame:
        """The outlook, indexed by plant."""
        return self.loading.outlook.set_index("plant_id")

    @cached_property
    def windows(self) -> pd.DataFrame:
        """Work packages' windows (month indices) with the plant and order."""
        return self.loading.schedule.windows

    def _work_at(self, plant_id: str, month: int) -> str:
        """The work package that runs latest through ``month`` at the plant, and its basis."""
        w = self.windows[self.windows["plant_id"] == plant_id]
        if w.empty:
            return f"no work package at {plant_id} known on {self.date}"
        covering = w[(w["start"] <= month) & (w["end"] >= month)]
        row = (covering if len(covering) else w).sort_values(["end", "start"]).iloc[-1]
        return (
            f"work then: {row['order_id']} ({row['stage']}) {month_label(int(row['start']))}"
            f" to {month_label(int(row['end']))}, window {row['window_basis']}"
        )

    def plant_known(self, plant_id: str) -> bool:
        """Whether the plant is in the dataset on the date."""
        return plant_id in self.outlook.index

    def run_out(self, plant_id: str) -> Answer:
        """The month the plant's current stretch of viable work ends."""
        text = self.outlook.at[plant_id, "run_out"]
        if not isinstance(text, str):
            return Answer(NONE, f"no run-out: no viable work on or after {self.date}")
        month = month_of_text(text)
        return Answer(float(month), self._work_at(plant_id, month))

    def gap(self, plant_id: str) -> Answer:
        """Months between run-out and next work (NaN with no next work known)."""
        gap = number_or_nan(self.outlook.at[plant_id, "gap_months"])
        if np.isnan(gap):
            return Answer(NONE, "no next work known: the gap has no end")
        nxt = self.outlook.at[plant_id, "next_work"]
        return Answer(gap, f"run-out {self.outlook.at[plant_id, 'run_out']!s}, next {nxt!s}")

    def order_months(self, plant_id: str, orders: list[str], end: bool) -> Answer:
        """First (or last) month of the orders' work at the plant, any stage.

        An event naming a fleet built under several orders lists them all: its start is the
        first start among them, its end the last end.
        """
        w = self.windows[
            (self.windows["plant_id"] == plant_id) & self.windows["order_id"].isin(orders)
        ]
        named = ";".join(orders)
        if w.empty:
            return Answer(NONE, f"order {named} has no work at {plant_id} known on {self.date}")
        row = w.sort_values("end" if end else "start").iloc[-1 if end else 0]
        month = float(row["end"] if end else row["start"])
        return Answer(
            month, f"{row['order_id']} ({row['stage']}), window {row['window_basis']}"
        )

    def first_work(self, plant_id: str) -> Answer:
        """The first month the plant is scheduled any work."""
        w = self.windows[self.windows["plant_id"] == plant_id]
        if w.empty:
            return Answer(NONE, f"no work package at {plant_id} known on {self.date}")
        row = w.sort_values("start").iloc[0]
        return Answer(
            float(row["start"]),
            f"first work: {row['order_id']} ({row['stage']}), window {row['window_basis']}",
        )

    def staff_row(self, plant_id: str) -> str:
        """The headcount row the engine reads for the plant on the date."""
        staff = factory_staff(self.resolved["plant_staff"])
        rows = staff[staff["plant_id"] == plant_id]
        if rows.empty:
            return f"no factory headcount (plant_staff) for {plant_id} known on {self.date}"
        row = rows.sort_values("date").iloc[-1]
        return f"plant_staff {row['date']}: {row['employees']:g} employees"

    def jobs(self, plant_id: str) -> Answer:
        """The outlook's peak jobs at risk (the figure quoted beside a run-out)."""
        value = self.outlook.at[plant_id, "jobs_at_risk_peak"]
        return Answer(number_or_nan(value), self.staff_row(plant_id))

    def cut(self, plant_id: str, months: int) -> Answer:
        """The most staff the load will not need in the next ``months``: a stated cut's size.

        Employees less the labour the load needs (headcount x load / capacity), at any load:
        a cut is made while work goes on, not only below the viable rate. NaN where the
        plant has no headcount or capacity.
        """
        pm = self.loading.plant_months
        start = date_month(self.date)
        rows = pm[(pm["plant_id"] == plant_id) & (pm["month"] >= start)]
        rows = rows[rows["month"] < start + months]
        needed = rows["labour_needed"].to_numpy(dtype="float64")
        surplus = np.clip(rows["employees"].to_numpy(dtype="float64") - needed, 0, None)
        if np.isnan(surplus).all():
            return Answer(NONE, self.staff_row(plant_id))
        at = int(np.nanargmax(surplus))
        month = month_label(int(rows["month"].to_numpy()[at]))
        return Answer(
            float(surplus[at]),
            f"{self.staff_row(plant_id)}; the load needs {needed[at]:.0f} in {month}",
        )

    def headcount(self, plant_id: str) -> Answer:
        """The plant's employees on the date, as the engine reads them."""
        return Answer(
            number_or_nan(self.outlook.at[plant_id, "employees"]), self.staff_row(plant_id)
        )


def number_or_nan(value: Any) -> float:
    """A finite float, or NaN for anything else (None, NA, text)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return NONE
    return number if np.isfinite(number) else NONE


def answers_on(dataset: Dataset, a: Assumptions, date: dt.date) -> DateAnswers:
    """Run the loading engine on the dataset as known on ``date``."""
    resolved = as_of(dataset, date, LOADING_TABLES)
    return DateAnswers(date, run_loading(resolved, a), resolved)
