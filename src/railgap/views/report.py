"""A plant briefing to email: one self-contained HTML file, or the same tables in Excel.

``railgap report PLANT [--as-of] [--scenario FILE] -o brief.html`` and the dashboard's
download both come from here. The HTML inlines Plotly.js (from the ``plotly`` package) and
the figures' data, lists every source, and carries the provenance stamp; the workbook
(openpyxl) holds the same tables, one sheet each, with the stamp on its first sheet.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from railgap import analysis
from railgap.analysis import PlantReport, Stamp
from railgap.dataset import Dataset
from railgap.dataset import as_of as as_of_dataset
from railgap.dataset.dates import date_month, month_label
from railgap.dataset.errors import DateError
from railgap.views import html, render

#: The outlook figures a briefing's summary shows, with their labels.
SUMMARY_FIELDS = [
    ("backlog_units", "order book (units)"),
    ("backlog_vehicles", "order book (vehicles)"),
    ("run_out", "run-out"),
    ("next_work", "next work"),
    ("gap_months", "gap (months)"),
    ("employees", "employees"),
    ("jobs_at_risk_peak", "jobs at risk (peak)"),
    ("jobs_at_risk_peak_month", "month of the peak"),
    ("jobs_at_risk_months", "job-months at risk"),
    ("indirect_jobs_at_risk_peak", "indirect jobs at risk (peak)"),
    ("capacity_vehicles_per_month", "capacity (vehicles a month)"),
]


@dataclass(frozen=True)
class Brief:
    """What a briefing says: the plant's report, and the scenario's when one is given."""

    plant_id: str
    report: PlantReport
    loads: pd.DataFrame
    scenario: PlantReport | None = None
    scenario_name: str | None = None
    scenario_notes: list[str] = field(default_factory=list)

    @property
    def stamp(self) -> Stamp:
        """The stamp of the scenario when there is one, else the baseline's."""
        return self.scenario.stamp if self.scenario else self.report.stamp

    def summary(self) -> pd.DataFrame:
        """The summary table: one row per figure, baseline (and scenario) values."""
        rows = []
        for key, label in SUMMARY_FIELDS:
            row: dict[str, Any] = {
                "figure": label,
                "baseline": _shown(self.report.summary[key], key, self.report.summary),
            }
            if self.scenario is not None:
                row["scenario"] = _shown(self.scenario.summary[key], key, self.scenario.summary)
            rows.append(row)
        return pd.DataFrame(rows)

    def lede(self) -> str:
        """The briefing's opening sentence: the scenario's when there is one."""
        from railgap.views import ledes

        final = self.scenario or self.report
        return ledes.plant_lede(final.summary, final.stamp.as_of)

    def gaps(self) -> pd.DataFrame:
        """Every gap in the horizon, baseline (and scenario), one row each."""
        rows = []
        reports = [("baseline", self.report)]
        if self.scenario is not None:
            reports.append(("scenario", self.scenario))
        for which, report in reports:
            for gap in report.summary.get("gaps") or []:
                rows.append({"run": which, **{k: render.clean(v) for k, v in gap.items()}})
        columns = ["run", "start", "end", "months", "open", "jobs_at_risk_peak",
                   "jobs_at_risk_peak_month", "jobs_at_risk_months"]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)

    def months(self) -> pd.DataFrame:
        """The plant's months from five years before the as-of date (labels, not indices)."""
        return recent_months(self.report.months, dt.date.fromisoformat(self.report.stamp.as_of))

    def scenario_months(self) -> pd.DataFrame | None:
        """The scenario's months, as :meth:`months`."""
        if self.scenario is None:
            return None
        return recent_months(self.scenario.months, dt.date.fromisoformat(self.scenario.stamp.as_of))


@functools.cache
def _inline_plotly() -> str:
    """Plotly.js (4.6 MB) as text safe inside a <script> element, read once per process."""
    from railgap.views.html import plotly_js

    return plotly_js().read_text(encoding="utf-8").replace("</script", "<\\/script")


def _shown(value: Any, key: str, summary: Any = None) -> Any:
    """A summary figure as people read it: whole numbers, "none known" for no next work.

    No next work with work in the book below the viable rate reads as such, not as none.
    """
    value = render.clean(value)
    if isinstance(value, float):
        return round(value)
    if value is None:
        if key in ("next_work", "gap_months"):
            below = summary is not None and bool(summary.get("work_below_viable"))
            return "only below the viable rate" if below else "none known"
        return "-"
    return value


#: Months before the as-of date a plant's monthly figures are shown from (page and brief).
RECENT_MONTHS = 60


def recent_months(months: pd.DataFrame, date: dt.date) -> pd.DataFrame:
    """A plant's months from :data:`RECENT_MONTHS` before ``date`` on, labelled."""
    d = date_month(date)
    out = months[months["month"] >= d - RECENT_MONTHS].copy()
    out["month"] = out["month"].map(month_label)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class ScenarioText:
    """Scenario YAML given as text (a saved scenario), with a name for its messages."""

    text: str
    where: str


def _read(scenario: str | Path | ScenarioText) -> tuple[Any, list[Any], str]:
    """A scenario file (with its bases) or text (no base): spec, levers, where."""
    from railgap.dataset.errors import DataError, Problem
    from railgap.scenarios.spec import parse_scenario, read_scenario

    if isinstance(scenario, ScenarioText):
        spec, levers = parse_scenario(scenario.text, scenario.where)
        if spec.base:
            msg = "a scenario given as text cannot name a base file"
            raise DataError([Problem(scenario.where, None, "base", msg)])
        return spec, levers, scenario.where
    spec, levers = read_scenario(scenario)
    return spec, levers, str(scenario)


