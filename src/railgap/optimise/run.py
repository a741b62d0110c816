"""The optimiser on the dataset: gather its inputs on a date, run it, export the timetable.

The edge between the dataset and the pure engines: resolve the tables on the as-of date,
run the loading and turnover engines, derive the needs, build the instance, optimise
(:mod:`railgap.optimise.optimiser`), and stamp the answer. :func:`scenario_text` writes the
timetable as a scenario file of ``direct_order`` levers that ``railgap scenario run`` accepts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import yaml

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month, month_label
from railgap.dataset.errors import DateError, UnknownPlantError
from railgap.fleets.needs import needs_table, retiring_need
from railgap.optimise.inputs import Instance, build_instance
from railgap.optimise.optimiser import Optimised, Progress, optimize_instance
from railgap.optimise.options import Options


@dataclass(frozen=True)
class OptimizeResult:
    """The optimiser's answer on a date, with the instance it solved and the stamp."""

    optimised: Optimised
    instance: Instance
    options: Options
    assumptions: Assumptions
    as_of: dt.date
    stamp: dict[str, Any]

    @property
    def timetable(self) -> pd.DataFrame:
        """One row per need: award month, plant and build window (or why unmet)."""
        return self._stamped(self.optimised.timetable)

    @property
    def plants(self) -> pd.DataFrame:
        """Per plant: jobs-at-risk-months and vehicles, firm book only and per plan."""
        return self._stamped(self.optimised.plants)

    @property
    def plant_months(self) -> pd.DataFrame:
        """Per plant and month: firm and new load, capacity, viable rate, jobs at risk."""
        return self._stamped(self.optimised.plant_months)

    @property
    def terms(self) -> pd.DataFrame:
        """Objective terms of the optimised plan and the two baselines."""
        return self._stamped(self.optimised.terms)

    @property
    def gaps(self) -> pd.DataFrame:
        """Months GB plants stay below their viable rate, and whether any plan could help."""
        return self._stamped(self.optimised.gaps)

    @property
    def tenders(self) -> pd.DataFrame:
        """Per tender open on the date: the needs the as-procured plan times by it, or why none."""
        return self._stamped(self.optimised.tenders)

    @property
    def needs(self) -> pd.DataFrame:
        """The needs the optimiser placed (from the fleet forecast)."""
        return self._stamped(self.instance.needs.copy())

    @property
    def status(self) -> str:
        """The solver's status in words."""
        return self.optimised.status

    @property
    def mip_gap(self) -> float:
        """Relative MIP gap of the solution (inf without one)."""
        return self.optimised.mip_gap

    def _stamped(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        out.attrs.update(self.stamp)
        return out


def run_optimize(
    resolved: Dataset,
    a: Assumptions,
    from_year: int,
    to_year: int,
    options: Options,
    stamp: dict[str, Any],
    progress: Progress | None = None,
) -> OptimizeResult:
    """Optimise the pipeline as known on the resolved dataset's date (module docstring).

    ``progress`` is told each stage in words as it starts.
    """
    tell = progress or (lambda stage: None)
    tell("forecasting the needs and loading the plants")
    from railgap.fleets.turnover import cohorts, forecast
    from railgap.plants.deliveries import order_years
    from railgap.plants.loading import run_loading

    date = resolved.as_of
    if date is None:
        raise ValueError("run_optimize needs a dataset resolved with railgap.dataset.as_of")
    if not date.year <= to_year or not from_year <= to_year or not 1990 <= from_year <= 2100:
        raise DateError(
            f"years must satisfy from ({from_year}) <= to ({to_year}), as-of year "
            f"({date.year}) <= to, 1990 <= from <= 2100"
        )
    if to_year > 2100:
        raise DateError(f"--to {to_year} is after 2100")
    if max(date_month(date) + 1, from_year * 12) > to_year * 12 + 11:
        raise DateError(
            f"the horizon to the end of {to_year} has no month after the as-of date "
            f"{date.isoformat()}: awards start the month after it (the horizon ends by 2100)"
        )
    known = set(resolved["plants"]["plant_id"].astype(str))
    for plant in [*options.must_use, *options.must_not_use]:
        if plant not in known:
            raise UnknownPlantError(
                f"no plant '{plant}' in the dataset as of {date.isoformat()} "
                f"(plants: {', '.join(sorted(known))})"
            )
    loading = run_loading(resolved, a)
    years = order_years(resolved, date, a)
    fleets = resolved["fleets"]
    # Needs due after the horizon that could be in service early within it are included:
    # they may fill a gap, and leaving them for later costs nothing.
    beyond = to_year + int(np.ceil(a.number("early_replacement_years")))
    series = forecast(fleets, date, a, date.year, beyond, years).years
    retiring = retiring_need(cohorts(fleets, date, a, years), series, date.year, beyond)
    needs = needs_table(retiring, fleets, a, options.lot_vehicles)
    first_award = max(date_month(date) + 1, from_year * 12)
    inst = build_instance(loading, resolved, needs, a, first_award, to_year * 12 + 11)
    return OptimizeResult(optimize_instance(inst, options, tell), inst, options, a, date, stamp)


def _levers(result: OptimizeResult) -> list[dict[str, Any]]:
    """One ``direct_order`` lever per awarded need, built where and when the plan says."""
    inst = result.instance
    opt = result.optimised
    cand = opt.cand
    picked = opt.picked["optimised"]
    plants = inst.plants.reset_index(drop=True)
    needs = inst.needs
    lead = round(result.assumptions.number("assembly_lead_months"))
    lag = round(result.assumptions.number("handover_lag_months"))
    levers = []
    for c in picked:
        need = needs.iloc[int(cand.need[c])]
        plant = plants.iloc[int(cand.plant[c])]
        stages = [s for s in str(plant["stages"] or "").split(";") if s and s != "nan"]
        if not stages or set(stages) >= {"bodyshell", "assembly", "test"}:
            stages = ["full"]
        first = int(cand.start[c])
        last = first + int(cand.duration[c]) - 1
        window = {"build_start": month_label(first), "build_end": month_label(last)}
        levers.append(
            {
                "direct_order": {
                    "order_id": f"opt-{need['need_id']}",
                    "class": f"new {need['family']} {need['segment']}",
                    "manufacturer": str(plant["manufacturer_id"]),
                    "operator": None,
                    "signed": dt.date(int(cand.award[c]) // 12, int(cand.award[c]) % 12 + 1, 1),
                    "units": max(round(float(need["vehicles"])), 1),
                    "cars_per_unit": 1,
                    # Deliveries as the scheduling rule derives them from the build
                    # (never the last before the first); every stage's work is stated to
                    # run in the optimiser's build window, so the loading engine builds it
                    # exactly where and when the plan does.
                    "first_delivery": month_label(first + lead),
                    "last_delivery": month_label(max(last + lag, first + lead)),
                    "plants": [
                        {"plant": str(plant["plant_id"]), "stage": s, "share": 1.0, **window}
                        for s in stages
                    ],
                }
            }
        )
    return levers


def scenario_text(result: OptimizeResult) -> str:
    """The optimised timetable as scenario YAML (``direct_order`` levers), with a header."""
    objective = result.optimised.terms["objective"].astype(float)
    body = {
        "name": f"Optimised pipeline as of {result.as_of.isoformat()}",
        "description": (
            "Written by railgap optimize: one direct order per need, awarded and built where "
            "and when the optimised timetable says. Units are vehicles (cars_per_unit 1). "
            f"Objective {objective['optimised']:.1f} against "
            f"{objective['as_procured']:.1f} as procured; solver "
            f"{result.status}, MIP gap {result.mip_gap:.4f}; "
            f"{result.stamp.get('assumptions', '')!s}."
        ),
        "as_of": result.as_of,
        "levers": _levers(result),
    }
    return yaml.safe_dump(body, sort_keys=False, allow_unicode=True)
