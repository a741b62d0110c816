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


def table_of(frame: pd.DataFrame, columns: list[str]) -> tuple[list[str], list[list[Any]]]:
    """The columns and JSON-safe rows of a chart's data table."""
    rows = [[render.clean(r[c]) for c in columns] for r in frame.to_dict("records")]
    return columns, rows
