"""What every chart shares: the :class:`Chart` record, the layout and the source note."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from railgap.views import render

SOURCE_NOTE = (
    "Sources: each order, work package, plant and headcount row of the railgap dataset cites "
    "a public page (listed on the plant pages and under Data); derived figures use the named "
    "assumptions {assumptions}. Dataset {dataset_hash}, as known on {as_of}."
)


LAYOUT: dict[str, Any] = {
    "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
    "legend": {"orientation": "h", "y": -0.2},
    "hovermode": "closest",
    "autosize": True,
}


@dataclass(frozen=True)
class Chart:
    """A chart for a page: figure, labels, source note, CSV link and a table fallback."""

    id: str
    title: str
    figure: dict[str, Any]
    description: str
    source: str
    csv_url: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    #: Static copies to download: format (png, svg) to URL.
    images: dict[str, str] = field(default_factory=dict)


def plain(text: Any) -> str:
    """Data text as a Plotly label that shows literally, whatever markup it holds.

    Plotly.js reads trace names, category (tick) labels, hover text, annotations and menu
    labels as a little HTML (``<a href>``, ``<b>``, ``<br>``); a plant, class or order named
    ``<a href="...">`` would become a link. ``&``, ``<`` and ``>`` become entities, which
    Plotly shows as the characters themselves. Every label made from data goes through this.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def note(attrs: dict[str, Any]) -> str:
    """The source note of a stamped answer."""
    return SOURCE_NOTE.format(
        assumptions=attrs.get("assumptions", ""),
        dataset_hash=str(attrs.get("dataset_hash", ""))[:12],
        as_of=attrs.get("as_of", ""),
    )


#: One colour per series (Paul Tol's muted and bright schemes, colour-blind safe); past
#: these, :func:`series_colours` spaces hues evenly so no two series share one.
PALETTE = [
    "#332288", "#88ccee", "#44aa99", "#117733", "#999933", "#ddcc77", "#cc6677", "#882255",
    "#aa4499", "#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb",
]  # fmt: skip
#: The minimum viable rate's line: the level below which a month counts as a gap.
VIABLE_STYLE = {"dash": "dash", "color": "#b2182b", "width": 2}


def series_colours(n: int) -> list[str]:
    """``n`` distinct colours: the palette's, then evenly spaced hues beyond it."""
    if n <= len(PALETTE):
        return PALETTE[:n]
    return [f"hsl({round(360 * i / n)}, 60%, 42%)" for i in range(n)]


def as_of_marker(as_of: str) -> dict[str, list[dict[str, Any]]]:
    """Layout shapes and annotations drawing the as-of date as a labelled vertical line."""
    if not as_of:
        return {"shapes": [], "annotations": []}
    return {
        "shapes": [
            {
                "type": "line",
                "name": "as-of",
                "xref": "x",
                "yref": "paper",
                "x0": as_of,
                "x1": as_of,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#333", "width": 1.5, "dash": "dot"},
            }
        ],
        "annotations": [
            {
                "name": "as-of",
                "xref": "x",
                "yref": "paper",
                "x": as_of,
                "y": 1,
                "yanchor": "bottom",
                "text": f"as of {plain(as_of)}",
                "showarrow": False,
                "font": {"size": 11, "color": "#333"},
            }
        ],
    }


def short_names(frame: pd.DataFrame) -> dict[str, str]:
    """Plant id to the name to show where space is tight (``short_name``, else ``name``)."""
    short = frame["short_name"] if "short_name" in frame else frame["name"]
    return {
        str(p): str(s) if isinstance(s, str) and s.strip() else str(n)
        for p, s, n in zip(frame["plant_id"], short, frame["name"], strict=True)
    }


def table_of(frame: pd.DataFrame, columns: list[str]) -> tuple[list[str], list[list[Any]]]:
    """The columns and JSON-safe rows of a chart's data table."""
    rows = [[render.clean(r[c]) for c in columns] for r in frame.to_dict("records")]
    return columns, rows
