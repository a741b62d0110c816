"""Ledes: one plain sentence a reporter could quote, built only from an answer's numbers.

Each function reads the rows an engine returned (the outlook's, a scenario's) and says
what runs out when, how many jobs are at risk from when to when, and the longest gap, as
known on the date. Nothing here computes a figure the answer does not hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from railgap.dataset.values import clean

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def month_words(label: str | None) -> str:
    """``2024-07`` as ``July 2024`` (the label itself when it is not a month)."""
    if not label:
        return ""
    try:
        year, month = (int(part) for part in str(label).split("-")[:2])
        return f"{MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return str(label)


def day_words(date: str | dt.date) -> str:
    """``2024-01-15`` as ``15 January 2024``."""
    day = dt.date.fromisoformat(str(date)[:10]) if isinstance(date, str) else date
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def plain_name(name: str) -> str:
    """A plant's name without its bracketed long form (``CAF Newport (Celtic ...)``)."""
    head = str(name).split(" (")[0].strip()
    return head or str(name)


def _count(value: Any) -> str:
    """A whole number with thousands separators."""
    return f"{round(float(value)):,}"


def _book(row: Mapping[str, Any]) -> str:
    """``56 trains (805×13, 807×10, 810×33)`` or ``no trains``."""
    units = clean(row.get("backlog_units")) or 0
    if not units:
        return "no trains left to build"
    classes = ", ".join(f"{k}×{v}" for k, v in (row.get("backlog_by_class") or {}).items())
    noun = "train" if units == 1 else "trains"
    return f"{_count(units)} {noun} left to build" + (f" ({classes})" if classes else "")


def _below(row: Mapping[str, Any]) -> str:
    """What known work is below the viable rate, for "no viable work known"."""
    work = row.get("work_below_viable") or []
    if not work:
        return ""
    classes: list[str] = []
    for item in work:
        if item["class"] not in classes:
            classes.append(str(item["class"]))
    first = min(str(item["from"]) for item in work)
    last = max(str(item["to"]) for item in work)
    return (
        f" ({', '.join(classes)} work from {month_words(first)} to {month_words(last)}"
        " is in the book but below the rate that keeps the workforce)"
    )


def _jobs(row: Mapping[str, Any]) -> str:
    """``up to 700 jobs are at risk from August 2024`` for the first gap with jobs."""
    for gap in row.get("gaps") or []:
        peak = clean(gap.get("jobs_at_risk_peak"))
        if peak:
            span = f"from {month_words(gap['start'])}"
            if gap.get("end"):
                span += f" to {month_words(gap['end'])}"
            return f"up to {_count(peak)} jobs are at risk {span}"
    return ""


def _longest(row: Mapping[str, Any]) -> str:
    """``the longest of its 2 gaps is 69 months, from April 2028`` (only with several)."""
    gaps = row.get("gaps") or []
    if len(gaps) < 2:
        return ""
    longest = max(gaps, key=lambda g: int(g["months"]))
    more = "+" if longest.get("open") else ""
    return (
        f"the longest of its {len(gaps)} gaps in the horizon is {longest['months']}{more} "
        f"months, from {month_words(longest['start'])}"
    )


def plant_lede(row: Mapping[str, Any], as_of: str | dt.date) -> str:
    """One sentence on one plant from its outlook row (with ``gaps``)."""
    row = {k: clean(v) for k, v in row.items()}
    name = plain_name(str(row["name"]))
    day = day_words(as_of)
    this_month = str(as_of)[:7]
    parts = [f"As known on {day}, {name} has {_book(row)}"]
    run_out, next_work = row.get("run_out"), row.get("next_work")
    if run_out:
        verb = "ran out" if str(run_out) < this_month else "runs out"
        parts.append(f"its work {verb} in {month_words(run_out)}")
    if next_work and (row.get("gap_months") or 0) > 0:
        gap = row["gap_months"]
        parts.append(
            f"the next work at a viable rate starts in {month_words(next_work)}, "
            f"a gap of {gap} month{'s' if gap != 1 else ''}"
        )
    elif next_work and not run_out:
        verb = "started" if str(next_work) < this_month else "starts"
        parts.append(f"its first work at a viable rate {verb} in {month_words(next_work)}")
    elif not next_work and run_out:
        parts.append("no later work at a viable rate is known" + _below(row))
    jobs = _jobs(row)
    if jobs:
        parts.append(jobs)
    longest = _longest(row)
    if longest:
        parts.append(longest)
    return _sentence(parts)


