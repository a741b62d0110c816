"""What the web app asks of railgap: the Python API's answers, cached per date and dataset.

Every answer comes from :mod:`railgap.analysis` (the same functions the CLI calls); this
module adds a cache keyed by (answer, arguments, dataset hash) and the few derived tables the
charts need (monthly load by order, scenario months). Cached frames are shared: read-only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from railgap import analysis
from railgap._version import __version__
from railgap.analysis import PlantReport, Stamp
from railgap.dataset import Dataset
from railgap.dataset import as_of as as_of_dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month, month_label, parse_as_of
from railgap.dataset.errors import DataError, Problem, RailgapError
from railgap.fleets.turnover import Forecast
from railgap.plants.loading import Loading
from railgap.scenarios.spec import Scenario, parse_scenario
from railgap.scorecard import Backtest
from railgap.scorecard.calibration import DRAWS
from railgap.web.cache import LRUCache
from railgap.web.jobs import LongJobs

#: The backtest the dashboard shows (draws, seed, calibrated): ``railgap backtest``'s defaults.
PAGE_BACKTEST = (DRAWS, 2024, True)
#: How long the web app keeps using the dataset it read before checking for edits (seconds).
DATASET_TTL_S = 1.0


@dataclass(frozen=True)
class ScenarioRun:
    """A scenario run for the web: the per-plant table and the months of changed plants."""

    table: pd.DataFrame
    months: pd.DataFrame  # plant_id, month, baseline/scenario load and jobs at risk


#: How answers name a dataset read from the server's database or a folder on it: never by
#: its URL or path (the dataset hash, stamped beside it, says which data it was).
DATABASE_LABEL = "database"
FOLDER_LABEL = "data folder"


class Service:
    """railgap's answers for one dataset: a folder's, the database's, or the embedded one.

    As for the CLI (:func:`railgap.analysis.get_dataset`): a folder when given; else the
    database named (or ``$RAILGAP_DATABASE_URL``, or the default file when it exists), whose
    users' edits are seen within :data:`DATASET_TTL_S`; else the embedded dataset. Unlike
    the CLI's, its stamps call the dataset :data:`DATABASE_LABEL` or :data:`FOLDER_LABEL`,
    not the server's database URL or folder path.
    """

    def __init__(
        self, data: Path | None = None, db: str | None = None, cache_size: int = 256
    ) -> None:
        self.data = data
        self.db = db
        self.cache = LRUCache(cache_size)
        self.jobs = LongJobs()
        self._dataset: tuple[float, Dataset] | None = None
        self._lock = threading.Lock()

    def dataset(self) -> Dataset:
        """The dataset, re-read when its files or database change (checked once a second)."""
        with self._lock:
            now = time.monotonic()
            if self._dataset is None or now - self._dataset[0] > DATASET_TTL_S:
                db = None if self.data is not None else self.db
                dataset = analysis.get_dataset(self.data, db, create=True)
                if dataset.label != "embedded":
                    label = FOLDER_LABEL if self.data is not None else DATABASE_LABEL
                    dataset = replace(dataset, folder=label)
                self._dataset = (now, dataset)
            return self._dataset[1]

    def source(self) -> Path | Dataset | None:
        """What the Python API is given: the folder's or database's dataset, or None."""
        from railgap.store.location import configured_url

        if self.data is None and configured_url(self.db) is None:
            return None
        return self.dataset()

    def private_names(self) -> list[str]:
        """How the server names its database or folder (URL, path), longest first."""
        from railgap.store.engine import sqlite_path
        from railgap.store.errors import display_url
        from railgap.store.location import configured_url

        names: list[str] = []
        if self.data is not None:
            names += [str(self.data), str(Path(self.data).resolve())]
        url = configured_url(self.db) if self.data is None else None
        if url:
            names += [url, display_url(url)]
            path = sqlite_path(url)
            if path is not None:
                names += [str(path), str(path.resolve())]
        return sorted({n for n in names if n}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` (an error message, say) with the server's database or folder unnamed."""
        label = FOLDER_LABEL if self.data is not None else DATABASE_LABEL
        for name in self.private_names():
            text = text.replace(name, label)
        return text

    def check_health(self) -> None:
        """Read the database (its own tables, and the dataset if it comes from there).

        Raises ``RailgapError`` (a :class:`railgap.store.faults.StoreUnavailable` for a
        damaged, locked or read-only database) when a data page would fail.
        """
        from railgap import store
        from railgap.store.location import configured_url

        if configured_url(self.db) is not None:  # none yet: nothing to read (none is made)
            store.check_health(self.db)
        self.dataset()

    def label(self) -> str:
        """The dataset's name in stamps: "embedded", the folder or the database."""
        return self.dataset().label

    def assumptions(self) -> Assumptions:
        """The packaged assumptions."""
        return analysis.get_assumptions()

    def _cached(self, key: tuple[Any, ...], compute: Any) -> Any:
        return self.cache.get_or_compute((self.dataset().digest, *key), compute)

    @staticmethod
    def date(as_of: str | None) -> dt.date:
        """Parse an as-of date (``None`` is today); a bad one raises ``DateError``."""
        return parse_as_of(as_of)

    def outlook(self, date: dt.date, all_plants: bool = False) -> pd.DataFrame:
        """The national outlook on a date (as ``railgap outlook``)."""
        return self._cached(  # type: ignore[no-any-return]
            ("outlook", date, all_plants),
            lambda: analysis.outlook_of(*self.loading(date), all_plants),
        )

    def changes(self, since: dt.date, to: dt.date) -> Any:
        """What became known between two dates, and how the outlook moved (``railgap changes``)."""
        from railgap.analysis.changed import changes

        return self._cached(("changes", since, to), lambda: changes(since, to, self.source()))

    def rendered(self, key: tuple[Any, ...], compute: Any) -> Any:
        """A serialised answer (bytes, text) cached under ``key`` like the frames."""
        return self._cached(("rendered", *key), compute)

    def rendered_if_cached(self, key: tuple[Any, ...]) -> Any | None:
        """The serialised answer cached under ``key``, or ``None`` (never computes)."""
        return self.cache.get((self.dataset().digest, "rendered", *key))

    def loading(self, date: dt.date) -> tuple[Loading, Stamp, Dataset]:
        """The loading engine's whole answer on a date, its stamp and the resolved tables."""
        return self._cached(  # type: ignore[no-any-return]
            ("loading", date), lambda: analysis.run(date, self.source())
        )

    def plant(self, plant_id: str, date: dt.date) -> PlantReport:
        """One plant's report (raises ``UnknownPlantError``)."""
        loading, stamp, resolved = self.loading(date)
        return self._cached(  # type: ignore[no-any-return]
            ("plant", plant_id, date),
            lambda: analysis.plant_report(plant_id, loading, resolved, stamp),
        )

    def order_loads(self, plant_id: str, date: dt.date) -> pd.DataFrame:
        """A plant's monthly vehicle-equivalents by order (long form: month, order_id, load)."""
        loading, _, _ = self.loading(date)
        frame: pd.DataFrame = self._cached(
            ("order_loads", plant_id, date), lambda: analysis.order_loads(loading, plant_id)
        )
        return frame

    def fleet(self, date: dt.date, operator: str | None) -> pd.DataFrame:
        """The fleet register on a date (as ``railgap fleet``)."""
        return self._cached(  # type: ignore[no-any-return]
            ("fleet", date, operator),
            lambda: analysis.fleet(date, operator=operator, data=self.source()),
        )

    def forecast(
        self, date: dt.date, from_year: int | None, to_year: int, lives: dict[str, float]
    ) -> tuple[Forecast, Stamp]:
        """The national forecast (as ``railgap forecast``)."""
        key = ("forecast", date, from_year, to_year, tuple(sorted(lives.items())))
        return self._cached(  # type: ignore[no-any-return]
            key, lambda: analysis.run_forecast(from_year, to_year, date, lives, self.source())
        )

    def table(self, name: str, date: dt.date | None) -> pd.DataFrame:
        """One dataset table: every revision, or the rows in force on a date; stamped."""
        from railgap.dataset.schema import schema

        dataset = self.dataset()
        if name not in dataset.tables:
            raise UnknownTableError(
                f"no table '{name}' (tables: {', '.join(sorted(dataset.tables))})"
            )
        frame = as_of_dataset(dataset, date, (name,))[name] if date else dataset[name]
        columns = schema(name).names
        out = frame[columns].reset_index(drop=True)
        out.attrs.update(
            {
                "railgap_version": __version__,
                "dataset": self.label(),
                "dataset_hash": dataset.digest,
                "as_of": date.isoformat() if date else "",
                "assumptions": "",
                "table": name,
            }
        )
        return out

    def backtest(self, plant_id: str | None, draws: int, seed: int, calibrate: bool) -> Backtest:
        """The backtest's scorecard (as ``railgap backtest``), cached per dataset."""
        return self._cached(  # type: ignore[no-any-return]
            ("backtest", plant_id, draws, seed, calibrate),
            lambda: analysis.backtest(
                self.source(), plant=plant_id, draws=draws, seed=seed, calibrate=calibrate
            ),
        )

    def backtest_job(
        self, plant_id: str | None, draws: int, seed: int, calibrate: bool
    ) -> tuple[Hashable, Future[Backtest]]:
        """The scorecard as a long job (:mod:`railgap.web.jobs`): done at once when cached.

        An unknown plant is refused here, before any job starts.
        """
        dataset = self.dataset()
        if plant_id is not None and plant_id not in set(dataset["plants"]["plant_id"]):
            self.backtest(plant_id, draws, seed, calibrate)  # raises UnknownPlantError
        key = (dataset.digest, "backtest", plant_id, draws, seed, calibrate)
        cached = self.cache.get(key)
        if cached is not None:
            done: Future[Backtest] = Future()
            done.set_result(cached)
            return key, done
        job = self.jobs.submit(key, lambda: self.backtest(plant_id, draws, seed, calibrate))
        return key, job

    def warm(self) -> None:
        """Start the long answers the dashboard shows (the page's backtest) in the background."""
        try:
            self.backtest_job(None, *PAGE_BACKTEST)
        except RailgapError:  # a broken dataset: the pages will say so when asked
            return

    def tenders(self, date: dt.date) -> pd.DataFrame:
        """The tenders as known on a date."""
        frame: pd.DataFrame = self._cached(("tenders", date), lambda: self.table("tenders", date))
        return frame

    def gap_levers(self, plant_id: str, date: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Variations that would fill a plant's unviable months (run), and open tenders."""
        from railgap.scenarios.gaplevers import open_tenders, variation_candidates

        loading, _, resolved = self.loading(date)
        self.plant(plant_id, date)  # raises UnknownPlantError for an unknown plant

        def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
            variations = variation_candidates(loading, resolved, self.assumptions(), plant_id)
            plants = resolved["plants"].set_index("plant_id")
            manufacturer = str(plants.loc[plant_id, "manufacturer_id"])
            tenders = as_of_dataset(self.dataset(), date, ("tenders",))
            return variations, open_tenders(tenders, manufacturer)

        return self._cached(("gap_levers", plant_id, date), compute)  # type: ignore[no-any-return]

    def parse(self, text: str, where: str = "scenario.yaml") -> tuple[Scenario, list[Any]]:
        """Parse uploaded scenario text; ``base`` cannot be followed from an upload."""
        spec, levers = parse_scenario(text, where)
        if spec.base:
            raise DataError(
                [
                    Problem(
                        where,
                        None,
                        "base",
                        "an uploaded scenario cannot name a base file: include its levers",
                    )
                ]
            )
        return spec, levers

    def scenario(
        self, text: str, where: str = "scenario.yaml", all_plants: bool = False
    ) -> ScenarioRun:
        """Run uploaded scenario text against the baseline of its date.

        Gone plants with nothing to build in either are left out unless ``all_plants``.
        """
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

        def compute() -> ScenarioRun:
            spec, levers = self.parse(text, where)
            table, result = analysis.scenario_whatif(
                spec, levers, where, data=self.source(), all_plants=all_plants
            )
            changed = sorted(set(table.loc[table["changed"].astype(bool), "plant_id"]))
            months = scenario_months(result.baseline_loading, result.loading, changed)
            return ScenarioRun(table, months)

        key = ("scenario", digest, where, all_plants)
        return self._cached(key, compute)  # type: ignore[no-any-return]

    def simulation(
        self,
        date: dt.date | None,
        text: str | None,
        draws: int,
        seed: int,
        months: int,
        all_plants: bool = False,
    ) -> analysis.Simulation:
        """A Monte Carlo run on a date, or under uploaded scenario text (its own date).

        Gone plants with nothing to build are left out unless ``all_plants``.
        """
        digest = hashlib.sha256((text or "").encode("utf-8", "surrogatepass")).hexdigest()

        def compute() -> analysis.Simulation:
            scenario = self.parse(text) if text is not None else None
            return analysis.run_simulation(
                scenario,
                draws=draws,
                seed=seed,
                as_of=None if scenario is not None else date,
                months=months,
                data=self.source(),
                all_plants=all_plants,
            )

        key = (
            "simulation", date if text is None else None, digest, draws, seed, months, all_plants
        )
        return self._cached(key, compute)  # type: ignore[no-any-return]

    def optimize(
        self,
        date: dt.date,
        from_year: int | None,
        to_year: int,
        weights: str | None,
        time_limit: float,
        uk_share: float = 0.0,
        budget: float | None = None,
        must_use: Sequence[str] = (),
        must_not_use: Sequence[str] = (),
    ) -> Any:
        """The pipeline optimiser's answer on a date (as ``railgap optimize`` with its options).

        A plant named in ``must_use`` or ``must_not_use`` that is not in the dataset is an
        :class:`~railgap.dataset.errors.UnknownPlantError` (a 404).
        """
        from railgap.optimise.options import Options, parse_weights

        def compute() -> Any:
            options = Options(
                weights=parse_weights(weights),
                time_limit_s=time_limit,
                uk_share=uk_share,
                budget_gbp_m_per_year=budget,
                must_use=list(must_use),
                must_not_use=list(must_not_use),
            )
            return analysis.optimize(date, from_year, to_year, options=options, data=self.source())

        key = (
            "optimize",
            date,
            from_year,
            to_year,
            weights or "",
            time_limit,
            uk_share,
            budget,
            tuple(must_use),
            tuple(must_not_use),
        )
        return self._cached(key, compute)

    def saved(self, scenario_id: int) -> Any:
        """The saved scenario with this id; a 404 ``RequestError`` when there is none."""
        from railgap import store
        from railgap.web.limits import RequestError

        found = store.get_scenario(scenario_id, self.db)
        if found is None:
            raise RequestError(404, "not_found", f"no saved scenario {scenario_id}")
        return found


class UnknownTableError(RailgapError, KeyError):
    """A dataset table name that does not exist (a 404)."""

    def __str__(self) -> str:
        """Return the message without KeyError's quoting."""
        return str(self.args[0])


def scenario_months(before: Loading, after: Loading, plants: list[str]) -> pd.DataFrame:
    """Monthly load and jobs at risk of some plants, baseline and scenario, from the as-of."""
    d = date_month(before.as_of)
    keep = ["plant_id", "month", "vehicle_equivalents", "jobs_at_risk"]
    base = before.plant_months[keep]
    scen = after.plant_months[keep]
    base = base[base["plant_id"].isin(plants) & (base["month"] >= d - 12)]
    scen = scen[scen["plant_id"].isin(plants) & (scen["month"] >= d - 12)]
    merged = base.merge(
        scen, on=["plant_id", "month"], how="outer", suffixes=("_baseline", "_scenario")
    ).sort_values(["plant_id", "month"])
    merged["month"] = merged["month"].map(month_label)
    return merged.reset_index(drop=True)
