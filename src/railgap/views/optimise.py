"""What ``railgap optimize`` prints and writes: tables, JSON, CSV and the scenario file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from railgap.dataset.dates import month_label
from railgap.dataset.errors import DataError, Problem
from railgap.optimise.report import TENDER_REPORT_COLUMNS, TIMETABLE_COLUMNS
from railgap.optimise.run import OptimizeResult, scenario_text
from railgap.views import render
from railgap.views.terminal import _add, console, new_table, stamp_line

PLANT_COLUMNS = [
    "plant_id",
    "country",
    "capacity",
    "viable",
    "jobs_at_risk_months_firm_only",
    "jobs_at_risk_months_as_procured",
    "jobs_at_risk_months_greedy",
    "jobs_at_risk_months_optimised",
    "months_below_viable_optimised",
    "vehicles_optimised",
]


def solver_report(result: OptimizeResult) -> dict[str, Any]:
    """The solver's status, gap and timings, and what the instance held."""
    opt = result.optimised
    return {
        "status": opt.status,
        "mip_gap": render.clean(opt.mip_gap),
        "bound": render.clean(opt.bound),
        "returned": opt.returned,
        "reason": opt.reason,
        # A heuristic's plan the solver did not prove within the gap: worth a warning.
        "heuristic": opt.returned not in ("mip", "none") and opt.status != "Optimal",
        "time_limit_s": result.options.time_limit_s,
        "build_seconds": round(opt.build_seconds, 3),
        "solve_seconds": round(opt.solve_seconds, 3),
        "needs": len(result.instance.needs),
        "candidates": opt.n_candidates,
        "horizon": f"{render.clean(result.instance.first_month) // 12}-"
        f"{render.clean(result.instance.last_month) // 12}",
        "weights": result.options.weights.model_dump(),
        "uk_share": result.options.uk_share,
        "budget_gbp_m_per_year": result.options.budget_gbp_m_per_year,
        "must_use": list(result.options.must_use),
        "must_not_use": list(result.options.must_not_use),
    }


#: Columns of the monthly loading table: the firm book's load and the optimised plan's new
#: load (vehicle-equivalents a month), capacity, viable rate, jobs at risk before and after.
LOADING_COLUMNS = [
    "plant_id",
    "month",
    "firm",
    "new",
    "capacity",
    "viable",
    "jobs_at_risk_before",
    "jobs_at_risk",
]
#: What ``--csv --table`` (and the API's ``table``) can give.
TABLES = ("timetable", "plants", "terms", "gaps", "tenders", "loading")


def loading_table(result: OptimizeResult) -> pd.DataFrame:
    """Each plant's monthly load before and after the optimised plan, where it builds.

    Plants with no capacity (that build nothing) are left out; months are labelled.
    """
    frame = result.plant_months
    frame = frame[frame["capacity"] > 0].copy()
    frame["month"] = [month_label(int(m)) for m in frame["month"]]
    return frame.reset_index(drop=True)


def as_json(result: OptimizeResult) -> dict[str, Any]:
    """Everything the command shows, for machines."""
    terms = result.terms.reset_index()
    return {
        **{k: render.clean(v) for k, v in result.stamp.items()},
        "solver": solver_report(result),
        "problems": result.optimised.problems,
        "objective_terms": render.records(terms),
        "timetable": render.records(result.timetable, TIMETABLE_COLUMNS),
        "tenders": render.records(result.tenders, TENDER_REPORT_COLUMNS),
        "plants": render.records(result.plants, PLANT_COLUMNS),
        "gaps": render.records(result.gaps),
        "loading": render.records(loading_table(result), LOADING_COLUMNS),
    }


def write_scenario(result: OptimizeResult, path: Path) -> None:
    """Write the timetable as a scenario file, whole or not at all (checked before writing)."""
    from railgap.scenarios.spec import parse_scenario

    text = scenario_text(result)
    parse_scenario(text, str(path))
    folder = path.parent if str(path.parent) else Path()
    try:
        handle, tmp = tempfile.mkstemp(dir=folder, prefix=".railgap-", suffix=".yaml")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(tmp).replace(path)
    except OSError as exc:
        raise DataError(
            [Problem(str(path), None, None, f"cannot be written: {exc.strerror}")]
        ) from None


def _text(value: Any) -> str:
    """A cell as text: missing values as a dash."""
    value = render.clean(value)
    return "-" if value is None else str(value)