def _sentence(parts: list[str]) -> str:
    """Join clauses: the first two with a semicolon, the rest with commas and "and"."""
    if len(parts) == 1:
        return parts[0] + "."
    head, rest = parts[0], parts[1:]
    tail = rest[0] if len(rest) == 1 else ", ".join(rest[:-1]) + " and " + rest[-1]
    return f"{head}; {tail}."


def outlook_lede(
    rows: Iterable[Mapping[str, Any]], as_of: str | dt.date, within: int = 24
) -> str:
    """One sentence on the British plants: which run out soon, and the most jobs at risk.

    Soon is within ``within`` months of the as-of date.
    """
    day = day_words(as_of)
    date = dt.date.fromisoformat(str(as_of)[:10])
    limit = date.year * 12 + date.month - 1 + within
    gb = [
        {k: clean(v) for k, v in r.items()}
        for r in rows
        if r.get("country") == "GB" and not clean(r.get("closed"))
    ]
    if not gb:
        return f"As known on {day}, no British train factory is in the data."

    def index(label: str) -> int:
        year, month = (int(p) for p in label.split("-")[:2])
        return year * 12 + month - 1

    # A run-out followed at once by more viable work (a gap of 0 months) is no run-out.
    ending = sorted(
        (r for r in gb if r.get("run_out") and index(str(r["run_out"])) < limit
         and r.get("gap_months") != 0),
        key=lambda r: str(r["run_out"]),
    )  # fmt: skip
    by = month_words(f"{limit // 12}-{limit % 12 + 1:02d}")
    if ending:
        listed = ", ".join(
            f"{plain_name(str(r['name']))} in {month_words(r['run_out'])}" for r in ending
        )
        head = (
            f"As known on {day}, {len(ending)} of {len(gb)} British train factories run out "
            f"of work before {by}: {listed}"
        )
    else:
        head = (
            f"As known on {day}, none of {len(gb)} British train factories runs out of work "
            f"before {by}"
        )
    at_risk = [r for r in gb if r.get("jobs_at_risk_peak")]
    if not at_risk:
        return head + "."
    top = max(at_risk, key=lambda r: float(r["jobs_at_risk_peak"]))
    first = next((g for g in top.get("gaps") or [] if g.get("jobs_at_risk_peak")), None)
    when = f", from {month_words(first['start'])}" if first else ""
    return (
        f"{head}; the most jobs at risk at one plant are {_count(top['jobs_at_risk_peak'])} "
        f"at {plain_name(str(top['name']))}{when}."
    )


def scenario_lede(rows: Iterable[Mapping[str, Any]], as_of: str | dt.date) -> str:
    """One sentence on a scenario: the British plant whose jobs at risk change most.

    Its run-out and gaps with the levers and without, and how many other plants change.
    """
    day = day_words(as_of)
    gb = [
        {k: clean(v) for k, v in r.items()}
        for r in rows
        if r.get("country") == "GB" and r.get("changed")
    ]
    if not gb:
        return (
            f"As known on {day}, these levers change no British plant's run-out, gaps or "
            "jobs at risk."
        )

    def moved(r: Mapping[str, Any]) -> float:
        change = r.get("jobs_at_risk_months_change")
        return abs(float(change)) if change is not None else 0.0

    top = max(gb, key=moved)
    name = plain_name(str(top["name"]))
    run_out, before = top.get("run_out"), top.get("run_out_baseline")
    parts = [f"As known on {day}, with these levers {name}'s work runs out in "
             f"{month_words(run_out) or 'no month known'}"
             f" (without them: {month_words(before) or 'no month known'})"]  # fmt: skip
    gaps, base = top.get("gaps") or [], top.get("gaps_baseline") or []
    if gaps:
        first = gaps[0]
        span = f"{month_words(first['start'])} to {month_words(first['end'])}" if first["end"] \
            else f"from {month_words(first['start'])} with no end in the horizon"
        parts.append(
            f"it has {len(gaps)} gap{'s' if len(gaps) != 1 else ''} in the horizon "
            f"(without them: {len(base)}), the first {span}"
        )
    elif base:
        parts.append(f"its {len(base)} gap{'s' if len(base) != 1 else ''} close")
    change = top.get("jobs_at_risk_months_change")
    if change:
        parts.append(f"job-months at risk change by {round(float(change)):+,}")
    others = len(gb) - 1
    if others:
        parts.append(f"{others} other British plant{'s' if others != 1 else ''} change too")
    return _sentence(parts)
