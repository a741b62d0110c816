"""Any dashboard chart by kind, as the page draws it: for ``railgap chart`` and /api/charts.

Each kind of :data:`railgap.views.images.KINDS` is built from the same context function as
its page (:mod:`railgap.web.pages`), so the static image is the page's chart, source note and
all; a plant's loading and jobs charts skip the rest of the plant page (its Monte Carlo).
"""

from __future__ import annotations

import datetime as dt

from railgap.dataset.errors import DataError, Problem
from railgap.optimise.options import default_to_year
from railgap.views import charts
from railgap.views.charts.base import Chart
from railgap.views.images import KINDS
from railgap.views.report import recent_months
from railgap.web.service import Service


class UnknownChartError(LookupError):
    """No chart of that kind (the message lists the kinds)."""


def kinds_text() -> str:
    """The kinds, one a line with what each shows (for help and error messages)."""
    return "\n".join(f"  {kind}: {what}" for kind, (_, _, what) in KINDS.items())


def check_kind(kind: str, plant_id: str | None, scenario: str | None = None) -> str:
    """The page a kind is on; raises for an unknown kind or a chart missing its subject.

    A plant chart needs a plant id, a scenario chart a scenario's text.
    """
    if kind not in KINDS:
        raise UnknownChartError(f"no chart {kind!r}; the kinds are: {', '.join(KINDS)}")
    page = KINDS[kind][0]
    if page == "plant" and not plant_id:
        msg = f"the {kind} chart is a plant's: give a plant id"
        raise DataError([Problem("request", None, "plant", msg)])
    if page == "scenario" and scenario is None:
        msg = (
            f"the {kind} chart is a scenario's: give one (railgap chart --scenario FILE; "
            f"POST its YAML to /api/scenarios/charts/{kind}.png, or GET "
            f"/api/scenarios/ID/charts/{kind}.png for a saved one)"
        )
        raise DataError([Problem("request", None, "scenario", msg)])
    return page


def scenario_chart(
    service: Service,
    kind: str,
    text: str,
    where: str = "scenario.yaml",
    all_plants: bool = False,
) -> Chart:
    """A scenario page chart of ``kind`` for scenario text, from the page's own runs.

    The gap chart draws the page's Monte Carlo (:data:`~railgap.views.charts.PAGE_SIMULATION`)
    on the scenario's date, without and with its levers. Gone plants with nothing to build
    are left out unless ``all_plants``, as on the page.
    """
    run = service.scenario(text, where, all_plants)
    attrs = {str(k): v for k, v in run.table.attrs.items()}
    if kind == "scenario-jobs":
        return charts.scenario_jobs(run.table, attrs, "")
    if kind == "scenario-loading":
        return charts.scenario_loading(run.months, attrs, "")
    sim = charts.PAGE_SIMULATION
    draws, seed, months = sim["draws"], sim["seed"], sim["months"]
    date = service.date(attrs["as_of"])
    baseline = service.simulation(date, None, draws, seed, months, all_plants)
    scenario = service.simulation(None, text, draws, seed, months, all_plants)
    changed = [str(p) for p in run.table.loc[run.table["changed"].astype(bool), "plant_id"]]
    return charts.scenario_gap(
        baseline.gap_probability, scenario.gap_probability, changed, draws, attrs, ""
    )


def build_chart(
    service: Service,
    kind: str,
    date: dt.date,
    plant_id: str | None = None,
    to_year: int | None = None,
    scenario: str | None = None,
    all_plants: bool = False,
) -> Chart:
    """The chart of ``kind`` as its page draws it on ``date`` (raises for an unknown kind).

    A scenario chart is drawn for ``scenario`` (YAML text) on the scenario's own date, with
    every plant if ``all_plants``.
    """
    from railgap.web import pages

    page = check_kind(kind, plant_id, scenario)
    if page == "scenario":
        assert scenario is not None
        return scenario_chart(service, kind, scenario, all_plants=all_plants)
    chart_id = KINDS[kind][1]
    if page == "plant" and kind in ("loading", "jobs"):
        assert plant_id is not None
        report = service.plant(plant_id, date)
        months = recent_months(report.months, date)
        attrs = report.stamp.as_dict()
        if kind == "jobs":
            return charts.plant_jobs(months, attrs, "")
        return charts.plant_loading(service.order_loads(plant_id, date), months, attrs, "")
    if page == "home":
        found = pages.home_context(service, date)["charts"]
    elif page == "plant":
        assert plant_id is not None
        found = pages.plant_context(service, plant_id, date)["charts"]
    elif page == "pipeline":
        to = to_year if to_year is not None else default_to_year(date.year)
        found = pages.pipeline_context(service, date, to, None)["charts"]
    else:
        found = pages.backtest_context(service, plant_id)["charts"]
    for chart in found:
        if isinstance(chart, Chart) and chart.id == chart_id:
            return chart
    raise UnknownChartError(f"no {kind} chart for {plant_id or 'this date'} (no data to draw)")
