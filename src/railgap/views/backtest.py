"""What ``railgap backtest`` prints and serves: the scorecard as JSON, CSV, tables, Markdown."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from railgap.scorecard import Backtest
from railgap.scorecard.summary import MISS_MONTHS, misses
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
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.{digits}f}"
    value = render.clean(value)
    return "" if value is None else str(value)


def markdown_table(frame: pd.DataFrame, columns: list[str], digits: int = 1) -> str:
    """A frame as a Markdown table (cells' pipes escaped)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in frame.to_dict("records"):
        cells = [_fmt(row[c], digits).replace("|", "\\|").replace("\n", " ") for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


#: Markers around the generated part of docs/backtest.md.
START = "<!-- scorecard:start -->"
END = "<!-- scorecard:end -->"
#: The calibration of the documented run: the CLI's defaults.
DOCUMENTED_DRAWS = 500
DOCUMENTED_SEED = 2024


def _share(value: Any) -> str:
    value = render.clean(value)
    return "" if value is None else f"{100 * value:.0f}%"


def scorecard_markdown(result: Backtest) -> str:
    """The generated part of docs/backtest.md: headline, scorecard, worst, calibration, national."""
    h = result.headline
    attrs = {str(k): v for k, v in result.events.attrs.items()}
    summary = result.summary.assign(
        group=result.summary["group"] + ": " + result.summary["name"],
        share_within=result.summary["share_within"].map(_share),
    )
    worst = result.worst.assign(
        period=result.worst["period_from"] + " to " + result.worst["period_to"]
    )
    off = misses(result.events)
    lines = [
        "",
        f"Measured with `railgap backtest` (railgap {attrs.get('railgap_version', '')}, "
        f"dataset {str(attrs.get('dataset_hash', ''))[:12]}, assumptions "
        f"{attrs.get('assumptions', '')}, {result.draws} draws per calibration date, seed "
        f"{attrs.get('seed', '')}); truth as known on {result.truth_date.isoformat()}.",
        "",
        f"- Run-out statements: median error {_fmt(h['runout_median_abs_error_months'], 1)} "
        f"months, 90th percentile {_fmt(h['runout_p90_abs_error_months'], 1)} months "
        f"({int(h['runout_events_scored'])} scored).",
        f"- All timing answers on the event's date: median error "
        f"{_fmt(h['timing_median_abs_error_months'], 1)} months, "
        f"{_share(h['timing_share_within_3_months'])} within 3 months.",
        "",
        "### Scorecard (answers on the event's date; leads for statements about the future)",
        "",
        markdown_table(
            summary,
            [
                "group",
                "events",
                "scored",
                "median_abs_error",
                "p90_abs_error",
                "median_ratio",
                "share_within",
            ],
            digits=1,
        ),
        "",
        "### The worst cases",
        "",
        markdown_table(worst, ["event_id", "period", "model_answer", "error_months", "why"], 0),
        "",
        f"### Every event off by more than {MISS_MONTHS} months",
        "",
        f"{len(off)} timing answers on the event's date miss by more than {MISS_MONTHS} "
        "months; each is explained below.",
        "",
        markdown_table(off, ["event_id", "error_months"], 0),
        "",
        "### Monte Carlo calibration",
        "",
        markdown_table(
            result.calibration,
            ["horizon_months", "cases", "plants", "base_rate", "brier", "brier_base_rate", "skill"],
            digits=3,
        ),
        "",
        "Reliability (predicted chance of a gap, binned, against the share that had one):",
        "",
        markdown_table(
            result.reliability,
            ["horizon_months", "bin", "cases", "mean_predicted", "observed"],
            digits=3,
        ),
        "",
        "### National series",
        "",
        markdown_table(
            result.national_summary.assign(
                share_within=result.national_summary["share_within"].map(_share)
            ),
            ["measure", "points", "share_within", "median_abs_difference", "max_abs_difference"],
            digits=2,
        ),
        "",
    ]
    return "\n".join(lines)


def document_part(text: str) -> str:
    """The generated part of a backtest page (between the markers)."""
    _, rest = text.split(START, 1)
    part, _ = rest.split(END, 1)
    return part.removeprefix("\n")


def update_document(text: str, part: str) -> str:
    """The page with its generated part replaced."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{part}{END}{tail}"


def write_document(path: str = "docs/backtest.md") -> None:
    """Regenerate the scorecard in docs/backtest.md from the embedded dataset."""
    from pathlib import Path

    from railgap.analysis import backtest

    page = Path(path)
    result = backtest(draws=DOCUMENTED_DRAWS, seed=DOCUMENTED_SEED)
    page.write_text(update_document(page.read_text(encoding="utf-8"), scorecard_markdown(result)))


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
