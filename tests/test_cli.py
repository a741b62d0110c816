"""End-to-end runs of the ``railgap`` command, in a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

RAILGAP = [sys.executable, "-m", "railgap.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RAILGAP, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def outlook_2024() -> dict:
    result = run("outlook", "--as-of", "2024-01-15", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_outlook_json_is_stamped_and_complete(outlook_2024):
    assert outlook_2024["as_of"] == "2024-01-15"
    assert outlook_2024["assumptions"].startswith("railgap-default@")
    assert len(outlook_2024["dataset_hash"]) == 12
    required = {
        "plant_id",
        "name",
        "manufacturer",
        "country",
        "backlog_units",
        "backlog_vehicles",
        "backlog_by_class",
        "run_out",
        "next_work",
        "gap_months",
        "employees",
        "jobs_at_risk_peak",
    }
    for plant in outlook_2024["plants"]:
        assert required <= set(plant)


def test_newton_aycliffe_case_january_2024(outlook_2024):
    """The case that started railgap, derived from the data alone."""
    plant = next(p for p in outlook_2024["plants"] if p["plant_id"] == "hitachi_newton_aycliffe")
    assert plant["backlog_units"] == 56
    assert plant["backlog_vehicles"] == 300
    assert plant["backlog_by_class"] == {"805": 13, "807": 10, "810": 33}
    assert "2024-06" <= plant["run_out"] <= "2025-06"
    assert 700 <= plant["jobs_at_risk_peak"] <= 750


def test_class_810_not_in_the_book_before_it_was_ordered():
    result = run("outlook", "--as-of", "2019-06-01", "--json")
    assert result.returncode == 0, result.stderr
    plants = {p["plant_id"]: p for p in json.loads(result.stdout)["plants"]}
    assert "810" not in plants["hitachi_newton_aycliffe"]["backlog_by_class"]


def test_outlook_csv_parses_with_a_stamp_on_every_row():
    result = run("outlook", "--as-of", "2024-01-15", "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    assert all(r["as_of"] == "2024-01-15" for r in rows)
    na = next(r for r in rows if r["plant_id"] == "hitachi_newton_aycliffe")
    assert na["backlog_by_class"] == "805:13;807:10;810:33"


def test_outlook_table_for_people():
    result = run("outlook", "--as-of", "2024-01-15")
    assert result.returncode == 0, result.stderr
    assert "Newton Aycliffe" in result.stdout
    assert "as of 2024-01-15" in result.stdout


def test_plant_command_shows_orders_chart_and_sources():
    result = run("plant", "hitachi_newton_aycliffe", "--as-of", "2024-01-15")
    assert result.returncode == 0, result.stderr
    assert "emr-810-2019" in result.stdout
    assert "Utilisation by quarter" in result.stdout
    assert "https://" in result.stdout
    data = json.loads(
        run("plant", "hitachi_newton_aycliffe", "--as-of", "2024-01-15", "--json").stdout
    )
    assert data["plant"]["backlog_units"] == 56
    assert {s["table"] for s in data["sources"]} >= {"plants", "plant_staff", "orders"}
    assert all(s["source"].startswith("http") for s in data["sources"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["outlook", "--as-of", "2024-02-30"], "not a valid date"),
        (["outlook", "--as-of", "1066-10-14"], "outside"),
        (["plant", "atlantis_works"], "no plant 'atlantis_works'"),
        (["outlook", "--data", "/nonexistent/folder"], "is not a folder"),
        (["outlook", "--json", "--csv"], "choose one of --json and --csv"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_data_check_passes_on_the_embedded_dataset():
    result = run("data", "check")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_data_check_names_file_line_and_column(toy: Path):
    text = (toy / "orders.csv").read_text()
    (toy / "orders.csv").write_text(text.replace("2018-01-10", "2018-01-32", 1))
    result = run("data", "check", str(toy))
    assert result.returncode == 2
    assert "orders.csv:2: signed: '2018-01-32' has no day 32" in result.stderr


def test_data_check_strict_fails_on_warnings(toy: Path):
    rows = (toy / "work_packages.csv").read_text().splitlines()
    (toy / "work_packages.csv").write_text("\n".join(rows[:2] + rows[3:]) + "\n")
    assert run("data", "check", str(toy)).returncode == 0
    strict = run("data", "check", "--strict", str(toy))
    assert strict.returncode == 2
    assert "beta-200-2019 has no work_packages row" in strict.stderr


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("outlook", "plant", "data"):
        assert command in result.stdout


def test_bad_assumptions_file_names_the_file_and_line(tmp_path):
    bad = tmp_path / "mine.yaml"
    bad.write_text("name: x\nversion: '1'\nassumptions:\n  min_viable_share: [oops\n")
    result = run("outlook", "--assumptions", str(bad))
    assert result.returncode == 2
    assert "mine.yaml:5" in result.stderr or "mine.yaml:4" in result.stderr
    missing = tmp_path / "short.yaml"
    missing.write_text("name: x\nversion: '1'\nassumptions: {}\n")
    result = run("outlook", "--assumptions", str(missing))
    assert result.returncode == 2
    assert "missing assumptions" in result.stderr


def test_fleet_command_register_and_filters():
    result = run("fleet", "--as-of", "2024-01-15", "--operator", "Southeastern", "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["as_of"] == "2024-01-15"
    classes = {f["class"] for f in body["fleets"]}
    assert {"465", "375"} <= classes
    table = run("fleet", "--as-of", "2024-01-15")
    assert table.returncode == 0, table.stderr
    assert "Fleet register as of 2024-01-15" in table.stdout


def test_forecast_json_has_years_by_traction_and_waves():
    result = run("forecast", "--from", "2025", "--to", "2060", "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert {"as_of", "assumptions", "years"} <= set(body)
    first = body["years"][0]
    for key in (
        "year",
        "fleet_vehicles",
        "average_age",
        "retired_vehicles",
        "delivered_vehicles",
        "needed_unordered_vehicles",
        "needed_spread_vehicles",
        "survivor_vehicles",
        "kept_beyond_life_vehicles",
        "by_traction",
    ):
        assert key in first
    total = sum(t["needed_unordered_vehicles"] for t in first["by_traction"].values())
    assert total == pytest.approx(first["needed_unordered_vehicles"], abs=0.01)
    # The next replacement waves, from the data: Sprinters, Networkers, Pendolinos, Voyagers.
    waves = {w["class"] for w in body["replacement_waves"] if w["from"] <= 2045}
    assert {"150", "156", "465", "390", "220"} <= waves
    assert 300 < body["smooth_order_level"] < 1500


def test_forecast_life_override_and_bad_values():
    short = json.loads(run("forecast", "--to", "2040", "--json").stdout)
    long = json.loads(run("forecast", "--to", "2040", "--json", "--life", "emu_dc=45").stdout)
    need = [sum(y["needed_unordered_vehicles"] for y in b["years"]) for b in (short, long)]
    assert need[1] < need[0]
    bad = run("forecast", "--life", "steam=40")
    assert bad.returncode == 2
    assert "is not a traction" in bad.stderr
    assert run("forecast", "--life", "dmu").returncode == 2
    years = run("forecast", "--from", "2050", "--to", "2040")
    assert years.returncode == 2
    assert "years must satisfy" in years.stderr
    growth = run("forecast", "--growth", "central")
    assert growth.returncode == 2
    assert "is not a growth scenario" in growth.stderr
    assert "ltprss_2016_high" in growth.stderr


def test_scenario_commands(tmp_path):
    examples = Path(__file__).parents[1] / "examples" / "scenarios"
    result = run("scenario", "run", str(examples / "west_coast_2024.yaml"), "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    plant = next(p for p in body["plants"] if p["plant_id"] == "hitachi_newton_aycliffe")
    assert plant["jobs_at_risk_months_change"] < 0
    assert body["levers"][0].startswith("1. vary_order on avanti-807-2019")
    table = run("scenario", "compare", *(str(p) for p in sorted(examples.glob("tpe_award_*.yaml"))))
    assert table.returncode == 0, table.stderr
    assert "Scenarios against the baseline" in table.stdout
    assert "baseline" in table.stdout
    assert "change" in table.stdout
    compare = run(
        "scenario",
        "compare",
        "--json",
        str(examples / "tpe_award_caf.yaml"),
        str(examples / "tpe_award_siemens.yaml"),
    )
    assert {r["scenario"] for r in json.loads(compare.stdout)["rows"]} == {
        "TPE fleet awarded to caf",
        "TPE fleet awarded to siemens",
    }
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nas_of: 2024-01-15\nlevers:\n  - vary_order: {order: x, units: lots}\n")
    refused = run("scenario", "run", str(bad))
    assert refused.returncode == 2
    assert "bad.yaml:4: levers.0.vary_order.units" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_simulate_json_is_reproducible_and_bounded():
    args = ("simulate", "--as-of", "2024-01-15", "--draws", "300", "--seed", "5", "--json")
    first, second = run(*args), run(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    body = json.loads(first.stdout)
    assert body["draws"] == 300
    assert body["seed"] == 5
    plants = {row["plant_id"]: row for row in body["plants"]}
    assert plants["hitachi_newton_aycliffe"]["run_out_as_planned"] == "2024-07"
    months = body["gap_probability"]["months"]
    assert len(months) == 240
    assert months[0] == "2024-01"
    assert all(0 <= p <= 1 for p in body["gap_probability"]["hitachi_newton_aycliffe"])
    assert {t["tender_id"] for t in body["tenders"]} >= {"northern-framework-2023"}


def test_simulate_table_and_bad_draws():
    table = run("simulate", "--as-of", "2024-01-15", "--draws", "200")
    assert table.returncode == 0, table.stderr
    assert "Monte Carlo as of 2024-01-15" in table.stdout
    assert "Open tenders drawn" in table.stdout
    bad = run("simulate", "--draws", "0")
    assert bad.returncode == 2
    assert "--draws" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_data_text_reaches_the_terminal_without_control_codes_or_markup(tmp_path):
    from railgap.testing.toy import TOY_ROWS, write_tables

    hostile = " \x1b[31mRED\x1b[0m [bold]x[/bold] \x9b2J\x07"
    plants = [{**p, "name": p["name"] + hostile} for p in TOY_ROWS["plants"]]
    orders = [
        {**o, "class": o["class"] + "[red]c[/red]\x1b]0;title\x07"} for o in TOY_ROWS["orders"]
    ]
    folder = write_tables(tmp_path / "toy", {**TOY_ROWS, "plants": plants, "orders": orders})
    for args in (("outlook",), ("plant", "toy_works"), ("simulate", "--draws", "20")):
        result = run(*args, "--as-of", "2022-06-01", "--data", str(folder))
        assert result.returncode == 0, result.stderr
        out = result.stdout + result.stderr
        for control in ("\x1b", "\x9b", "\x07", "\r"):
            assert control not in out, (args, control)
        assert "[bold]x[/bold]" in out, args
        assert "Toy Works" in out
    plant = run("plant", "toy_works", "--as-of", "2022-06-01", "--data", str(folder)).stdout
    assert "[red]c[/red]" in plant
