"""HTML rendering shared by the dashboard and the self-contained briefing: templates, Plotly.js."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import jinja2

from railgap.views import render

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    """The page templates (autoescaped), with railgap's number formats as filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, auto_reload=False
    )
    env.filters["int"] = render.fmt_int
    env.filters["clean"] = render.clean
    return env


def plotly_js() -> Path:
    """The Plotly.js bundle shipped inside the ``plotly`` package (no CDN)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RuntimeError("the plotly package is not installed")
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"
