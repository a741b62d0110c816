"""Scenario answers: a scenario file's what-if, and several side by side."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset import as_of as as_of_dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.errors import DataError, Problem

if TYPE_CHECKING:
    from railgap.scenarios.spec import Lever, Scenario
    from railgap.scenarios.whatif import WhatIf
from railgap.analysis.context import (
    SCENARIO_TABLES,
    get_assumptions,
    get_dataset,
    stamp_for,
    stamped,
)


def run_scenario(
    path: str | Path,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
    all_plants: bool = False,
) -> pd.DataFrame:
    """Run a scenario file: per plant, baseline and scenario side by side, and the levers.

    ``attrs`` carry the stamp, the scenario's name and what each lever did (``levers``).
    Plants closed (or never opened) by the date with nothing to build in either are left
    out unless ``all_plants``.
    """
    from railgap.scenarios.spec import read_scenario

    spec, levers = read_scenario(path)
    return scenario_whatif(spec, levers, str(path), data, assumptions, all_plants)[0]


def scenario_whatif(
    spec: Scenario,
    levers: list[tuple[str, Lever]],
    where: str,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
    all_plants: bool = False,
) -> tuple[pd.DataFrame, WhatIf]:
    """A parsed scenario's stamped table, and the whole what-if (the engines' runs too).

    Unless ``all_plants``, the table lists the plants the outlook lists on the date
    (:func:`railgap.analysis.plants.relevant_plants`) and any a lever changed, less gone
    plants with nothing to build (:func:`railgap.analysis.plants.without_gone`).
    """
    from railgap.analysis.plants import relevant_plants, without_gone
    from railgap.scenarios.whatif import run_whatif

    dataset = get_dataset(data)
    a = get_assumptions(assumptions)
    resolved = as_of_dataset(dataset, spec.as_of, SCENARIO_TABLES)
    result = run_whatif(resolved, a, levers, where)
    frame = result.difference
    if not all_plants:
        # As the outlook lists them (plants that matter on the date), and any lever moved.
        base = result.baseline_loading.outlook
        matter = set(base.loc[relevant_plants(result.baseline_loading, resolved), "plant_id"])
        keep = frame["plant_id"].isin(matter) | frame["changed"].astype(bool)
        backlog = ["backlog_units_baseline", "backlog_units"]
        frame = without_gone(frame[keep.to_numpy()], resolved, spec.as_of, backlog)
    frame = stamped(frame, stamp_for(dataset, spec.as_of, result.assumptions))
    frame.attrs.update(
        {"scenario": spec.name, "description": spec.description, "levers": result.notes}
    )
    return frame, result


def compare_scenarios(
    paths: list[str | Path],
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
    all_plants: bool = False,
) -> pd.DataFrame:
    """Several scenarios of one date side by side: one DataFrame indexed by (scenario, plant_id).

    Scenarios of different as-of dates have different baselines, so they are refused
    (:func:`combine_scenarios`).
    """
    results = [run_scenario(path, data, assumptions, all_plants) for path in paths]
    return combine_scenarios(results, [Path(path).name for path in paths])


def combine_scenarios(results: list[pd.DataFrame], labels: list[str]) -> pd.DataFrame:
    """Scenario results (:func:`run_scenario`) in one frame indexed by (scenario, plant_id).

    A scenario name met twice is told apart by its label (e.g. its file name). Each row
    holds the baseline, the scenario and the change; results of different as-of dates
    raise :class:`DataError` naming the first that differs (their baselines differ).
    """
    dates = [str(frame.attrs["as_of"]) for frame in results]
    for label, date in zip(labels, dates, strict=True):
        if date != dates[0]:
            raise DataError(
                [
                    Problem(
                        label,
                        None,
                        "as_of",
                        f"is {date} but {labels[0]}'s is {dates[0]}: scenarios of different "
                        "dates have different baselines; compare scenarios of one date",
                    )
                ]
            )
    frames = []
    names: list[str] = []
    for frame, label in zip(results, labels, strict=True):
        name = str(frame.attrs["scenario"])
        if name in names:
            name = f"{name} ({label})"
        names.append(name)
        frames.append(frame.assign(scenario=name, as_of=frame.attrs["as_of"]))
    combined = pd.concat(frames, ignore_index=True).set_index(["scenario", "plant_id"])
    # Scenarios may differ in assumptions: a column; the rest is shared.
    shared = ("railgap_version", "dataset", "dataset_hash", "as_of")
    combined.attrs.update({k: v for k, v in frames[0].attrs.items() if k in shared})
    combined.attrs["assumptions"] = "; ".join(sorted({str(f.attrs["assumptions"]) for f in frames}))
    combined.attrs["scenarios"] = names
    return combined
