"""The national pack: every table in one file, with provenance that survives Excel."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from openpyxl import load_workbook

import railgap
from railgap.views.national import build_pack, pack_html, pack_xlsx

DATE = "2024-01-15"


@pytest.fixture(scope="module")
def pack():
    return build_pack(DATE, time_limit_s=2.0, draws=200)


def test_workbook_round_trip_keeps_the_provenance(pack):
    book = load_workbook(io.BytesIO(pack_xlsx(pack)))
    assert book.sheetnames == [
        "Provenance",
        "Outlook",
        "Gaps",
        "Fleet forecast",
        "Monte Carlo",
        "Optimiser timetable",
        "Sources",
        "Assumptions",
    ]
    rows = book["Provenance"].iter_rows(min_row=2, values_only=True)
    provenance = {row[0]: row[1] for row in rows}
    stamp = railgap.outlook(DATE).attrs
    for field in ("railgap_version", "dataset_hash", "as_of", "assumptions"):
        assert provenance[field] == stamp[field], field
    assert "solver time limit 2 s" in provenance["optimiser"]
    assert provenance["monte_carlo"] == "200 draws, seed 2024"
    outlook = list(book["Outlook"].iter_rows(values_only=True))
    plants = {row[0] for row in outlook[1:]}
    assert "hitachi_newton_aycliffe" in plants
    assert len(outlook) - 1 == len(railgap.outlook(DATE))
    gaps = list(book["Gaps"].iter_rows(values_only=True))
    assert gaps[0][:4] == ("plant_id", "name", "start", "end")
    assert {row[0] for row in gaps[1:]} <= plants
    sources = list(book["Sources"].iter_rows(values_only=True))
    column = sources[0].index("source")
    assert all(str(row[column]).startswith("http") for row in sources[1:])
    assert book["Optimiser timetable"].max_row == len(pack.sheets["Optimiser timetable"]) + 1
    assert book["Monte Carlo"].max_row == len(pack.sheets["Monte Carlo"]) + 1


def test_html_is_one_self_contained_page(pack):
    page = pack_html(pack)
    assert page.startswith("<!doctype html>")
    assert "<script" not in page
    assert 'src="http' not in page
    for name in ("Outlook", "Gaps", "Fleet forecast", "Monte Carlo", "Optimiser timetable"):
        assert f"<h2>{name}</h2>" in page
    assert pack.provenance.set_index("field").loc["dataset_hash", "value"] in page


def test_cli_refuses_an_unknown_format(tmp_path):
    out = tmp_path / "pack.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "railgap.cli", "report", "national", "--format", "pdf",
         "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "--format must be html or xlsx" in result.stderr
    assert not out.exists()
