"""The optimiser's answer: the smooth procurement timetable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from railgap.analysis.context import (
    SCENARIO_TABLES,
    as_date,
    get_assumptions,
    get_dataset,
    stamp_for,
)
from railgap.dataset import Dataset
from railgap.dataset import as_of as as_of_dataset
from railgap.dataset.assumptions import Assumptions


def optimize(
    as_of: str | dt.date | None = None,
    from_year: int | None = None,
    to_year: int | None = None,
    weights: str | dict[str, float] | None = None,
    options: Any = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
    db: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Any:
    """Optimise the pipeline: when and where each not-yet-ordered need is built.

    ``weights`` is ``"jobs=1,overage=10,smooth=1"`` or a dict; ``options`` a
    :class:`railgap.optimise.options.Options` (or a dict of its fields); ``data`` and ``db``
    choose the dataset as :func:`get_dataset` does; ``progress`` is told each stage in words
    as it starts (the command shows it on a terminal). Returns a
    :class:`railgap.optimise.run.OptimizeResult` whose ``timetable``, ``plants``,
    ``plant_months``, ``terms``, ``gaps`` and ``tenders`` are stamped DataFrames.
    """
    from railgap.optimise.options import Options, Weights, default_to_year, parse_weights
    from railgap.optimise.run import run_optimize

    opts = options if isinstance(options, Options) else Options.model_validate(options or {})
    if isinstance(weights, str):
        opts = opts.model_copy(update={"weights": parse_weights(weights, opts.weights)})
    elif weights is not None:
        opts = opts.model_copy(update={"weights": Weights.model_validate(weights)})
    date = as_date(as_of)
    dataset = get_dataset(data, db)
    a = get_assumptions(assumptions)
    resolved = as_of_dataset(dataset, date, SCENARIO_TABLES)
    stamp = stamp_for(dataset, date, a).as_dict()
    first = date.year if from_year is None else from_year
    last = default_to_year(date.year) if to_year is None else to_year
    return run_optimize(resolved, a, first, last, opts, stamp, progress)
