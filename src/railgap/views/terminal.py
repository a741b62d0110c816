"""Terminal views: rich tables and charts for the CLI's human-readable output."""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console, OverflowMethod
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from railgap.views import render

if TYPE_CHECKING:
    import pandas as pd

#: Terminal control characters: C0 but newline and tab, DEL and C1 (ESC, CSI, OSC, ...).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """``text`` with every terminal control character taken out (colours, cursor moves, ...)."""
    return CONTROL_CHARACTERS.sub("", text)


def safe_text(value: Any) -> str:
    """Data text for a rich string that reads markup: no control character, no markup."""
    return escape(without_controls(str(value)))


class PlainConsole(Console):
    """A console whose every string loses its control characters before it is rendered.

    Table cells, titles and ``print`` arguments all become text through
    :meth:`render_str`, so no data string can send an escape sequence to the terminal;
    rich's own styling is added afterwards and is kept. Markup in data is a separate
    matter: pass data through :func:`safe_text` (or ``markup=False``) where markup is read.
    """

    def render_str(self, text: str, **options: Any) -> Text:
        """The string as rich text, control characters removed first."""
        return super().render_str(without_controls(text), **options)


# Wide enough for the outlook table when output goes to a file or a CI log.
console = PlainConsole(width=None if sys.stdout.isatty() else 160)
err_console = PlainConsole(stderr=True, width=None if sys.stderr.isatty() else 160)


def _add(table: Table, *cells: Any) -> None:
    """Add a row whose text is shown as it is: names from data are never read as markup."""
    table.add_row(*(safe_text(cell) if isinstance(cell, str) else cell for cell in cells))


def new_table(
    title: str,
    columns: Iterable[str],
    right: Collection[str] = (),
    overflow: OverflowMethod = "ellipsis",
) -> Table:
    """A table titled on the left, with ``columns`` (those in ``right`` right-justified)."""
    table = Table(title=safe_text(title), title_justify="left")
    for name in columns:
        table.add_column(
            safe_text(name), justify="right" if name in right else "left", overflow=overflow
        )
    return table


def stamp_line(attrs: dict[str, Any]) -> str:
    """One line naming what produced an answer: as-of, dataset, assumptions, version."""
    return (
        f"as of {attrs['as_of']} · dataset {attrs['dataset']} ({attrs['dataset_hash']}) · "
        f"assumptions {attrs['assumptions']} · railgap {attrs['railgap_version']}"
    )


def print_outlook(frame: pd.DataFrame) -> None:
    """Print the plant outlook as a table: its lede, how to read it and its stamp."""
    from railgap.views import ledes

    rows = [{str(k): render.clean(v) for k, v in raw.items()} for raw in frame.to_dict("records")]
    console.print(ledes.outlook_lede(rows, str(frame.attrs["as_of"])), markup=False)
    table = new_table(
        f"Plant outlook as of {frame.attrs['as_of']}",
        ("plant", "country", "staff", "book (units)", "vehicles", "run-out", "next work",
         "gap (months)", "all gaps", "jobs at risk (peak, when)"),
        right=("staff", "vehicles", "gap (months)", "jobs at risk (peak, when)"),
    )  # fmt: skip
    for row in rows:
        book = ", ".join(f"{k}×{v}" for k, v in row["backlog_by_class"].items())
        gap = row["gap_months"]
        _add(
            table,
            f"{row['name']} ({row['manufacturer']})",
            row["country"],
            render.fmt_int(row["employees"]),
            f"{row['backlog_units']} ({book})" if book else "-",
            render.fmt_int(row["backlog_vehicles"]),
            row["run_out"] or "-",
            next_work_text(row),
            "-" if gap is None else str(gap),
            gap_list(row.get("gaps") or []),
            _peak(row),
        )
    console.print(table)
    console.print(
        "run-out: last month of the current stretch of viable work; gap: months below the minimum "
        "viable rate until the next known work; all gaps: every stretch below it in the horizon "
        "(+: still open at the horizon's end).",
        style="dim",
    )
    attrs = {str(k): v for k, v in frame.attrs.items()}
    console.print(stamp_line(attrs), style="dim", markup=False)


