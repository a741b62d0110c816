"""Static chart images (views/images.py) and ``railgap chart`` (cli/charts.py).

The files are real PNG and SVG: the PNG decodes to the stated size, the SVG parses as XML
and carries the chart's title, legend and source note as text, so it can be cited as is.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from railgap.views import images
from railgap.views.charts import plan_loading, plant_loading
from railgap.web.figures import build_chart
from railgap.web.service import Service

TOY_DATE = "2022-06-01"


def _svg_text(data: bytes) -> str:
    root = ET.fromstring(data)  # valid XML, or this raises
    assert root.tag.endswith("svg")
    return " ".join(t for t in root.itertext())


@pytest.fixture
def toy_loading(toy: Path):
    service = Service(data=toy)
    import datetime as dt

    return build_chart(service, "loading", dt.date.fromisoformat(TOY_DATE), "toy_works")


def test_svg_keeps_title_legend_and_source_note_as_text(toy_loading):
    text = _svg_text(images.render(toy_loading, "svg"))
    assert toy_loading.title in text
    assert "minimum viable rate" in text
    assert "as of 2022-06-01" in text  # the as-of marker's label
    # The note, wrapped onto lines, is all there word for word.
    assert " ".join(toy_loading.source.split()) in " ".join(text.split())
    assert "Dataset" in toy_loading.source


def test_png_is_a_full_size_image(toy_loading):
    from PIL import Image

    data = images.render(toy_loading, "png")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    picture = Image.open(io.BytesIO(data))
    assert picture.size == (1500, 900)
    assert len(data) > 20_000  # drawn, not blank
    colours = picture.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 20  # many colours: bands, lines, text


def test_the_same_chart_gives_the_same_svg(toy_loading):
    assert images.render(toy_loading, "svg") == images.render(toy_loading, "svg")


def test_a_chart_with_a_plant_menu_draws_the_plant_asked_for():
    import pandas as pd

    rows = [
        {"plant_id": p, "month": m, "firm": f, "new": 0.0, "viable": 1.0,
         "jobs_at_risk_before": 0.0, "jobs_at_risk": 0.0}
        for p, f in (("a", 2.0), ("b", 5.0)) for m in ("2024-01", "2024-02")
    ]  # fmt: skip
    chart = plan_loading(
        pd.DataFrame(rows), {"a": "Alpha", "b": "Beta"}, {"as_of": "2024-01-15"}, ""
    )
    figure = images.draw(chart, only="b")
    drawn = [list(line.get_ydata()) for line in figure.axes[0].get_lines()]
    assert [1.0, 1.0] in drawn  # b's viable rate line
    with pytest.raises(ValueError, match="has no 'c'"):
        images.render(chart, "png", only="c")


def test_bad_format_is_refused(toy_loading):
    with pytest.raises(ValueError, match="png or svg"):
        images.render(toy_loading, "gif")


def test_every_kind_is_a_chart_a_page_draws():
    from railgap.web import pages

    assert set(images.KIND_OF) == {chart_id for _, chart_id, _ in images.KINDS.values()}
    assert len(images.KIND_OF) == len(images.KINDS)
    assert callable(pages.with_images)
    assert plant_loading  # the plant chart the kinds start from


def _cli(*args: str) -> object:
    from typer.testing import CliRunner

    from railgap.cli.app import app

    return CliRunner().invoke(app, list(args))


def test_cli_writes_png_and_svg(toy: Path, tmp_path: Path):
    svg = tmp_path / "loading.svg"
    done = _cli("chart", "loading", "--plant", "toy_works", "--as-of", TOY_DATE,
                "--data", str(toy), "-o", str(svg))  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "minimum viable rate" in _svg_text(svg.read_bytes())
    png = tmp_path / "jobs.png"
    done = _cli("chart", "jobs", "--plant", "toy_works", "--as-of", TOY_DATE,
                "--data", str(toy), "--format", "png", "-o", str(png))  # fmt: skip
    assert done.exit_code == 0, done.output
    assert png.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jobs.png", "loading.svg", "toy"]


def test_cli_draws_a_scenario_file_with_its_base(toy: Path, tmp_path: Path):
    from railgap.scenarios.spec import inlined_text, parse_scenario, read_scenario

    (tmp_path / "base.yaml").write_text(
        f"name: base\nas_of: {TOY_DATE}\nlevers:\n"
        "  - vary_order: {order: gamma-300-2022, units: 3, from: 2022-07-01}\n",
        encoding="utf-8",
    )
    top = tmp_path / "top.yaml"
    top.write_text(
        f"name: more gamma\nas_of: {TOY_DATE}\nbase: base.yaml\nlevers:\n"
        "  - vary_order: {order: gamma-300-2022, units: 3, from: 2022-08-01}\n",
        encoding="utf-8",
    )
    spec, levers = parse_scenario(inlined_text(top), "inlined.yaml")
    assert spec.base is None
    assert levers == read_scenario(top)[1]  # the base's lever first, then the file's own
    svg = tmp_path / "loading.svg"
    done = _cli("chart", "scenario-loading", "--scenario", str(top), "--data", str(toy),
                "-o", str(svg))  # fmt: skip
    assert done.exit_code == 0, done.output
    text = _svg_text(svg.read_bytes())
    assert "Monthly loading of changed plants" in text
    assert "toy_works scenario" in text
    assert f"as known on {TOY_DATE}" in text
    wrong = _cli("chart", "loading", "--plant", "toy_works", "--scenario", str(top),
                 "--data", str(toy), "-o", str(svg))  # fmt: skip
    assert wrong.exit_code == 2
    assert "scenario-* charts" in wrong.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["chart", "nope"], "no chart 'nope'"),
        (["chart", "loading"], "give a plant id"),
        (["chart", "loading", "--plant", "no_such_plant"], "no plant 'no_such_plant'"),
        (["chart", "gantt", "--format", "gif"], "png or svg"),
        (["chart", "gantt", "--as-of", "2022-13-01"], "2022-13-01"),
        (["chart", "scenario-jobs"], "railgap chart --scenario FILE"),
        (["chart", "scenario-jobs", "--scenario", "no_such.yaml"], "no_such.yaml"),
    ],
)
def test_cli_refuses_bad_input_and_writes_nothing(toy: Path, tmp_path: Path, args, says):
    from typer.testing import CliRunner

    from railgap.cli.app import app
    from railgap.dataset.errors import RailgapError

    out = tmp_path / "out" / "chart.png"
    out.parent.mkdir()
    result = CliRunner().invoke(app, [*args, "--data", str(toy), "-o", str(out)])
    if isinstance(result.exception, RailgapError):  # ``main`` prints it and exits 2
        said = str(result.exception)
    else:
        assert result.exit_code == 2, result.output
        said = result.output
    assert says in " ".join(said.replace("│", " ").split())
    assert list(out.parent.iterdir()) == []
