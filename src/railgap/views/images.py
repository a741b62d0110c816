"""Static PNG and SVG of any dashboard chart, drawn with matplotlib, for a paper or a slide.

A :class:`~railgap.views.charts.Chart` holds a Plotly figure (plain dicts); this module draws
the same traces with matplotlib: bars (grouped or stacked), lines, markers, stacked areas,
Gantt bars (lines broken by ``None``), the filled fan, the dashed viable rate and the as-of
marker (a layout shape). The chart's title goes above and its source note, wrapped, below,
so the file carries its provenance wherever it is pasted. SVG text stays text (searchable,
editable); both formats are reproducible byte for byte (no timestamps).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import textwrap
from collections.abc import Iterable
from typing import Any

from railgap.views.charts.base import Chart
from railgap.views.kinds import FORMATS as FORMATS
from railgap.views.kinds import KIND_OF as KIND_OF
from railgap.views.kinds import KINDS as KINDS

#: Size in inches and PNG resolution: 1500 x 900 pixels, legible on a slide.
SIZE = (10.0, 6.0)
DPI = 150
#: Plotly dash names as matplotlib line styles.
DASHES = {"dash": "--", "dot": ":", "dashdot": "-.", "solid": "-"}
MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _text(value: Any) -> str:
    """A Plotly label (entities from :func:`~railgap.views.charts.base.plain`) as plain text.

    ``$`` is escaped: matplotlib would read text between two as mathematics.
    """
    return html.unescape(re.sub(r"<br\s*/?>", " ", str(value))).replace("$", r"\$")


def _when(value: Any) -> Any:
    """A month label (``2024-01``) or ISO date as a date; anything else unchanged."""
    if isinstance(value, str) and MONTH.match(value):
        year, month, *day = (int(p) for p in value.split("-"))
        return dt.date(year, month, day[0] if day else 1)
    return value


def _values(values: Iterable[Any] | None) -> list[Any]:
    return [_when(v) for v in (values or [])]


def _style(trace: dict[str, Any]) -> dict[str, Any]:
    line = trace.get("line") or {}
    style: dict[str, Any] = {"linestyle": DASHES.get(str(line.get("dash", "solid")), "-")}
    if line.get("color"):
        style["color"] = _colour(line["color"])
    if line.get("width"):
        style["linewidth"] = min(float(line["width"]), 8.0) * 0.8
    return style


def _colour(value: str) -> Any:
    """A CSS colour as matplotlib takes it (``hsl()`` converted; hex and names as they are)."""
    found = re.match(r"hsl\((\d+(?:\.\d+)?),\s*(\d+)%,\s*(\d+)%\)", value)
    if not found:
        return value
    import colorsys

    h, s, lightness = (float(g) for g in found.groups())
    return colorsys.hls_to_rgb(h / 360, lightness / 100, s / 100)


def _categories(traces: list[dict[str, Any]], key: str) -> list[str]:
    seen: dict[str, None] = {}
    for t in traces:
        for v in t.get(key) or []:
            if isinstance(v, str) and not MONTH.match(v):
                seen.setdefault(v, None)
    return list(seen)


def _bars(ax: Any, bars: list[dict[str, Any]], layout: dict[str, Any]) -> list[str]:
    """Draw bar traces (grouped or stacked) on category or number positions; the x labels."""
    labels = _categories(bars, "x")
    position = {c: i for i, c in enumerate(labels)}
    stacked = layout.get("barmode") == "stack"
    width = 0.8 if stacked else 0.8 / max(len(bars), 1)
    bottoms: dict[Any, float] = {}
    for i, t in enumerate(bars):
        xs = [position.get(v, v) for v in t.get("x") or []]
        ys = [0.0 if v is None else float(v) for v in t.get("y") or []]
        if stacked:
            base = [bottoms.get(x, 0.0) for x in xs]
            ax.bar(xs, ys, width, bottom=base, label=_text(t.get("name", "")))
            for x, y in zip(xs, ys, strict=True):
                bottoms[x] = bottoms.get(x, 0.0) + y
        else:
            offset = (i - (len(bars) - 1) / 2) * width
            ax.bar([x + offset for x in xs], ys, width, label=_text(t.get("name", "")))
    if labels:
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels([_text(v) for v in labels], rotation=30, ha="right", fontsize=8)
    return labels


def _stacks(ax: Any, traces: list[dict[str, Any]]) -> None:
    """Draw the traces of one Plotly stack group as a matplotlib stacked area."""
    xs = sorted({_when(v) for t in traces for v in t.get("x") or []})
    rows = []
    for t in traces:
        got = dict(zip(_values(t.get("x")), t.get("y") or [], strict=True))
        rows.append([float(got.get(x) or 0.0) for x in xs])
    colours = [_colour(t["fillcolor"]) if t.get("fillcolor") else None for t in traces]
    ax.stackplot(
        xs,
        rows,
        labels=[_text(t.get("name", "")) for t in traces],
        colors=colours if all(colours) else None,
        alpha=0.85,
    )


def _line(ax: Any, t: dict[str, Any], rows: dict[str, int]) -> None:
    """A line or marker trace; ``None`` breaks it (Gantt bars); category ys are rows."""
    xs = _values(t.get("x"))
    ys = [rows.get(v, v) if isinstance(v, str) else v for v in t.get("y") or []]
    mode = str(t.get("mode", "lines"))
    style = _style(t)
    label = _text(t.get("name", ""))
    segment: list[tuple[Any, Any]] = []
    pieces = []
    for x, y in zip(xs, ys, strict=True):
        if x is None or y is None:
            if segment:
                pieces.append(segment)
            segment = []
        else:
            segment.append((x, y))
    if segment:
        pieces.append(segment)
    for i, piece in enumerate(pieces):
        px, py = [p[0] for p in piece], [float(p[1]) for p in piece]
        if "lines" in mode:
            drawn = ax.plot(px, py, label=label if i == 0 else None, **style)
            style["color"] = drawn[0].get_color()  # one trace, one colour (a Gantt's bars)
            if t.get("fill") == "tozeroy":
                ax.fill_between(px, py, alpha=0.25, color=drawn[0].get_color())
        if "markers" in mode:
            ax.plot(px, py, "o", markersize=4, label=None if "lines" in mode or i else label)


def _title(axis: dict[str, Any]) -> str:
    title = axis.get("title")
    return _text(title.get("text", "") if isinstance(title, dict) else title or "")


def _axes(ax: Any, layout: dict[str, Any], rows: list[str]) -> None:
    """Axis titles, ranges, percentages, the Gantt's rows and the as-of marker."""
    from matplotlib.ticker import PercentFormatter

    xaxis, yaxis = layout.get("xaxis") or {}, layout.get("yaxis") or {}
    ax.set_xlabel(_title(xaxis))
    ax.set_ylabel(_title(yaxis))
    if yaxis.get("range"):
        ax.set_ylim(*yaxis["range"])
    if xaxis.get("range"):
        ax.set_xlim(*_values(xaxis["range"]))
    if str(yaxis.get("tickformat", "")).endswith("%"):
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    if rows:
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([_text(r) for r in rows], fontsize=8)
        ax.set_ylim(len(rows) - 0.5, -0.5)  # the first row on top, as Plotly draws it
    for shape in layout.get("shapes") or []:
        if shape.get("type") == "line" and shape.get("x0") == shape.get("x1"):
            when = _when(shape["x0"])
            ax.axvline(when, color="#333", linestyle=":", linewidth=1.2)
            ax.annotate(
                f"as of {_text(shape['x0'])}" if shape.get("name") == "as-of" else "",
                (when, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -12),
                textcoords="offset points",
                fontsize=8,
                color="#333",
            )
    ax.grid(axis="y", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def draw(chart: Chart, only: str | None = None) -> Any:
    """The chart as a matplotlib figure; ``only`` keeps the traces whose ``meta`` it is.

    ``only`` picks one plant of a chart with a plant menu (the pipeline's monthly load);
    without it, the traces Plotly shows at first are drawn.
    """
    from matplotlib.figure import Figure

    traces = [t for t in chart.figure.get("data", []) if isinstance(t, dict)]
    metas = {t.get("meta") for t in traces if "visible" in t}
    if only is not None:
        if only not in metas:
            shown = ", ".join(sorted(map(str, metas)))
            raise ValueError(f"{chart.id} has no {only!r} to show; it has {shown}")
        traces = [t for t in traces if t.get("meta") == only]
    else:
        traces = [t for t in traces if t.get("visible", True) is True]
    layout = chart.figure.get("layout", {})
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    rows = _categories([t for t in traces if t.get("type") != "bar"], "y")  # Gantt rows
    bars = [t for t in traces if t.get("type") == "bar"]
    if bars:
        _bars(ax, bars, layout)
    groups: dict[str, list[dict[str, Any]]] = {}
    for t in traces:
        if t.get("type") != "bar" and t.get("stackgroup"):
            groups.setdefault(str(t["stackgroup"]), []).append(t)
    for group in groups.values():
        _stacks(ax, group)
    row_of = {r: i for i, r in enumerate(rows)}
    for t in traces:
        if t.get("type") != "bar" and not t.get("stackgroup"):
            _line(ax, t, row_of)
    _axes(ax, layout, rows)
    ax.set_title(_text(chart.title), fontsize=12, fontweight="bold", loc="left")
    handles, labels = ax.get_legend_handles_labels()
    if labels and layout.get("showlegend", True):
        below = -0.28 if bars else -0.12  # under the slanted category labels
        ax.legend(
            handles, labels, loc="upper center", bbox_to_anchor=(0.5, below), ncols=3,
            fontsize=8, frameon=False,
        )  # fmt: skip
    note = "\n".join(textwrap.wrap(_text(chart.source), 150))
    fig.supxlabel(note, x=0.01, ha="left", fontsize=6.5, color="#555")
    return fig


def render(chart: Chart, fmt: str, only: str | None = None) -> bytes:
    """The chart as PNG or SVG bytes (``fmt`` is ``png`` or ``svg``), source note below."""
    if fmt not in FORMATS:
        raise ValueError(f"an image is png or svg, not {fmt!r}")
    from matplotlib import rc_context

    out = io.BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "railgap"}):
        fig = draw(chart, only)
        metadata: dict[str, Any] = {"Title": _text(chart.title)}
        if fmt == "svg":
            metadata.update({"Date": None, "Description": chart.source})
        else:
            metadata["Description"] = chart.source
        fig.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()