def next_work_text(row: dict[str, Any]) -> str:
    """Next viable work, or why there is none: nothing known, or only work below the rate."""
    if row.get("next_work"):
        return str(row["next_work"])
    return "only below viable rate" if row.get("work_below_viable") else "none known"


def gap_list(gaps: list[dict[str, Any]]) -> str:
    """Every gap, one per line: ``2024-09 to 2025-10 (14)``, ``2028-04 on (69+)``."""
    if not gaps:
        return "-"
    lines = []
    for g in gaps:
        span = f"{g['start']} to {g['end']}" if g["end"] else f"{g['start']} on"
        lines.append(f"{span} ({g['months']}{'+' if g['open'] else ''})")
    return "\n".join(lines)


def _peak(row: dict[str, Any]) -> str:
    """Peak jobs at risk and the month it falls: ``700 (2031-10)``."""
    peak = render.fmt_int(row["jobs_at_risk_peak"])
    month = row.get("jobs_at_risk_peak_month")
    return f"{peak} ({month})" if month and peak != "-" else peak


def month_labels(months: pd.DataFrame) -> pd.DataFrame:
    """A copy of a plant-months table with months as ``YYYY-MM`` labels."""
    from railgap.dataset.dates import month_label

    out = months.copy()
    out["month"] = out["month"].map(month_label)
    out.attrs = dict(months.attrs)
    return out


