"""What every answer starts from: the dataset, the assumptions, the as-of date and the stamp.

Each result's ``attrs`` carry ``railgap_version``, ``dataset`` (folder and hash), ``as_of``
and ``assumptions`` (name@version), so a number can always be traced to what produced it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from railgap._version import __version__
from railgap.dataset import Dataset, load_dataset
from railgap.dataset import as_of as as_of_dataset
from railgap.dataset.assumptions import Assumptions, default_assumptions, read_assumptions
from railgap.dataset.dates import parse_as_of
from railgap.dataset.errors import DataError, Problem
from railgap.dataset.schema import data_dir
from railgap.plants.loading import LOADING_TABLES, Loading, run_loading

#: The tables levers read: the loading engine's, and tenders and fleets (award defaults).
SCENARIO_TABLES = (*LOADING_TABLES, "tenders", "fleets")


@lru_cache(maxsize=8)
def _cached_dataset(folder: str | None, _fingerprint: tuple[tuple[str, int, int], ...]) -> Dataset:
    return load_dataset(folder)


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of a folder's CSVs: a changed file misses the cache."""
    if not folder.is_dir():
        return ()
    stats = ((p.name, p.stat()) for p in sorted(folder.glob("*.csv")))
    return tuple((name, st.st_size, st.st_mtime_ns) for name, st in stats)


def get_dataset(
    data: str | Path | Dataset | None = None, db: str | None = None, create: bool = False
) -> Dataset:
    """Return a validated dataset: the one given, a folder's, the database's, or the embedded one.

    Every command that reads data comes through here. In order: a ``Dataset`` or a folder
    (``data``); else the database named by ``db`` or ``$RAILGAP_DATABASE_URL``, or the
    default SQLite file when it exists (see ``railgap.store.location.configured_url``); else
    the embedded dataset. Folders are cached by their files' sizes and modification times,
    databases by the version every write changes, so edited data is read again. A named
    SQLite file that does not exist is an error (a mistyped path would otherwise become a
    new database), unless ``create`` (the web app, which keeps its scenarios there).
    """
    if isinstance(data, Dataset):
        return data
    if data is not None and db is not None:
        raise DataError([Problem(str(data), None, None, "give a dataset folder or --db, not both")])
    if data is None:
        from railgap.store.location import configured_url

        url = configured_url(db)
        if url is not None:
            from railgap.store.engine import get_engine
            from railgap.store.reading import read_dataset

            return read_dataset(get_engine(url, create=create))
    folder = Path(data) if data is not None else data_dir()
    return _cached_dataset(str(data) if data is not None else None, _fingerprint(folder))


def get_assumptions(assumptions: str | Path | Assumptions | None = None) -> Assumptions:
    """Return assumptions: the packaged ones, a YAML file's, or the object given."""
    if isinstance(assumptions, Assumptions):
        return assumptions
    if assumptions is None:
        return default_assumptions()
    return read_assumptions(assumptions)


def as_date(value: str | dt.date | None) -> dt.date:
    """An as-of date from text, a date or ``None`` (today), checked against the range."""
    if isinstance(value, dt.date):
        return parse_as_of(value.isoformat())
    return parse_as_of(value)


@dataclass(frozen=True)
class Stamp:
    """What produced an answer: software version, dataset, as-of date and assumptions."""

    railgap_version: str
    dataset: str
    dataset_hash: str
    as_of: str
    assumptions: str

    def as_dict(self) -> dict[str, Any]:
        """Return the stamp as a plain dict (for JSON and DataFrame attrs)."""
        return dict(self.__dict__)


def run(
    as_of_date: str | dt.date | None = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
) -> tuple[Loading, Stamp, Dataset]:
    """Resolve the dataset on a date and run the loading engine; return result and stamp."""
    date = as_date(as_of_date)
    dataset = get_dataset(data)
    a = get_assumptions(assumptions)
    resolved = as_of_dataset(dataset, date, LOADING_TABLES)
    return run_loading(resolved, a), stamp_for(dataset, date, a), resolved


def stamped(frame: pd.DataFrame, stamp: Stamp) -> pd.DataFrame:
    """The frame with the stamp in its ``attrs``."""
    frame.attrs.update(stamp.as_dict())
    return frame


def stamp_for(dataset: Dataset, date: dt.date, a: Assumptions) -> Stamp:
    """The stamp of an answer from ``dataset`` on ``date`` under ``a``."""
    return Stamp(
        railgap_version=__version__,
        dataset=dataset.label,
        dataset_hash=dataset.digest,
        as_of=date.isoformat(),
        assumptions=a.label,
    )
