"""The Python API: outlook and plant answers as pandas DataFrames, stamped with provenance.

Each result's ``attrs`` carry ``railgap_version``, ``dataset`` (folder and hash), ``as_of``
and ``assumptions`` (name@version), so a number can always be traced to what produced it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from railgap import __version__
from railgap.assumptions import Assumptions, default_assumptions, read_assumptions
from railgap.dataset import Dataset, load_dataset
from railgap.dataset import as_of as as_of_dataset
from railgap.dates import parse_as_of
from railgap.errors import DataError, DateError, Problem, UnknownPlantError
from railgap.loading import LOADING_TABLES, Loading, run_loading
from railgap.schema import data_dir
from railgap.turnover import Forecast

if TYPE_CHECKING:
    from railgap.scenario import Lever, Scenario
    from railgap.whatif import WhatIf

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


def _as_date(value: str | dt.date | None) -> dt.date:
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
    date = _as_date(as_of_date)
    dataset = get_dataset(data)
    a = get_assumptions(assumptions)
    resolved = as_of_dataset(dataset, date, LOADING_TABLES)
    return run_loading(resolved, a), _stamp(dataset, date, a), resolved


def _stamped(frame: pd.DataFrame, stamp: Stamp) -> pd.DataFrame:
    frame.attrs.update(stamp.as_dict())
    return frame


def outlook(
    as_of: str | dt.date | None = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
    all_plants: bool = False,
) -> pd.DataFrame:
    """One row per plant: backlog, run-out, next work, gap and jobs at risk as of a date.

    By default only plants that matter on the date are listed: GB plants open on it, and
    any plant with GB work in the two years before the date or after it, or with units
    still to deliver. ``all_plants=True`` lists every plant known on the date.
    """
    return outlook_of(*run(as_of, data, assumptions), all_plants)


def outlook_of(
    loading: Loading, stamp: Stamp, resolved: Dataset, all_plants: bool = False
) -> pd.DataFrame:
    """The outlook table (see :func:`outlook`) from a loading run already made."""
    frame = loading.outlook
    if not all_plants and len(frame):
        frame = frame[relevant_plants(loading, resolved)]
    frame = frame.sort_values(
        ["country", "backlog_vehicles", "plant_id"],
        ascending=[True, False, True],
        key=lambda s: s.map(lambda c: c != "GB") if s.name == "country" else s,
    ).reset_index(drop=True)
    return _stamped(frame, stamp)


def relevant_plants(loading: Loading, resolved: Dataset) -> pd.Series:
    """Mask of outlook rows worth showing on the as-of date (see :func:`outlook`)."""
    from railgap.dates import date_month
    from railgap.scheduling import date_months

    d = date_month(loading.as_of)
    table = loading.plant_months
    recent = table[(table["month"] >= d - 24) & (table["vehicle_equivalents"] > 0)]
    frame = loading.outlook
    plants = resolved["plants"].set_index("plant_id").loc[frame["plant_id"]]
    # A plant opened or closed "in 2024" counts as such from January 2024.
    opened = date_months(plants, "opened", 1) <= d
    closed = date_months(plants, "closed", 1) <= d
    gb = (frame["country"] == "GB").to_numpy()
    has_work = frame["plant_id"].isin(set(recent["plant_id"])) | (frame["backlog_units"] > 0)
    idle_closed = closed & (frame["backlog_units"] == 0).to_numpy()
    return pd.Series(
        (gb & opened & ~closed) | (has_work.to_numpy() & ~idle_closed), index=frame.index
    )


@dataclass(frozen=True)
class PlantReport:
    """One plant's answer: its outlook row, monthly loading, order book and sources."""

    summary: dict[str, Any]
    months: pd.DataFrame
    orders: pd.DataFrame
    sources: pd.DataFrame
    stamp: Stamp


def plant(
    plant_id: str,
    as_of: str | dt.date | None = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
) -> PlantReport:
    """Month-by-month loading, order book and sources of one plant as of a date."""
    loading, stamp, resolved = run(as_of, data, assumptions)
    return plant_report(plant_id, loading, resolved, stamp)