def print_plant(report: Any) -> None:
    """Print one plant: summary, work packages, a quarterly utilisation chart and sources."""
    from railgap.dataset.dates import month_label, parse_as_of
    from railgap.views import ledes

    s = {k: render.clean(v) for k, v in report.summary.items()}
    console.print(ledes.plant_lede(s, report.stamp.as_of), markup=False)
    console.print(
        f"[bold]{safe_text(s['name'])}[/bold] "
        f"({safe_text(s['manufacturer'])}, {safe_text(s['country'])})"
    )
    console.print(
        f"staff {render.fmt_int(s['employees'])} · capacity "
        f"{render.fmt_int(s['capacity_vehicles_per_month'])} vehicles/month "
        f"({s['capacity_basis']}) · "
        f"book {s['backlog_units']} units / {s['backlog_vehicles']} vehicles · run-out "
        f"{s['run_out'] or '-'} · next work {next_work_text(s)} · gap "
        f"{'-' if s['gap_months'] is None else s['gap_months']} months · jobs at risk (peak) "
        f"{render.fmt_int(s['jobs_at_risk_peak'])}",
        markup=False,
    )
    orders = new_table(
        "Work at this plant",
        ("order", "class", "operator", "stage", "vehicles", "window", "basis", "units left"),
    )
    for row in report.orders.to_dict("records"):
        _add(
            orders,
            row["order_id"],
            str(row["class"]),
            str(row["operator"] or "-"),
            row["stage"],
            render.fmt_int(row["vehicles"]),
            f"{row['build_start']} to {row['build_end']}",
            row["window_basis"],
            render.fmt_int(row["backlog_units"]),
        )
    console.print(orders)
    gaps = new_table(
        "Every gap in the horizon (months below the viable rate)",
        ("from", "to", "months", "jobs at risk (peak)", "peak month", "job-months"),
        right=("months", "jobs at risk (peak)", "job-months"),
    )
    for g in s.get("gaps") or []:
        _add(
            gaps,
            g["start"],
            g["end"] or "beyond the horizon",
            f"{g['months']}{'+' if g['open'] else ''}",
            render.fmt_int(g["jobs_at_risk_peak"]),
            g["jobs_at_risk_peak_month"] or "-",
            render.fmt_int(g["jobs_at_risk_months"]),
        )
    console.print(gaps if s.get("gaps") else "No gap in the horizon.")
    for w in s.get("work_below_viable") or []:
        console.print(
            f"below the viable rate, so not counted as work: {w['order_id']} ({w['stage']}) "
            f"{w['from']} to {w['to']}, {w['vehicle_equivalents']} vehicle-equivalents",
            markup=False,
            style="dim",
        )
    months = report.months
    date = parse_as_of(report.stamp.as_of)
    d = date.year * 12 + date.month - 1
    worked = months[months["vehicle_equivalents"] > 0]["month"]
    end = max(d + 24, int(worked.max()) + 3 if len(worked) else d + 24)
    shown = months[(months["month"] >= d - 12) & (months["month"] <= end)]
    chart = Table(
        title="Utilisation by quarter (vehicle-equivalents / capacity)",
        title_justify="left",
        show_edge=False,
    )
    chart.add_column("quarter")
    chart.add_column("utilisation", no_wrap=True)
    chart.add_column("", justify="right")
    chart.add_column("jobs at risk", justify="right")
    quarters = shown.assign(q=(shown["month"] // 3) * 3).groupby("q")
    for q, group in quarters:
        util = float(group["utilisation"].mean())
        label = month_label(int(q))
        label = f"{label[:4]} Q{int(label[5:]) // 3 + 1}"
        marker = " ◀ as of" if group["month"].min() <= d <= group["month"].max() else ""
        _add(
            chart,
            label + marker,
            render.bar(util),
            "-" if util != util else f"{util:.0%}",
            render.fmt_int(group["jobs_at_risk"].max()),
        )
    console.print(chart)
    sources = new_table("Sources", ("table", "row", "known from", "source"), overflow="fold")
    for row in report.sources.to_dict("records"):
        _add(sources, row["table"], row["row"], row["known_from"], row["source"])
    console.print(sources)
    console.print(stamp_line(report.stamp.as_dict()), style="dim", markup=False)


def print_forecast(result: Any, stamp: Any) -> None:
    """Print the forecast table with a chart of need, the smooth level and the waves."""
    years = result.years
    peak = max(float(years["needed_spread_vehicles"].max()), result.smooth_level, 1.0)
    table = Table(
        title=f"National fleet forecast as of {stamp.as_of}", title_justify="left", show_edge=False
    )
    columns = (
        "year",
        "fleet",
        "avg age",
        "survivors",
        "their age",
        "kept",
        "due out",
        "delivered",
        "new",
        "needed (due)",
        "needed (as it can arrive)",
        "",
    )
    for col in columns:
        table.add_column(col, justify="left" if col in ("year", "") else "right", no_wrap=True)

    def age(value: Any) -> str:
        return "-" if value is None else f"{value:.1f}"

    for raw in years.to_dict("records"):
        row = {k: render.clean(v) for k, v in raw.items()}
        _add(
            table,
            str(row["year"]),
            render.fmt_int(row["fleet_vehicles"]),
            age(row["average_age"]),
            render.fmt_int(row["survivor_vehicles"]),
            age(row["survivor_average_age"]),
            render.fmt_int(row["kept_beyond_life_vehicles"]),
            render.fmt_int(row["retired_vehicles"]),
            render.fmt_int(row["delivered_vehicles"]),
            render.fmt_int(row["new_vehicles"]),
            render.fmt_int(row["needed_unordered_vehicles"]),
            render.fmt_int(row["needed_spread_vehicles"]),
            render.bar(float(row["needed_spread_vehicles"]) / peak, 20),
        )
    console.print(table)
    console.print(
        "fleet = survivors (stock built or ordered, still within its life) + new stock at the "
        "smooth level + stock kept running beyond its life until its replacement arrives; "
        "'due out' is the survivors' retirements, 'needed (due)' the unordered need when it "
        "falls due, 'needed (as it can arrive)' the same need as new trains can meet it.",
        markup=False,
        style="dim",
    )
    console.print(
        f"Smooth order level: {render.fmt_int(result.smooth_level)} vehicles a year from "
        f"{result.first_order_year} (the first year a new order can deliver) meets every year's "
        f"need and clears a backlog of {render.fmt_int(result.backlog)} vehicles already due "
        "before then; until replaced, that stock keeps running beyond its life."
    )
    waves = result.waves
    if len(waves):
        by_period = waves.assign(period=(waves["from"] // 5) * 5).groupby("period")
        console.print("Replacement waves (fleets reaching retirement, by five-year period):")
        for period, group in by_period:
            classes = group.groupby("class")["vehicles"].sum().sort_values(ascending=False)
            names = ", ".join(f"{c} ({render.fmt_int(v)})" for c, v in classes.head(6).items())
            total = render.fmt_int(group["vehicles"].sum())
            console.print(f"  {period}-{period + 4}: {total} vehicles: {names}", markup=False)
    console.print(
        f"{len(result.unquantified)} fleets have no vehicle count or build years in the dataset "
        "and are not in these totals (railgap forecast --json lists them).",
        style="dim",
    )
    console.print(stamp_line(stamp.as_dict()), style="dim", markup=False)


def print_fleet(frame: pd.DataFrame) -> None:
    """Print the fleet register: one row per fleet with size, build years, age and status."""
    table = new_table(
        f"Fleet register as of {frame.attrs['as_of']}",
        ("fleet", "traction", "units", "vehicles", "built", "age", "status", "operators"),
        right=("units", "vehicles", "age"),
    )
    for raw in frame.to_dict("records"):
        row = {k: render.clean(v) for k, v in raw.items()}
        built = (
            "-"
            if row["built_from"] is None
            else f"{row['built_from']}"
            + (f"-{row['built_to']}" if row["built_to"] != row["built_from"] else "")
        )
        label = row["subclass"] or row["class"]
        _add(
            table,
            f"{label} {row['name'] or ''}".strip(),
            row["traction"],
            render.fmt_int(row["units"]),
            render.fmt_int(row["vehicles"]),
            built,
            "-" if row["age_years"] is None else f"{row['age_years']:.1f}",
            row["status"],
            row["operators"] or "-",
        )
    console.print(table)
    live = frame[frame["status"].isin(["in service", "partly withdrawn"])]
    console.print(
        f"{len(live)} fleets in service; {render.fmt_int(live['vehicles'].sum())} vehicles where "
        f"counted ({int(live['vehicles'].isna().sum())} fleets without a vehicle count)",
        style="dim",
    )
    attrs = {str(k): v for k, v in frame.attrs.items()}
    console.print(stamp_line(attrs), style="dim", markup=False)


def _arrow(before: Any, after: Any, fmt: str = "{}") -> str:
    """``before → after`` when a value changed, else the value."""
    before, after = render.clean(before), render.clean(after)

    def show(value: Any) -> str:
        return "-" if value is None else fmt.format(value)

    return show(after) if before == after else f"{show(before)} → {show(after)}"


def print_scenario(frame: pd.DataFrame) -> None:
    """Print a scenario against its baseline: per plant, what changed and which lever did it."""
    from railgap.views import ledes

    console.print(f"[bold]{safe_text(frame.attrs['scenario'])}[/bold]")
    rows = [{str(k): render.clean(v) for k, v in raw.items()} for raw in frame.to_dict("records")]
    console.print(ledes.scenario_lede(rows, str(frame.attrs["as_of"])), markup=False)
    for note in frame.attrs.get("levers", []):
        console.print(f"  {note}", markup=False)
    table = new_table(
        "Scenario against baseline",
        ("plant", "book (units)", "run-out", "next work", "gap (months)", "every gap",
         "jobs at risk (job-months)", "levers"),
        overflow="fold",
    )  # fmt: skip
    changed = frame[frame["changed"].astype(bool)]
    for row in changed.to_dict("records"):
        _add(
            table,
            str(row["name"]),
            _arrow(row["backlog_units_baseline"], row["backlog_units"]),
            _arrow(row["run_out_baseline"], row["run_out"]),
            _arrow(row["next_work_baseline"], row["next_work"]),
            _arrow(row["gap_months_baseline"], row["gap_months"]),
            gap_list(render.clean(row["gaps_baseline"]) or [])
            + "\n→ "
            + gap_list(render.clean(row["gaps"]) or []).replace("\n", "\n  "),
            _arrow(row["jobs_at_risk_months_baseline"], row["jobs_at_risk_months"], "{:,.0f}"),
            str(row["levers"] or "-"),
        )
    if len(changed):
        console.print(table)
    else:
        console.print("No plant's outlook changes under this scenario.")
    attrs = {str(k): v for k, v in frame.attrs.items()}
    console.print(stamp_line(attrs), style="dim", markup=False)


#: The comparison's measures: label, column stem, and how its change column is named.
COMPARED_MEASURES = (
    ("job-months", "jobs_at_risk_months", "jobs_at_risk_months_change"),
    ("run-out", "run_out", "run_out_change_months"),
    ("gap (months)", "gap_months", "gap_change_months"),
)


def _signed(value: Any, unit: str = "") -> str:
    """A change with its sign (``+3``, ``-7,605``), ``0`` for none, a dash when unknown."""
    value = render.clean(value)
    if value is None:
        return "-"
    return f"{value:+,.0f}{unit}" if round(float(value)) else "0"


def print_comparison(frame: pd.DataFrame) -> None:
    """Print scenarios of one date side by side, per plant and scenario.

    Each measure (job-months at risk, run-out, first gap) as baseline, scenario and change.
    """
    columns = ["plant", "scenario"]
    for label, _, _ in COMPARED_MEASURES:
        columns += [f"{label}: baseline", f"{label}: scenario", f"{label}: change"]
    title = "Scenarios against the baseline (job-months at risk, run-out, first gap)"
    table = new_table(title, columns, right=[c for c in columns[2:]], overflow="fold")
    rows = [{str(k): v for k, v in raw.items()} for raw in frame.to_dict("records")]
    # Plants with no staff figure (no jobs to put at risk) that no scenario changed say
    # nothing here: the CSV and JSON list them.
    known = {
        str(r["plant_id"])
        for r in rows
        if r["changed"] or render.clean(r["jobs_at_risk_months_baseline"]) is not None
    }
    listed = [r for r in rows if str(r["plant_id"]) in known]
    for row in sorted(listed, key=lambda r: (str(r["name"]), str(r["scenario"]))):
        cells = [str(row["name"]), str(row["scenario"])]
        for _, stem, change in COMPARED_MEASURES:
            show = render.fmt_int if stem != "run_out" else _text
            cells += [
                show(row[f"{stem}_baseline"]),
                show(row[stem]),
                _signed(row[change], " mo" if stem == "run_out" else ""),
            ]
        _add(table, *cells)
    console.print(table)
    hidden = len({str(r["plant_id"]) for r in rows} - known)
    if hidden:
        console.print(
            f"{hidden} more plants with no staff figure and no change: see --csv or --json",
            style="dim",
            markup=False,
        )
    attrs = {str(k): v for k, v in frame.attrs.items()}
    console.print(stamp_line(attrs), style="dim", markup=False)


def _text(value: Any) -> str:
    value = render.clean(value)
    return "-" if value is None else str(value)


def _range_text(low: Any, mid: Any, high: Any, fmt: str = "{}", empty: str = "never") -> str:
    """``mid (low to high)``; ``empty`` stands for a quantile that has no value."""
    low, mid, high = render.clean(low), render.clean(mid), render.clean(high)

    def show(value: Any) -> str:
        return empty if value is None else fmt.format(value)

    return f"{show(mid)} ({show(low)} to {show(high)})"


def print_simulation(sim: Any) -> None:
    """Print a Monte Carlo run: per plant, chance of a gap, run-out and gap ranges, jobs."""
    summary = sim.summary
    history = sim.history
    numbers = ("P(gap)", "P(no next work)", "jobs-at-risk-months (mean)")
    table = new_table(
        f"Monte Carlo as of {sim.stamp.as_of}: {history['draws']:,} draws, "
        f"seed {history['seed']}, {history['months']} months",
        ("plant", "P(gap)", "run-out: P50 (P10 to P90)", "gap months: P50 (P10 to P90)",
         "P(no next work)", "jobs-at-risk-months (mean)", "as planned: run-out / gap"),
        right=numbers,
        overflow="fold",
    )  # fmt: skip
    for raw in summary.to_dict("records"):
        row = {k: render.clean(v) for k, v in raw.items()}
        gap = row["gap_months_as_planned"]
        _add(
            table,
            f"{row['name']} ({row['country']})",
            f"{row['p_gap']:.0%}",
            _range_text(row["run_out_p10"], row["run_out_p50"], row["run_out_p90"], empty="-"),
            _range_text(row["gap_months_p10"], row["gap_months_p50"], row["gap_months_p90"],
                        "{:.0f}"),
            f"{row['p_no_next_work']:.0%}",
            render.fmt_int(row["expected_jobs_at_risk_months"]),
            f"{row['run_out_as_planned'] or '-'} / "
            + ("none known" if gap is None else f"{gap:.0f}"),
        )
    console.print(table)
    tenders = new_table(
        "Open tenders drawn",
        ("tender", "stage", "award between", "size", "bidders (plant owner)"),
        overflow="fold",
    )
    for t in sim.tenders.to_dict("records"):
        _add(tenders, t["tender_id"], t["stage"], f"{t['award_from']} and {t['award_to']}",
             t["size"], t["bidders"])
    if len(sim.tenders):
        console.print(tenders)
    console.print(f"Awards: {history['award_basis']}.", style="dim", markup=False)
    for note in sim.notes:
        console.print(f"note: {note}", style="dim", markup=False)
    console.print(
        "P(gap): chance the plant falls below its minimum viable rate in some month while open; "
        "a gap quantile of 'never' means no next work is known in that share of draws.",
        style="dim",
    )
    console.print(stamp_line(sim.stamp.as_dict()), style="dim", markup=False)


def print_changes(changes: Any) -> None:
    """Print what changed: the plants whose outlook moved, then the rows that became known."""
    from railgap.views.changes import moved

    console.print(
        f"[bold]What became known from {changes.since} to {changes.to}[/bold]: "
        f"{len(changes.rows)} rows"
    )
    plants = new_table(
        f"Outlook as of {changes.since} → as of {changes.to}",
        ("plant", "run-out", "first gap (months)", "job-months at risk", "change"),
        right=("change",),
        overflow="fold",
    )
    for p in moved(changes):
        _add(
            plants,
            str(p["name"]),
            _arrow(p["run_out_baseline"], p["run_out"]),
            _arrow(p["gap_months_baseline"], p["gap_months"], "{:,.0f}"),
            _arrow(p["jobs_at_risk_months_baseline"], p["jobs_at_risk_months"], "{:,.0f}"),
            _signed(p["jobs_at_risk_months_change"]),
        )
    console.print(plants)
    rows = new_table(
        "Rows that became known",
        ("known from", "table", "row", "kind", "what", "source"),
        overflow="fold",
    )
    for raw in changes.rows.to_dict("records"):
        what = str(raw["what"])
        _add(
            rows,
            str(raw["known_from"]),
            str(raw["table"]),
            str(raw["key"]),
            str(raw["kind"]),
            what if len(what) <= 160 else what[:157] + "...",
            str(raw["source"]),
        )
    console.print(rows)
    attrs = {str(k): v for k, v in changes.rows.attrs.items()}
    console.print(stamp_line(attrs), style="dim", markup=False)