def build_brief(
    plant_id: str,
    as_of: str | dt.date | None = None,
    scenario: str | Path | ScenarioText | None = None,
    data: str | Path | Dataset | None = None,
) -> Brief:
    """Compute a plant's briefing: as of a date, or under a scenario file (its date)."""
    from railgap.analysis import order_loads

    if scenario is None:
        loading, stamp, resolved = analysis.run(as_of, data)
        report = analysis.plant_report(plant_id, loading, resolved, stamp)
        return Brief(plant_id, report, order_loads(loading, plant_id))
    from railgap.plants.loading import run_loading
    from railgap.scenarios.levers import apply_levers

    spec, levers, where = _read(scenario)
    if as_of is not None and str(as_of) != spec.as_of.isoformat():
        raise DateError(
            f"the scenario {where} is as of {spec.as_of}; --as-of {as_of} differs (omit it)"
        )
    loading, stamp, resolved = analysis.run(spec.as_of, data)
    report = analysis.plant_report(plant_id, loading, resolved, stamp)
    dataset = analysis.get_dataset(data)
    tables = as_of_dataset(dataset, spec.as_of, analysis.SCENARIO_TABLES)
    applied = apply_levers(tables, analysis.get_assumptions(), levers, where)
    after = run_loading(applied.resolved, applied.assumptions)
    scen_stamp = Stamp(**{**stamp.as_dict(), "assumptions": applied.assumptions.label})
    scen = analysis.plant_report(plant_id, after, applied.resolved, scen_stamp)
    return Brief(
        plant_id, report, order_loads(after, plant_id), scen, spec.name, list(applied.notes)
    )


def _figures(brief: Brief) -> list[Any]:
    from railgap.views import charts

    attrs = brief.stamp.as_dict()
    months = brief.scenario_months() if brief.scenario is not None else brief.months()
    assert months is not None
    figures = [
        charts.plant_loading(brief.loads, months, attrs, "#table-loading"),
        charts.plant_jobs(months, attrs, "#table-months"),
    ]
    if brief.scenario is not None:
        base = brief.months()
        figures.append(charts.scenario_plant(base, months, attrs, "#table-months"))
    return figures


def brief_html(
    plant_id: str,
    as_of: str | dt.date | None = None,
    scenario: str | Path | ScenarioText | None = None,
    data: str | Path | Dataset | None = None,
) -> str:
    """The briefing as one self-contained HTML page (Plotly.js and all data inlined)."""
    brief = build_brief(plant_id, as_of, scenario, data)
    script = _inline_plotly()
    final = brief.scenario or brief.report
    template = html.environment().get_template("brief.html")
    return template.render(
        brief=brief,
        plant={k: render.clean(v) for k, v in final.summary.items()},
        stamp=brief.stamp.as_dict(),
        summary=brief.summary().to_dict("records"),
        lede=brief.lede(),
        gaps=render.records(brief.gaps()),
        orders=render.records(final.orders),
        sources=render.records(final.sources),
        charts=_figures(brief),
        plotly_js=script,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def brief_sheets(brief: Brief) -> dict[str, pd.DataFrame]:
    """The briefing's tables, one per worksheet (the names are the sheets')."""
    stamp = pd.DataFrame(
        [{"field": k, "value": v} for k, v in brief.stamp.as_dict().items()]
        + [{"field": "plant_id", "value": brief.plant_id}]
        + ([{"field": "scenario", "value": brief.scenario_name}] if brief.scenario_name else [])
        + [{"field": "lever", "value": note} for note in brief.scenario_notes]
        + [{"field": "lede", "value": brief.lede()}]
    )
    final = brief.scenario or brief.report
    sheets = {
        "Summary": brief.summary(),
        "Gaps": brief.gaps(),
        "Months": brief.months(),
        "Loading by order": brief.loads,
        "Orders": final.orders,
        "Sources": final.sources,
        "Stamp": stamp,
    }
    scenario_months = brief.scenario_months()
    if scenario_months is not None:
        sheets["Months (scenario)"] = scenario_months
    return sheets


def brief_xlsx(
    plant_id: str,
    as_of: str | dt.date | None = None,
    scenario: str | Path | ScenarioText | None = None,
    data: str | Path | Dataset | None = None,
) -> bytes:
    """The briefing's tables as an Excel workbook (bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    brief = build_brief(plant_id, as_of, scenario, data)
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, frame in brief_sheets(brief).items():
        sheet = book.create_sheet(name)
        columns = [str(c) for c in frame.columns]
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for record in frame.to_dict("records"):
            sheet.append([_excel(record[c]) for c in frame.columns])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _excel(value: Any) -> Any:
    """A cell value Excel can hold: plain numbers and text, never a formula."""
    value = render.clean(value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def write_report(
    plant_id: str,
    output: Path,
    fmt: str = "html",
    as_of: str | None = None,
    scenario: Path | None = None,
    data: Path | Dataset | None = None,
) -> Path:
    """Write a briefing to ``output`` (whole or not at all); return the path."""
    if fmt == "html":
        payload = brief_html(plant_id, as_of, scenario, data).encode("utf-8")
    elif fmt == "xlsx":
        payload = brief_xlsx(plant_id, as_of, scenario, data)
    else:
        raise ValueError(f"format must be html or xlsx, not {fmt!r}")
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(payload)
    partial.replace(output)
    return output
