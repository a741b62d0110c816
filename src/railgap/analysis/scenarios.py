"""Scenario answers: a scenario file's what-if, and several side by side."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset import as_of as as_of_dataset
from railgap.dataset.assumptions import Assumptions

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
) -> pd.DataFrame:
    """Run a scenario file: per plant, baseline and scenario side by side, and the levers.

    ``attrs`` carry the stamp, the scenario's name and what each lever did (``levers``).
    """
    from railgap.scenarios.spec import read_scenario

    spec, levers = read_scenario(path)
    return scenario_whatif(spec, levers, str(path), data, assumptions)[0]


def scenario_whatif(
    spec: Scenario,
    levers: list[tuple[str, Lever]],
    where: str,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
) -> tuple[pd.DataFrame, WhatIf]:
    """A parsed scenario's stamped table, and the whole what-if (the engines' runs too)."""
    from railgap.scenarios.whatif import run_whatif

    dataset = get_dataset(data)
    a = get_assumptions(assumptions)
    resolved = as_of_dataset(dataset, spec.as_of, SCENARIO_TABLES)
    result = run_whatif(resolved, a, levers, where)
    frame = stamped(result.difference, stamp_for(dataset, spec.as_of, result.assumptions))
    frame.attrs.update(
        {"scenario": spec.name, "description": spec.description, "levers": result.notes}
    )
    return frame, result


def compare_scenarios(
    paths: list[str | Path],
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
) -> pd.DataFrame:
    """Several scenarios side by side: one DataFrame indexed by (scenario, plant_id)."""
    results = [run_scenario(path, data, assumptions) for path in paths]
    return combine_scenarios(results, [Path(path).name for path in paths])


def combine_scenarios(results: list[pd.DataFrame], labels: list[str]) -> pd.DataFrame:
    """Scenario results (:func:`run_scenario`) in one frame indexed by (scenario, plant_id).

    A scenario name met twice is told apart by its label (e.g. its file name).
    """
    frames = []
    names: list[str] = []
    for frame, label in zip(results, labels, strict=True):
        name = str(frame.attrs["scenario"])
        if name in names:
            name = f"{name} ({label})"
        names.append(name)
        frames.append(frame.assign(scenario=name, as_of=frame.attrs["as_of"]))
    combined = pd.concat(frames, ignore_index=True).set_index(["scenario", "plant_id"])
    # Scenarios may differ in date and assumptions: those are columns; the rest is shared.
    shared = ("railgap_version", "dataset", "dataset_hash")
    combined.attrs.update({k: v for k, v in frames[0].attrs.items() if k in shared})
    combined.attrs["assumptions"] = "; ".join(sorted({str(f.attrs["assumptions"]) for f in frames}))
    combined.attrs["as_of"] = "; ".join(sorted({str(f.attrs["as_of"]) for f in frames}))
    combined.attrs["scenarios"] = names
    return combined
