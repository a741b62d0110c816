"""What changed between two dates: the rows that became known, and how the outlook moved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from railgap.analysis.context import Stamp, as_date, get_dataset, run, stamped
from railgap.analysis.plants import outlook_of
from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.errors import DateError


@dataclass(frozen=True)
class Changes:
    """Rows known between ``since`` and ``to``, and each plant's outlook on both dates.

    ``rows`` has ``railgap.dataset.changes.CHANGE_COLUMNS``; ``plants`` has, per plant
    listed on either date, each outlook measure as of ``since`` (``*_baseline``) and as
    of ``to``, their changes and ``changed``; ``stamp`` is the answer's as of ``to``
    (``since`` in ``attrs``).
    """

    since: str
    to: str
    rows: pd.DataFrame
    plants: pd.DataFrame
    stamp: Stamp


def changes(
    since: str | dt.date,
    to: str | dt.date | None = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
) -> Changes:
    """The rows known after ``since`` and by ``to`` (default today), and what they moved.

    How each plant's run-out, gaps and jobs at risk moved: the outlook as of ``since``
    against the outlook as of ``to``, under the same assumptions.
    """
    from railgap.dataset.changes import rows_known_between
    from railgap.scenarios.whatif import difference

    start, end = as_date(since), as_date(to)
    if start >= end:
        raise DateError(f"--since ({start}) must be before --to ({end})")
    dataset = get_dataset(data)
    before = outlook_of(*run(start, dataset, assumptions))
    loading, stamp, resolved = run(end, dataset, assumptions)
    after = outlook_of(loading, stamp, resolved)
    plants = difference(before, after)
    rows = rows_known_between(dataset, start, end)
    attrs = {**stamp.as_dict(), "since": start.isoformat(), "to": end.isoformat()}
    for frame in (rows, plants):
        stamped(frame, stamp).attrs.update(attrs)
    return Changes(start.isoformat(), end.isoformat(), rows, plants, stamp)
