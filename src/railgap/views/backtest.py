"""What ``railgap backtest`` prints and serves: the scorecard as JSON, CSV, tables, Markdown."""

from __future__ import annotations

from typing import Any

import pandas as pd

from railgap.scorecard import Backtest
from railgap.views import render

#: The backtest's tables by name (``--table`` and ``?table=``), in the JSON body's order.
TABLES = (
    "events",
    "summary",
    "worst",
    "national",
    "national_summary",
    "calibration",
    "reliability",
    "calibration_cases",
)


def table(result: Backtest, name: str) -> pd.DataFrame:
    """One of the backtest's tables by name."""
    if name not in TABLES:
        raise ValueError(f"table must be one of {', '.join(TABLES)}, not {name!r}")
    frame: pd.DataFrame = getattr(result, name)
    return frame


def as_json(result: Backtest) -> dict[str, Any]:
    """The whole scorecard: the stamp, the headline, then every table's rows."""
    attrs = result.events.attrs
    body: dict[str, Any] = {str(k): render.clean(v) for k, v in attrs.items()}
    body["truth_date"] = result.truth_date.isoformat()
    body["headline"] = render.clean(result.headline)
    for name in TABLES:
        body[name] = render.records(table(result, name))
    return body


def table_csv(result: Backtest, name: str) -> str:
    """One table as CSV (spreadsheet-safe)."""
    return render.to_csv(table(result, name))


def _fmt(value: Any, digits: int = 1) -> str:
    value = render.clean(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown_table(frame: pd.DataFrame, columns: list[str], digits: int = 1) -> str:
    """A frame as a Markdown table (cells' pipes escaped)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in frame.to_dict("records"):
        cells = [_fmt(row[c], digits).replace("|", "\\|").replace("\n", " ") for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_backtest(result: Backtest) -> None:
    """The scorecard for people: headline, summary, worst cases, national and calibration."""
    from railgap.views.terminal import _add, console, new_table, stamp_line

    h = result.headline
    console.print(
        f"Backtest: {len(result.events['event_id'].unique())} events, truth as known on "
        f"{result.truth_date}. Run-out: median error {_fmt(h['runout_median_abs_error_months'])}"
        f" months, P90 {_fmt(h['runout_p90_abs_error_months'])} "
        f"({int(h['runout_events_scored'])} scored). All timing: "
        f"{_fmt(100 * h['timing_share_within_3_months'], 0)}% within 3 months.",
        markup=False,
        highlight=False,
    )
    columns = ["group", "name", "events", "scored", "median |error|", "P90", "ratio", "within"]
    summary = new_table("Scorecard (answers on the event's date)", columns, right=columns[2:])
    for row in result.summary.to_dict("records"):
        _add(
            summary,
            row["group"],
            row["name"],
            str(row["events"]),
            str(row["scored"]),
            _fmt(row["median_abs_error"]),
            _fmt(row["p90_abs_error"]),
            _fmt(row["median_ratio"], 2),
            _fmt(100 * row["share_within"], 0) + "%" if pd.notna(row["share_within"]) else "",
        )
    console.print(summary)
    worst = new_table("Worst cases", ["event", "period", "model", "error", "why"], right=["error"])
    for row in result.worst.to_dict("records"):
        period = f"{row['period_from']}..{row['period_to']}"
        _add(
            worst,
            row["event_id"],
            period,
            row["model_answer"] or "",
            _fmt(row["error_months"], 0),
            row["why"],
        )
    console.print(worst)
    cal = new_table(
        "Monte Carlo calibration (chance of a gap)",
        ["horizon", "cases", "base rate", "Brier", "Brier of base rate", "skill"],
        right=["cases", "base rate", "Brier", "Brier of base rate", "skill"],
    )
    for row in result.calibration.to_dict("records"):
        _add(
            cal,
            f"{row['horizon_months']} months",
            str(row["cases"]),
            _fmt(row["base_rate"], 2),
            _fmt(row["brier"], 3),
            _fmt(row["brier_base_rate"], 3),
            _fmt(row["skill"], 2),
        )
    console.print(cal)
    nat = new_table(
        "National series",
        ["measure", "points", "within", "median |diff|", "max |diff|"],
        right=["points", "within", "median |diff|", "max |diff|"],
    )
    for row in result.national_summary.to_dict("records"):
        _add(
            nat,
            row["measure"],
            str(row["points"]),
            _fmt(100 * row["share_within"], 0) + "%",
            _fmt(row["median_abs_difference"]),
            _fmt(row["max_abs_difference"]),
        )
    console.print(nat)
    attrs = {str(k): v for k, v in result.events.attrs.items()}
    console.print(stamp_line(attrs), markup=False, highlight=False)