def plant_report(plant_id: str, loading: Loading, resolved: Dataset, stamp: Stamp) -> PlantReport:
    """One plant's report from a loading result (the baseline's or a scenario's)."""
    rows = loading.outlook[loading.outlook["plant_id"] == plant_id]
    if rows.empty:
        known = ", ".join(sorted(loading.outlook["plant_id"]))
        raise UnknownPlantError(
            f"no plant '{plant_id}' in the dataset as of {stamp.as_of} (plants: {known})"
        )
    summary = {str(k): v for k, v in rows.iloc[0].to_dict().items()}
    months = loading.plant_months[loading.plant_months["plant_id"] == plant_id].reset_index(
        drop=True
    )
    windows = loading.schedule.windows
    mine = windows[windows["plant_id"] == plant_id]
    profile = loading.profile.loc[mine["order_id"].to_numpy()].reset_index()
    orders = pd.DataFrame(
        {
            "order_id": mine["order_id"].to_numpy(),
            "class": mine["class"].to_numpy(),
            "operator": profile["operator"].to_numpy(),
            "stage": mine["stage"].to_numpy(),
            "vehicles": mine["vehicles"].to_numpy(),
            "vehicle_equivalents": mine["vehicle_equivalents"].to_numpy(),
            "build_start": mine["start"].map(_label).to_numpy(),
            "build_end": mine["end"].map(_label).to_numpy(),
            "window_basis": mine["window_basis"].to_numpy(),
            "units": profile["units"].to_numpy(),
            "units_delivered": profile["units_delivered"].to_numpy(),
            "backlog_units": profile["backlog_units"].to_numpy(),
            "order_source": profile["source"].to_numpy(),
            "order_known_from": profile["known_from"].to_numpy(),
            "package_source": mine["source"].to_numpy(),
            "package_known_from": mine["known_from"].to_numpy(),
        }
    )
    sources = plant_sources(resolved, plant_id, mine["order_id"])
    return PlantReport(summary, _stamped(months, stamp), _stamped(orders, stamp), sources, stamp)


def _label(month: int) -> str:
    from railgap.dates import month_label

    return month_label(month)


def _describe(table: str, f: dict[str, Any]) -> str:
    """A short label for a dataset row, for the sources table."""
    if table == "plant_staff":
        return f"{f['plant_id']} {f['date']}: {f['employees']} staff"
    if table == "orders":
        return f"{f['order_id']} ({f['units']} x {f['cars_per_unit']})"
    if table == "work_packages":
        vehicles = (
            "all" if f["vehicles"] is None or f["vehicles"] != f["vehicles"] else f["vehicles"]
        )
        return f"{f['order_id']} {f['stage']} ({vehicles} veh.)"
    return str(f["plant_id"])


def plant_sources(resolved: Dataset, plant_id: str, order_ids: pd.Series) -> pd.DataFrame:
    """Every row behind a plant's numbers: table, key, what it gives, source and date."""
    rows = []
    for table, mask in (
        ("plants", resolved["plants"]["plant_id"] == plant_id),
        ("plant_staff", resolved["plant_staff"]["plant_id"] == plant_id),
        ("orders", resolved["orders"]["order_id"].isin(order_ids)),
        (
            "work_packages",
            (resolved["work_packages"]["plant_id"] == plant_id)
            & resolved["work_packages"]["order_id"].isin(order_ids),
        ),
    ):
        frame = resolved[table][mask]
        for record in frame.to_dict("records"):
            fields = {str(k): v for k, v in record.items()}
            key = _describe(table, fields)
            rows.append(
                {
                    "table": table,
                    "row": key,
                    "source": fields["source"],
                    "known_from": fields["known_from"],
                }
            )
    return pd.DataFrame(rows, columns=["table", "row", "source", "known_from"])


