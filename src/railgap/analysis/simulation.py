"""The Monte Carlo answer: chances of a gap and of run-out per plant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset import as_of as as_of_dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.errors import DataError, DateError, Problem
from railgap.plants.loading import run_loading

if TYPE_CHECKING:
    from railgap.scenarios.spec import Lever, Scenario
from railgap.analysis.context import (
    SCENARIO_TABLES,
    Stamp,
    as_date,
    get_assumptions,
    get_dataset,
    stamp_for,
    stamped,
)


@dataclass(frozen=True)
class Simulation:
    """A Monte Carlo run: per-plant summary, gap and run-out chances by month, what was drawn.

    ``summary`` has one row per plant (``montecarlo.SUMMARY_FIELDS``); ``gap_probability``
    and ``run_out_by`` are indexed by month (``YYYY-MM``) with a column per plant;
    ``tenders`` lists the open tenders drawn; ``notes`` says what was left out and why.
    """

    summary: pd.DataFrame
    gap_probability: pd.DataFrame
    run_out_by: pd.DataFrame
    tenders: pd.DataFrame
    history: dict[str, Any]
    notes: list[str]
    stamp: Stamp


#: Most draws one run may take (memory and time stay bounded by the chunking).
MAX_DRAWS = 1_000_000


def run_simulation(
    scenario: str | Path | tuple[Scenario, list[tuple[str, Lever]]] | None = None,
    draws: int = 10_000,
    seed: int = 2024,
    as_of: str | dt.date | None = None,
    months: int = 240,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
    progress: Callable[[int], None] | None = None,
    all_plants: bool = False,
) -> Simulation:
    """Monte Carlo over open tenders (award, date, winner, size) and firm orders' slippage.

    With ``scenario`` (a file, or one parsed with ``railgap.scenarios.spec.parse_scenario``), its
    levers are applied first and its as-of date is used (``as_of`` must then be left out).
    The same ``seed`` gives the same answer. Plants closed (or never opened) by the date
    with nothing to build are left out unless ``all_plants``. ``progress``, when given, is
    called with the number of draws just finished, after each chunk of draws.
    """
    from railgap import montecarlo
    from railgap.montecarlo import distributions
    from railgap.scenarios.levers import apply_levers
    from railgap.scenarios.spec import read_scenario

    if not 1 <= draws <= MAX_DRAWS:
        raise DataError([Problem("--draws", None, None, f"must be 1 to {MAX_DRAWS}, not {draws}")])
    if not 12 <= months <= 600:
        raise DataError([Problem("--months", None, None, f"must be 12 to 600, not {months}")])
    if seed < 0:
        raise DataError([Problem("--seed", None, None, f"must be 0 or more, not {seed}")])
    dataset = get_dataset(data)
    a = get_assumptions(assumptions)
    tables = SCENARIO_TABLES
    notes: list[str] = []
    if scenario is not None:
        if as_of is not None:
            raise DateError("a scenario brings its own as-of date: leave out --as-of")
        if isinstance(scenario, tuple):
            (spec, levers), where = scenario, "scenario.yaml"
        else:
            (spec, levers), where = read_scenario(scenario), str(scenario)
        date = spec.as_of
        applied = apply_levers(as_of_dataset(dataset, date, tables), a, levers, where)
        resolved, a = applied.resolved, applied.assumptions
        notes += [f"scenario {spec.name}: {note}" for note in applied.notes]
    else:
        date = as_date(as_of)
        resolved = as_of_dataset(dataset, date, tables)
    as_planned = run_loading(resolved, a)
    base = montecarlo.prepare(resolved, a, as_planned)
    u = distributions.uncertainty(dataset, resolved, a, base.profile, base.windows)
    drawn = distributions.draw(u, draws, seed)
    sim = montecarlo.simulate(base, u, drawn, months=months, progress=progress)
    summary = montecarlo.summarise(base, sim, as_planned.outlook)
    if not all_plants:
        from railgap.analysis.plants import without_gone

        backlog = as_planned.outlook.set_index("plant_id")["backlog_units"]
        busy = summary.assign(backlog_units=summary["plant_id"].map(backlog))
        summary = without_gone(busy, resolved, date, ["backlog_units"]).drop(
            columns="backlog_units"
        )
    plant_ids = [str(p) for p in summary["plant_id"]]
    stamp = stamp_for(dataset, date, a)
    history = {
        "award_probability": u.history.award_probability,
        "award_basis": u.history.award_basis,
        "award_slippage_months": u.history.award_slips.tolist(),
        "notice_to_award_months": u.history.notice_to_award.tolist(),
        "delivery_slippage_months": u.order_slips.tolist(),
        "orders_that_may_slip": len(u.slipping_orders),
        "completion_slippage_months": u.completion_slips.tolist(),
        "orders_that_may_finish_late": len(u.finishing_orders),
        "draws": draws,
        "seed": seed,
        "months": months,
    }
    return Simulation(
        summary=stamped(summary, stamp),
        gap_probability=montecarlo.gap_probability(base, sim, plant_ids),
        run_out_by=montecarlo.run_out_by(base, sim, plant_ids, months),
        tenders=distributions.describe_tenders(u),
        history=history,
        notes=notes + u.notes,
        stamp=stamp,
    )
