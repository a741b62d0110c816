"""Fleet answers: the register on a date and the turnover forecast."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from railgap.analysis.context import (
    Stamp,
    as_date,
    get_assumptions,
    get_dataset,
    stamp_for,
    stamped,
)
from railgap.dataset import Dataset
from railgap.dataset import as_of as as_of_dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.errors import DataError, DateError, Problem, UnknownOperatorError
from railgap.fleets.turnover import Forecast
from railgap.plants.deliveries import order_years


def fleet(
    as_of: str | dt.date | None = None,
    operator: str | None = None,
    data: str | Path | Dataset | None = None,
) -> pd.DataFrame:
    """The fleet register as known on a date: one row per fleet, with age and status.

    ``operator`` keeps fleets one of whose current operators it names, by identity
    (:mod:`railgap.fleets.operators`: "Northern" is Northern Trains, not Great Northern).
    A name that is no operator's known on the date raises :class:`UnknownOperatorError`
    naming the nearest; one known only from past spells gives an empty table.
    """
    from railgap.fleets.register import fleet_register

    date = as_date(as_of)
    dataset = get_dataset(data)
    resolved = as_of_dataset(dataset, date, ("fleets", "fleet_operators"))
    frame = fleet_register(resolved["fleets"], resolved["fleet_operators"], date)
    if operator:
        frame = _run_by(frame, operator, resolved["fleet_operators"]["operator"], date)
    return stamped(frame, stamp_for(dataset, date, get_assumptions()))


def with_growth(a: Assumptions, name: str) -> Assumptions:
    """The assumptions with ``fleet_growth_per_year`` set by a named growth scenario."""
    has = "fleet_growth_scenarios" in a.assumptions
    scenarios = a.table("fleet_growth_scenarios") if has else {}
    if name not in scenarios:
        known = ", ".join(scenarios) or "none defined"
        raise DataError([Problem("--growth", None, name, f"is not a growth scenario ({known})")])
    return a.with_overrides({"fleet_growth_per_year": scenarios[name]}, f"--growth {name}")


def _run_by(frame: pd.DataFrame, operator: str, known: pd.Series, date: dt.date) -> pd.DataFrame:
    """The register's fleets run by ``operator`` (by identity); an unknown name is an error."""
    from railgap.fleets.operators import means, names_meant, nearest

    names = set(known.dropna().astype(str))
    if not names_meant(operator, names):
        near = nearest(operator, names)
        hint = f"; nearest: {', '.join(near)}" if near else ""
        raise UnknownOperatorError(
            f"--operator: no operator '{operator}' in the register as of {date}{hint}"
        )
    running = frame["operators"].fillna("").map(
        lambda text: any(means(operator, name) for name in text.split("; ") if name)
    )
    return frame[running.astype(bool)].reset_index(drop=True)


def run_forecast(
    from_year: int | None = None,
    to_year: int = 2060,
    as_of: str | dt.date | None = None,
    lives: dict[str, float] | None = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
    growth: str | None = None,
) -> tuple[Forecast, Stamp]:
    """Run the turnover engine; return its full answer and the provenance stamp.

    ``growth`` names one of the ``fleet_growth_scenarios`` (e.g. ``ltprss_2016_high``):
    it sets ``fleet_growth_per_year`` for the run.
    """
    from railgap.fleets.turnover import forecast as turnover_forecast

    date = as_date(as_of)
    first = date.year if from_year is None else from_year
    if not 1950 <= first <= to_year <= 2100:
        raise DateError(f"years must satisfy 1950 <= from ({first}) <= to ({to_year}) <= 2100")
    dataset = get_dataset(data)
    a = get_assumptions(assumptions)
    if lives:
        unknown = sorted(set(lives) - set(a.table("service_life_years")))
        if unknown:
            known = ", ".join(a.table("service_life_years"))
            raise DataError([Problem("--life", None, unknown[0], f"is not a traction ({known})")])
        a = a.with_overrides(
            {"service_life_years": {**a.table("service_life_years"), **lives}}, "--life"
        )
    if growth is not None:
        a = with_growth(a, growth)
    resolved = as_of_dataset(dataset, date, ("fleets", "orders"))
    result = turnover_forecast(
        resolved["fleets"], date, a, first, to_year, order_years(resolved, date, a)
    )
    return result, stamp_for(dataset, date, a)


def forecast(
    from_year: int | None = None,
    to_year: int = 2060,
    as_of: str | dt.date | None = None,
    lives: dict[str, float] | None = None,
    by: str | None = None,
    growth: str | None = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
) -> pd.DataFrame:
    """Yearly fleet size, average age, retirements, deliveries and unordered need.

    ``by="traction"`` or ``by="segment"`` returns the same columns per group (long form,
    with a ``traction`` or ``segment`` column) instead of the national totals.
    """
    result, stamp = run_forecast(from_year, to_year, as_of, lives, data, assumptions, growth)
    if by is None:
        frame = result.years
    elif by in ("traction", "segment"):
        groups = result.by_traction if by == "traction" else result.by_segment
        frame = pd.concat(
            [table.assign(**{by: name}) for name, table in groups.items()], ignore_index=True
        )
    else:
        raise ValueError(f"by must be None, 'traction' or 'segment', not {by!r}")
    frame = stamped(frame.copy(), stamp)
    frame.attrs["smooth_order_level"] = result.smooth_level
    frame.attrs["backlog_vehicles"] = result.backlog
    frame.attrs["first_order_year"] = result.first_order_year
    return frame
