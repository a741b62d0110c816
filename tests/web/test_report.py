"""Plant briefings: one self-contained HTML file and the same tables in Excel."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

import railgap
from railgap.cli import app as cli_app
from railgap.views.report import brief_html, brief_xlsx

from .conftest import TOY_DATE, TOY_SCENARIO


def test_brief_html_is_self_contained(toy: Path):
    html = brief_html("toy_works", TOY_DATE, data=toy)
    assert not re.search(r"<script[^>]+src=", html), "every script is inlined"
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert "Plotly" in html
    assert len(html) > 1_000_000
    report = railgap.plant("toy_works", TOY_DATE, data=toy)
    for source in report.sources["source"]:
        assert source in html
    assert f"as of {TOY_DATE}" in html
    assert report.stamp.dataset_hash in html
    assert report.stamp.assumptions in html


def test_brief_xlsx_holds_the_same_tables(toy: Path):
    book = load_workbook(io.BytesIO(brief_xlsx("toy_works", TOY_DATE, data=toy)))
    assert book.sheetnames == [
        "Summary",
        "Gaps",
        "Months",
        "Loading by order",
        "Orders",
        "Sources",
        "Stamp",
    ]
    report = railgap.plant("toy_works", TOY_DATE, data=toy)
    orders = list(book["Orders"].values)
    assert list(orders[0]) == list(report.orders.columns)
    assert {row[0] for row in orders[1:]} == set(report.orders["order_id"])
    summary = {row[0]: row[1] for row in book["Summary"].values}
    assert summary["order book (units)"] == report.summary["backlog_units"]
    stamp = {row[0]: row[1] for row in book["Stamp"].values}
    assert stamp["as_of"] == TOY_DATE
    # Every gap of the plant's answer is a row of the Gaps sheet, and the lede is stamped.
    gaps = list(book["Gaps"].values)
    assert [row[1] for row in gaps[1:]] == [g["start"] for g in report.summary["gaps"]]
    assert stamp["lede"].startswith(f"As known on {int(TOY_DATE[8:])} ")


def test_brief_html_opens_with_the_lede_and_lists_every_gap(toy: Path):
    from railgap.views import ledes

    html = brief_html("toy_works", TOY_DATE, data=toy)
    report = railgap.plant("toy_works", TOY_DATE, data=toy)
    lede = ledes.plant_lede(report.summary, TOY_DATE)
    assert f'<p id="lede"><strong>{lede}</strong></p>' in html
    table = re.search(r'<table id="gaps">.*?</table>', html, re.S)
    gaps = report.summary["gaps"]
    assert gaps, "the toy plant has a gap on the toy date"
    assert table is not None
    assert table.group(0).count("<tr>") == len(gaps) + 1


def test_report_command_under_a_scenario(toy: Path, tmp_path: Path):
    scenario = tmp_path / "more.yaml"
    scenario.write_text(TOY_SCENARIO, encoding="utf-8")
    out = tmp_path / "brief.xlsx"
    args = ["report", "toy_works", "--data", str(toy), "--scenario", str(scenario)]
    result = CliRunner().invoke(cli_app, [*args, "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    summary = {row[0]: row[1:] for row in book["Summary"].values}
    assert summary["order book (units)"] == (12, 18)
    assert "Months (scenario)" in book.sheetnames
    html = tmp_path / "brief.html"
    result = CliRunner().invoke(cli_app, [*args, "-o", str(html)])
    assert result.exit_code == 0
    assert "more gamma" in html.read_text(encoding="utf-8")


def test_report_command_refuses_bad_input_without_writing(toy: Path, tmp_path: Path):
    out = tmp_path / "brief.html"
    base = [sys.executable, "-m", "railgap.cli", "report", "--data", str(toy), "-o", str(out)]
    for extra in (
        ["toy_works", "--format", "pdf"],
        ["toy_works", "--as-of", "2024-02-30"],
        ["nowhere", "--as-of", TOY_DATE],
    ):
        result = subprocess.run([*base, *extra], capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, (extra, result.stderr)
        assert "error" in result.stderr.lower()
        assert "Traceback" not in result.stderr
    assert not out.exists()
    assert not list(tmp_path.glob("*.partial"))


def test_dashboard_offers_the_same_downloads(toy_client: TestClient):
    html = toy_client.get(f"/plants/toy_works/brief.html?as_of={TOY_DATE}")
    assert html.status_code == 200
    assert "attachment" in html.headers["content-disposition"]
    xlsx = toy_client.get(f"/plants/toy_works/brief.xlsx?as_of={TOY_DATE}")
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Summary"


def test_token_create_command(tmp_path: Path):
    db = str(tmp_path / "tokens.sqlite")
    result = CliRunner().invoke(cli_app, ["token", "create", "newsroom", "--db", db])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    assert railgap.store.verify_token(token, db)
    assert not railgap.store.verify_token(token + "x", db)


def test_token_list_and_revoke_commands(tmp_path: Path):
    import json

    db = str(tmp_path / "tokens.sqlite")
    runner = CliRunner()
    made = runner.invoke(cli_app, ["token", "create", "desk", "--days", "7", "--db", db])
    token = made.stdout.strip().splitlines()[0]
    listed = json.loads(runner.invoke(cli_app, ["token", "list", "--json", "--db", db]).stdout)
    (row,) = listed["tokens"]
    assert (row["label"], row["state"], row["lookup"]) == ("desk", "live", token.split("_")[1])
    assert token.split("_", 2)[2] not in json.dumps(listed)  # the secret is never listed
    revoked = runner.invoke(cli_app, ["token", "revoke", str(row["id"]), "--db", db])
    assert revoked.exit_code == 0, revoked.output
    assert not railgap.store.verify_token(token, db)
    unknown = runner.invoke(cli_app, ["token", "revoke", "42", "--db", db])
    assert unknown.exit_code == 2
    assert "no token 42" in unknown.output


def test_dashboard_briefs_a_plant_under_a_saved_scenario(toy_client: TestClient, db: str):
    saved = railgap.store.save_scenario("more gamma", TOY_SCENARIO, "test", db)
    xlsx = toy_client.get(f"/plants/toy_works/brief.xlsx?scenario={saved}")
    assert xlsx.status_code == 200
    assert f"scenario-{saved}" in xlsx.headers["content-disposition"]
    summary = {row[0]: row[1:] for row in load_workbook(io.BytesIO(xlsx.content))["Summary"].values}
    assert summary["order book (units)"] == (12, 18)
    html = toy_client.get(f"/plants/toy_works/brief.html?scenario={saved}").text
    assert "more gamma" in html
    assert toy_client.get("/plants/toy_works/brief.html?scenario=999").status_code == 404