def print_procured(result: OptimizeResult) -> None:
    """How the as-procured plan timed the needs: from each open tender, else just in time."""
    by = result.timetable["procured_by"]
    timed = int((by != "just in time").sum())
    lost = int(by.str.endswith("(not placed)").sum())
    console.print(
        f"As procured (expected pipeline): {timed} need(s) timed from an open tender's "
        f"expected award{f' ({lost} of them could not be placed)' if lost else ''}, "
        f"{len(by) - timed} just in time.",
        markup=False,
        highlight=False,
    )
    for record in result.tenders.to_dict("records"):
        t = {str(k): render.clean(v) for k, v in record.items()}
        head = f"  {t['tender_id']} ({t['stage']}"
        head += f", expected award {t['expected_award']})" if t["expected_award"] else ")"
        if t["award"]:
            text = (
                f"{head}: {render.fmt_int(t['vehicles'])} vehicles procure {t['needs']}; "
                f"awarded {t['award']} at {t['plant_id']}"
            )
            if t["reason"]:
                text += f" ({t['reason']})"
        else:
            text = f"{head}: not used, {t['reason']}"
        console.print(text, markup=False, highlight=False)


def print_result(result: OptimizeResult) -> None:
    """Timetable, plants before and after, objective terms, gaps and the solver's report."""
    report = solver_report(result)
    gap = report["mip_gap"]
    gap_text = "n/a (no solution)" if gap is None else f"{100 * gap:.2f}%"
    console.print(
        f"Pipeline optimiser {report['horizon']}: {report['status']}, MIP gap {gap_text} "
        f"({report['needs']} needs, {report['candidates']:,} candidate awards; build "
        f"{report['build_seconds']:.2f} s, solve {report['solve_seconds']:.1f} s)",
        markup=False,
        highlight=False,
    )
    console.print(f"Plan returned: {report['reason']}", markup=False, highlight=False)
    if report["heuristic"]:
        console.print(
            "  Warning: this is a heuristic's plan, not the MIP's (give the solver more time "
            "with --time-limit for a better one).",
            markup=False,
            highlight=False,
        )
    for problem in result.optimised.problems:
        console.print(f"  cannot place: {problem}", markup=False, highlight=False)
    table = new_table(
        "Timetable (not-yet-ordered needs)",
        ("need", "vehicles", "replaces", "due", "status", "award", "plant", "build"),
    )
    for raw in result.timetable.to_dict("records"):
        cells = {str(k): _text(v) for k, v in raw.items()}
        build = f"{cells['build_start']} to {cells['build_end']}"
        build = "-" if cells["build_start"] == "-" else build
        where = cells["plant_id"] if cells["plant_id"] != "-" else cells["reason"][:48]
        _add(
            table,
            cells["need_id"],
            render.fmt_int(raw["vehicles"]),
            cells["replaces"][:28],
            cells["due"],
            cells["status"],
            cells["award"],
            where,
            build,
        )
    console.print(table)
    print_procured(result)
    numbers = ("firm book only", "as procured", "greedy", "optimised", "vehicles")
    plants = new_table("Jobs-at-risk-months by plant", ("plant", "country", *numbers), numbers)
    for record in result.plants.to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        _add(
            plants,
            row["plant_id"],
            row["country"],
            render.fmt_int(row["jobs_at_risk_months_firm_only"]),
            render.fmt_int(row["jobs_at_risk_months_as_procured"]),
            render.fmt_int(row["jobs_at_risk_months_greedy"]),
            render.fmt_int(row["jobs_at_risk_months_optimised"]),
            render.fmt_int(row["vehicles_optimised"]),
        )
    console.print(plants)
    amounts = ("jobs-at-risk-months", "over-age vehicle-years", "rate changes", "objective")
    terms = new_table("Objective terms", ("plan", *amounts), amounts)
    for plan, values in result.terms.iterrows():
        _add(
            terms,
            str(plan).replace("_", " "),
            render.fmt_int(values["jobs_at_risk_months"]),
            render.fmt_int(values["overage_vehicle_years"]),
            render.fmt_int(values["rate_changes"]),
            render.fmt_int(values["objective"]),
        )
    console.print(terms)
    gaps = result.gaps
    if len(gaps):
        console.print("GB plants below their minimum viable rate:", markup=False)
        for gap in gaps.to_dict("records"):
            console.print(
                f"  {gap['plant_id']} {gap['from']} to {gap['to']} ({gap['months']} months, "
                f"{render.fmt_int(gap['jobs_at_risk_months'])} job-months): {gap['reason']}",
                markup=False,
                highlight=False,
            )
    console.print(stamp_line(result.stamp), markup=False, highlight=False)


def table_csv(result: OptimizeResult, table: str) -> str:
    """One of the answer's tables (:data:`TABLES`) as stamped CSV."""
    frames = {
        "timetable": (result.timetable, TIMETABLE_COLUMNS),
        "plants": (result.plants, PLANT_COLUMNS),
        "terms": (result.terms.reset_index(), None),
        "gaps": (result.gaps, None),
        "tenders": (result.tenders, TENDER_REPORT_COLUMNS),
        "loading": (loading_table(result), LOADING_COLUMNS),
    }
    frame, columns = frames[table]
    frame.attrs.update(result.stamp)  # reset_index may not carry the stamp
    return render.to_csv(frame, columns)
