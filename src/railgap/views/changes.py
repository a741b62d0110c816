"""What changed between two dates, for people, machines and a newsroom.

A table, JSON and CSV, and an Atom feed with a link to each row's source.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from railgap.analysis.changed import Changes
from railgap.dataset.changes import CHANGE_COLUMNS
from railgap.views import render

#: The plant columns the JSON and the page give: each measure on both dates and the change.
PLANT_COLUMNS = [
    "plant_id",
    "name",
    "country",
    "backlog_units_baseline",
    "backlog_units",
    "run_out_baseline",
    "run_out",
    "run_out_change_months",
    "gap_months_baseline",
    "gap_months",
    "gap_change_months",
    "gaps_baseline",
    "gaps",
    "jobs_at_risk_months_baseline",
    "jobs_at_risk_months",
    "jobs_at_risk_months_change",
    "changed",
]

ATOM = "http://www.w3.org/2005/Atom"


def moved(changes: Changes) -> list[dict[str, Any]]:
    """The plants whose run-out, first gap or job-months at risk moved, GB first."""
    rows = render.records(changes.plants, PLANT_COLUMNS)
    keys = ("run_out", "gap_months", "jobs_at_risk_months")
    out = [r for r in rows if any(r[f"{k}_baseline"] != r[k] for k in keys)]
    return sorted(out, key=lambda r: (r["country"] != "GB", str(r["name"])))


def changes_body(changes: Changes) -> dict[str, Any]:
    """The JSON answer: stamp, the two dates, the rows known between them, the plants."""
    return {
        **{str(k): render.clean(v) for k, v in changes.rows.attrs.items()},
        "rows": render.records(changes.rows, CHANGE_COLUMNS),
        "plants": render.records(changes.plants, PLANT_COLUMNS),
        "plants_moved": [r["plant_id"] for r in moved(changes)],
    }


def changes_csv(changes: Changes) -> str:
    """The rows that became known, as CSV (one row per dataset row)."""
    return render.to_csv(changes.rows, CHANGE_COLUMNS)


def _rfc3339(day: str) -> str:
    return f"{day}T00:00:00Z"


def atom_feed(changes: Changes, base_url: str) -> str:
    """An Atom 1.0 feed (RFC 4287) of what became known between the dates.

    One entry per row, newest first, each linking to its source; a first entry says how
    the plants' outlook moved.
    """
    ET.register_namespace("", ATOM)
    base = base_url.rstrip("/")
    page = f"{base}/changes?since={changes.since}&to={changes.to}"
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        child = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            child.text = text
        return child

    add(feed, "id", f"{page}&feed=atom")
    add(feed, "title", f"railgap: what became known from {changes.since} to {changes.to}")
    add(feed, "updated", _rfc3339(changes.to))
    author = add(feed, "author")
    add(author, "name", "railgap")
    add(feed, "link", href=f"{base}/changes.atom?since={changes.since}&to={changes.to}",
        rel="self", type="application/atom+xml")  # fmt: skip
    add(feed, "link", href=page, rel="alternate", type="text/html")
    stamp = changes.stamp
    add(feed, "subtitle", f"dataset {stamp.dataset} ({stamp.dataset_hash}), assumptions "
        f"{stamp.assumptions}, railgap {stamp.railgap_version}")  # fmt: skip
    plants = moved(changes)
    if plants:
        entry = add(feed, "entry")
        add(entry, "id", f"{page}#plants")
        add(entry, "title", f"Outlook moved at {len(plants)} plants")
        add(entry, "updated", _rfc3339(changes.to))
        add(entry, "link", href=page, rel="alternate")
        lines = [
            f"{p['name']}: run-out {p['run_out_baseline'] or '-'} -> {p['run_out'] or '-'}; "
            f"first gap {_num(p['gap_months_baseline'])} -> {_num(p['gap_months'])} months; "
            f"job-months at risk {_num(p['jobs_at_risk_months_baseline'])} -> "
            f"{_num(p['jobs_at_risk_months'])}"
            for p in plants
        ]
        add(entry, "summary", "\n".join(lines))
    for row in reversed(render.records(changes.rows, CHANGE_COLUMNS)):
        entry = add(feed, "entry")
        add(entry, "id", f"{page}#{row['table']}:{row['key']}:{row['known_from']}")
        add(entry, "title", f"{row['table']} {row['key']}: {row['kind']}")
        add(entry, "updated", _rfc3339(str(row["known_by"])))
        add(entry, "link", href=str(row["source"]), rel="alternate")
        add(entry, "summary", f"{row['what']} (known from {row['known_from']})")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")


def _num(value: Any) -> str:
    return "-" if value is None else f"{value:,.0f}"