def order_loads(loading: Loading, plant_id: str) -> pd.DataFrame:
    """A plant's scheduled vehicle-equivalents per month and order (zero rows dropped)."""
    import numpy as np

    from railgap.dates import month_label

    windows = loading.schedule.windows
    if windows.empty:
        return pd.DataFrame(columns=["month", "order_id", "class", "vehicle_equivalents"])
    rows = np.flatnonzero(windows["plant_id"].to_numpy() == plant_id)
    months = loading.schedule.months
    frames = []
    for row in rows:
        load = loading.schedule.load[row]
        used = load > 1e-9
        frames.append(
            pd.DataFrame(
                {
                    "month": [month_label(m) for m in months[used]],
                    "order_id": windows["order_id"].iloc[row],
                    "class": windows["class"].iloc[row],
                    "vehicle_equivalents": load[used],
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["month", "order_id", "class", "vehicle_equivalents"])
    frame = pd.concat(frames, ignore_index=True)
    summed = frame.groupby(["month", "order_id", "class"], as_index=False).agg(
        vehicle_equivalents=("vehicle_equivalents", "sum")
    )
    return summed.sort_values(["order_id", "month"]).reset_index(drop=True)


def fleet(
    as_of: str | dt.date | None = None,
    operator: str | None = None,
    data: str | Path | Dataset | None = None,
) -> pd.DataFrame:
    """The fleet register as known on a date: one row per fleet, with age and status.

    ``operator`` keeps fleets whose current operators contain it (case-insensitive).
    """
    from railgap.register import fleet_register

    date = _as_date(as_of)
    dataset = get_dataset(data)
    resolved = as_of_dataset(dataset, date, ("fleets", "fleet_operators"))
    frame = fleet_register(resolved["fleets"], resolved["fleet_operators"], date)
    if operator:
        mask = frame["operators"].fillna("").str.contains(operator, case=False, regex=False)
        frame = frame[mask].reset_index(drop=True)
    return _stamped(frame, _stamp(dataset, date, get_assumptions()))


def _stamp(dataset: Dataset, date: dt.date, a: Assumptions) -> Stamp:
    return Stamp(
        railgap_version=__version__,
        dataset=dataset.label,
        dataset_hash=dataset.digest,
        as_of=date.isoformat(),
        assumptions=a.label,
    )


def order_years(resolved: Dataset, date: dt.date, a: Assumptions) -> pd.DataFrame:
    """First and last delivery year of committed orders, by class family."""
    from railgap.dates import date_month
    from railgap.scheduling import UNBUILT, order_profile

    profile = order_profile(resolved["orders"], date_month(date), a)
    live = profile[~profile["status"].isin(UNBUILT)]
    family = live["class"].astype(str).str.split("/").str[0]
    years = pd.DataFrame(
        {
            "family": family.to_numpy(),
            "first": live["first_delivery"].to_numpy() // 12,
            "last": live["last_delivery"].to_numpy() // 12,
        }
    )
    return years.groupby("family").agg(first=("first", "min"), last=("last", "max"))


def run_forecast(
    from_year: int | None = None,
    to_year: int = 2060,
    as_of: str | dt.date | None = None,
    lives: dict[str, float] | None = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
) -> tuple[Forecast, Stamp]:
    """Run the turnover engine; return its full answer and the provenance stamp."""
    from railgap.turnover import forecast as turnover_forecast

    date = _as_date(as_of)
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
        a = a.with_overrides({"service_life_years": {**a.table("service_life_years"), **lives}})
    resolved = as_of_dataset(dataset, date, ("fleets", "orders"))
    result = turnover_forecast(
        resolved["fleets"], date, a, first, to_year, order_years(resolved, date, a)
    )
    return result, _stamp(dataset, date, a)


def forecast(
    from_year: int | None = None,
    to_year: int = 2060,
    as_of: str | dt.date | None = None,
    lives: dict[str, float] | None = None,
    by: str | None = None,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
) -> pd.DataFrame:
    """Yearly fleet size, average age, retirements, deliveries and unordered need.

    ``by="traction"`` or ``by="segment"`` returns the same columns per group (long form,
    with a ``traction`` or ``segment`` column) instead of the national totals.
    """
    result, stamp = run_forecast(from_year, to_year, as_of, lives, data, assumptions)
    if by is None:
        frame = result.years
    elif by in ("traction", "segment"):
        groups = result.by_traction if by == "traction" else result.by_segment
        frame = pd.concat(
            [table.assign(**{by: name}) for name, table in groups.items()], ignore_index=True
        )
    else:
        raise ValueError(f"by must be None, 'traction' or 'segment', not {by!r}")
    frame = _stamped(frame.copy(), stamp)
    frame.attrs["smooth_order_level"] = result.smooth_level
    frame.attrs["backlog_vehicles"] = result.backlog
    frame.attrs["first_order_year"] = result.first_order_year
    return frame


def run_scenario(
    path: str | Path,
    data: str | Path | Dataset | None = None,
    assumptions: str | Path | Assumptions | None = None,
) -> pd.DataFrame:
    """Run a scenario file: per plant, baseline and scenario side by side, and the levers.

    ``attrs`` carry the stamp, the scenario's name and what each lever did (``levers``).
    """
    from railgap.scenario import read_scenario

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
    from railgap.whatif import run_whatif

    dataset = get_dataset(data)
    a = get_assumptions(assumptions)
    resolved = as_of_dataset(dataset, spec.as_of, SCENARIO_TABLES)
    result = run_whatif(resolved, a, levers, where)
    frame = _stamped(result.difference, _stamp(dataset, spec.as_of, result.assumptions))
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
) -> Simulation:
    """Monte Carlo over open tenders (award, date, winner, size) and firm orders' slippage.

    With ``scenario`` (a file, or one parsed with ``railgap.scenario.parse_scenario``), its
    levers are applied first and its as-of date is used (``as_of`` must then be left out).
    The same ``seed`` gives the same answer.
    """
    from railgap import montecarlo, uncertainty
    from railgap.levers import apply_levers
    from railgap.scenario import read_scenario

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
        date = _as_date(as_of)
        resolved = as_of_dataset(dataset, date, tables)
    as_planned = run_loading(resolved, a)
    base = montecarlo.prepare(resolved, a, as_planned)
    u = uncertainty.uncertainty(dataset, resolved, a, base.profile, base.windows)
    drawn = uncertainty.draw(u, draws, seed)
    sim = montecarlo.simulate(base, u, drawn, months=months, progress=progress)
    summary = montecarlo.summarise(base, sim, as_planned.outlook)
    plant_ids = [str(p) for p in summary["plant_id"]]
    stamp = _stamp(dataset, date, a)
    history = {
        "award_probability": u.history.award_probability,
        "award_basis": u.history.award_basis,
        "award_slippage_months": u.history.award_slips.tolist(),
        "notice_to_award_months": u.history.notice_to_award.tolist(),
        "delivery_slippage_months": u.order_slips.tolist(),
        "orders_that_may_slip": len(u.slipping_orders),
        "draws": draws,
        "seed": seed,
        "months": months,
    }
    return Simulation(
        summary=_stamped(summary, stamp),
        gap_probability=montecarlo.gap_probability(base, sim, plant_ids),
        run_out_by=montecarlo.run_out_by(base, sim, plant_ids, months),
        tenders=uncertainty.describe_tenders(u),
        history=history,
        notes=notes + u.notes,
        stamp=stamp,
    )


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
    :class:`railgap.pipeline_options.Options` (or a dict of its fields); ``data`` and ``db``
    choose the dataset as :func:`get_dataset` does; ``progress`` is told each stage in words
    as it starts (the command shows it on a terminal). Returns a
    :class:`railgap.pipeline_run.OptimizeResult` whose ``timetable``, ``plants``,
    ``plant_months``, ``terms``, ``gaps`` and ``tenders`` are stamped DataFrames.
    """
    from railgap.pipeline_options import Options, Weights, default_to_year, parse_weights
    from railgap.pipeline_run import run_optimize

    opts = options if isinstance(options, Options) else Options.model_validate(options or {})
    if isinstance(weights, str):
        opts = opts.model_copy(update={"weights": parse_weights(weights, opts.weights)})
    elif weights is not None:
        opts = opts.model_copy(update={"weights": Weights.model_validate(weights)})
    date = _as_date(as_of)
    dataset = get_dataset(data, db)
    a = get_assumptions(assumptions)
    resolved = as_of_dataset(dataset, date, SCENARIO_TABLES)
    stamp = _stamp(dataset, date, a).as_dict()
    first = date.year if from_year is None else from_year
    last = default_to_year(date.year) if to_year is None else to_year
    return run_optimize(resolved, a, first, last, opts, stamp, progress)
