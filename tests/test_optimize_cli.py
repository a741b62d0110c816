"""``railgap optimize`` end to end on the embedded dataset, and its scenario round trip."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import railgap
from railgap.dataset.dates import month_label

RAILGAP = [sys.executable, "-m", "railgap.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RAILGAP, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def newton_aycliffe_case(tmp_path_factory) -> tuple[dict, Path]:
    """As of 2024-01-15, the optimised timetable for 2024-2040, exported as a scenario."""
    scenario = tmp_path_factory.mktemp("opt") / "optimised.yaml"
    # A generous limit: the solve stops at the gap (seconds when the machine is idle), and
    # the limit only matters when other tests share the cores.
    result = run(
        "optimize", "--as-of", "2024-01-15", "--to", "2040", "--json", "--time-limit", "120",
        "--export-scenario", str(scenario),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), scenario


def test_tenders_public_only_later_are_not_used(newton_aycliffe_case):
    body, _ = newton_aycliffe_case
    # tpe-fleet-2023 (expected award 2025-07) was first public in February 2024; no tender
    # open on 15 January 2024 states an expected award, so every need is just in time.
    tenders = {t["tender_id"]: t for t in body["tenders"]}
    assert "tpe-fleet-2023" not in tenders
    assert tenders["tpe-fleet-2022"]["reason"] == "states no expected award date"
    assert {row["procured_by"] for row in body["timetable"]} == {"just in time"}


def test_solved_to_the_gap_and_stamped(newton_aycliffe_case):
    body, _ = newton_aycliffe_case
    assert body["as_of"] == "2024-01-15"
    assert body["assumptions"].startswith("railgap-default@")
    assert body["solver"]["status"] == "Optimal"
    assert body["solver"]["mip_gap"] <= 0.01
    assert body["problems"] == []


def test_no_gb_plant_idle_where_a_timetable_could_fill_it(newton_aycliffe_case):
    body, _ = newton_aycliffe_case
    gaps = body["gaps"]
    # No gap is left that a need not in the timetable could fill beside it.
    assert not [g for g in gaps if g["reason"].startswith("could be closed")]
    # Newton Aycliffe's 2024-25 gap: no order placed after January 2024 could fill it.
    na = [g for g in gaps if g["plant_id"] == "hitachi_newton_aycliffe"]
    assert na
    assert na[0]["from"] == "2024-08"
    assert na[0]["closable"] is False
    assert "no timetable could close it" in na[0]["reason"]
    # After the lead time, every GB plant is at or above its viable rate almost always:
    # what remains are single months between builds on the award grid.
    later = [g for g in gaps if g["from"] >= "2026-02"]
    assert all(g["months"] <= 3 for g in later), later


def test_optimised_beats_both_baselines(newton_aycliffe_case):
    body, _ = newton_aycliffe_case
    terms = {t["plan"]: t for t in body["objective_terms"]}
    assert terms["optimised"]["objective"] <= terms["greedy"]["objective"]
    assert terms["optimised"]["objective"] <= terms["as_procured"]["objective"]
    assert terms["optimised"]["jobs_at_risk_months"] < terms["as_procured"]["jobs_at_risk_months"]
    plants = {p["plant_id"]: p for p in body["plants"]}
    na = plants["hitachi_newton_aycliffe"]
    assert na["jobs_at_risk_months_optimised"] < na["jobs_at_risk_months_firm_only"]


def test_timetable_rows_are_awarded_or_explained(newton_aycliffe_case):
    body, _ = newton_aycliffe_case
    for row in body["timetable"]:
        if row["status"] in ("on time", "late"):
            assert row["award"] >= "2024-02"
            assert row["plant_id"]
            assert row["build_start"] <= row["build_end"] <= "2040-12"
        else:
            assert row["status"] in ("unmet", "later")
            assert row["status"] == "later" or row["reason"]


def test_exported_scenario_runs_and_fills_the_plants(newton_aycliffe_case):
    body, scenario = newton_aycliffe_case
    awarded = [r for r in body["timetable"] if r["status"] in ("on time", "late")]
    text = scenario.read_text(encoding="utf-8")
    assert text.count("direct_order:") == len(awarded)
    result = run("scenario", "run", str(scenario), "--json")
    assert result.returncode == 0, result.stderr
    plants = {p["plant_id"]: p for p in json.loads(result.stdout)["plants"]}
    na = plants["hitachi_newton_aycliffe"]
    assert na["jobs_at_risk_months"] < na["jobs_at_risk_months_baseline"]


def test_exported_scenario_builds_exactly_the_optimised_load(newton_aycliffe_case):
    """The loading engine, run on the exported plan, loads each plant as the optimiser did."""
    from railgap.analysis import scenario_whatif
    from railgap.scenarios.spec import read_scenario

    body, scenario = newton_aycliffe_case
    spec, levers = read_scenario(scenario)
    _, whatif = scenario_whatif(spec, levers, str(scenario))
    schedule = whatif.loading.schedule
    new = schedule.windows["order_id"].str.startswith("opt-").to_numpy()
    months = list(schedule.months)
    built: dict[tuple[str, str], float] = {}
    for row in np.flatnonzero(new):
        plant = schedule.windows["plant_id"].iloc[row]
        for t in np.flatnonzero(schedule.load[row] > 1e-9):
            key = (plant, month_label(int(months[t])))
            built[key] = built.get(key, 0.0) + float(schedule.load[row][t])
    planned = {(r["plant_id"], r["month"]): r["new"] for r in body["loading"] if r["new"] > 1e-9}
    assert set(built) == set(planned)  # every build in its month at its plant, no other
    # Amounts differ only by whole units: a lot of 178.5 vehicles is ordered as 178 or 179.
    lots: dict[str, int] = {}
    for row in body["timetable"]:
        if row["plant_id"]:
            lots[row["plant_id"]] = lots.get(row["plant_id"], 0) + 1
    # The plan's monthly amounts are printed to 3 decimals: each month may be 0.0005 off.
    for plant, count in lots.items():
        got = sum(v for (p, _), v in built.items() if p == plant)
        want = sum(v for (p, _), v in planned.items() if p == plant)
        printed = sum(1 for (p, _) in planned if p == plant) * 0.0005
        assert got == pytest.approx(want, abs=0.5 * count + printed + 1e-3), plant


def test_exported_scenario_can_be_stress_tested_by_the_monte_carlo(newton_aycliffe_case):
    _, scenario = newton_aycliffe_case
    args = ("--draws", "500", "--months", "120", "--json")
    planned = run("simulate", "--scenario", str(scenario), *args)
    assert planned.returncode == 0, planned.stderr
    bare = run("simulate", "--as-of", "2024-01-15", *args)
    assert bare.returncode == 0, bare.stderr

    def expected_jobs(out: str) -> float:
        rows = {p["plant_id"]: p for p in json.loads(out)["plants"]}
        return rows["hitachi_newton_aycliffe"]["expected_jobs_at_risk_months"]

    # Under uncertainty too, the optimised plan leaves fewer jobs at risk at Newton Aycliffe.
    assert expected_jobs(planned.stdout) < expected_jobs(bare.stdout)


def test_monthly_loading_adds_up_to_the_plants_table(newton_aycliffe_case):
    body, _ = newton_aycliffe_case
    months = body["loading"]
    assert {r["month"] for r in months} >= {"2024-02", "2040-12"}
    for row in months:
        assert row["firm"] + row["new"] <= row["capacity"] + 1e-6, row
    for plant in body["plants"]:
        mine = [r for r in months if r["plant_id"] == plant["plant_id"]]
        before = sum(r["jobs_at_risk_before"] for r in mine)
        after = sum(r["jobs_at_risk"] for r in mine)
        assert before == pytest.approx(plant["jobs_at_risk_months_firm_only"], abs=0.5)
        assert after == pytest.approx(plant["jobs_at_risk_months_optimised"], abs=0.5)
        assert (sum(r["new"] for r in mine) > 0) == (plant["vehicles_optimised"] > 0)


def test_csv_and_table_outputs():
    result = run("optimize", "--as-of", "2024-01-15", "--to", "2030", "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    assert {"need_id", "award", "plant_id", "procured_by", "as_of"} <= set(rows[0])
    loading = run(
        "optimize", "--as-of", "2024-01-15", "--to", "2030", "--csv", "--table", "loading"
    )
    assert loading.returncode == 0, loading.stderr
    rows = list(csv.DictReader(io.StringIO(loading.stdout)))
    assert {r["plant_id"] for r in rows} >= {"hitachi_newton_aycliffe", "alstom_derby"}
    assert run("optimize", "--table", "loading").returncode == 2  # a CSV table: needs --csv
    result = run("optimize", "--as-of", "2024-01-15", "--to", "2030")
    assert result.returncode == 0, result.stderr
    assert "Objective terms" in result.stdout
    assert "as procured" in result.stdout
    assert "As procured (expected pipeline): 0 need(s) timed from an open tender" in result.stdout


def test_the_expected_pipeline_is_printed_as_in_json():
    args = ("optimize", "--as-of", "2024-03-01", "--to", "2030")
    printed = run(*args)
    assert printed.returncode == 0, printed.stderr
    body = json.loads(run(*args, "--json").stdout)
    tpe = {t["tender_id"]: t for t in body["tenders"]}["tpe-fleet-2023"]
    assert tpe["needs"] == "2025-self-intercity-1"
    text = " ".join(printed.stdout.split())
    assert (
        f"tpe-fleet-2023 (notice, expected award 2025-07): 145 vehicles procure "
        f"2025-self-intercity-1; awarded 2025-07 at {tpe['plant_id']}"
    ) in text
    chiltern = "chiltern-lowemission-2023 (notice, expected award 2025-07): not used, states no"
    assert f"{chiltern} traction" in text
    timed = sum(row["procured_by"] != "just in time" for row in body["timetable"])
    assert f"As procured (expected pipeline): {timed} need(s) timed" in text


def test_a_database_gives_the_same_timetable(tmp_path):
    from railgap.dataset.schema import data_dir
    from railgap.store.location import normalise_url

    url = normalise_url(str(tmp_path / "copy.sqlite"))
    imported = run("data", "import", str(data_dir()), "--db", url)
    assert imported.returncode == 0, imported.stderr
    args = ("optimize", "--as-of", "2024-01-15", "--to", "2030", "--json")
    stored = run(*args, "--db", url)
    assert stored.returncode == 0, stored.stderr
    embedded = run(*args)
    body, reference = json.loads(stored.stdout), json.loads(embedded.stdout)
    assert body["dataset"] == url
    assert body["timetable"] == reference["timetable"]
    assert body["tenders"] == reference["tenders"]
    api = railgap.optimize(as_of="2024-01-15", to_year=2030, db=url)
    assert api.timetable.attrs["dataset"] == url
    assert api.timetable["need_id"].tolist() == [r["need_id"] for r in reference["timetable"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weights", "jobs=1,speed=2"], "--weights: speed: is not one of jobs, overage, smooth"),
        (["--weights", "jobs=lots"], "'lots' is not a number"),
        (["--weights", "smooth=-1"], "greater than or equal to 0"),
        (["--to", "1800"], "years must satisfy"),
        (["--as-of", "2024-13-01"], "2024-13-01"),
        (["--must-use", "nowhere_works"], "no plant 'nowhere_works' in the dataset"),
        (["--uk-share", "1.5"], "--uk-share"),
        (["--data", "somewhere", "--db", "x.sqlite"], "choose one of --data and --db"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args, message):
    result = run("optimize", "--as-of", "2024-01-15", *args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_scenario_file_is_a_clear_error(tmp_path):
    target = tmp_path / "missing" / "plan.yaml"
    result = run(
        "optimize", "--as-of", "2024-01-15", "--to", "2028", "--export-scenario", str(target)
    )
    assert result.returncode == 2
    assert "cannot be written" in result.stderr
    assert not target.exists()


def test_python_api_returns_dataframes(toy):
    result = railgap.optimize(as_of="2024-01-15", to_year=2040, data=toy, weights="smooth=2")
    assert result.status == "Optimal"
    assert result.options.weights.smooth == 2
    table = result.timetable
    assert table.attrs["as_of"] == "2024-01-15"
    assert list(table["need_id"]) == ["2035-electric-suburban"]
    assert table["plant_id"].iloc[0] == "toy_works"
    assert set(result.terms.index) == {"optimised", "greedy", "as_procured"}


def test_progress_is_told_each_stage_in_order(toy):
    stages: list[str] = []
    railgap.optimize(as_of="2024-01-15", to_year=2040, data=toy, progress=stages.append)
    assert stages[:3] == [
        "forecasting the needs and loading the plants",
        "building the model",
        "solving the linear relaxation (the lower bound)",
    ]
    assert stages[-1] == "reporting"


def test_an_impossible_must_use_is_reported_in_words(toy):
    # toy_overseas only makes bodyshells: it can build no need.
    result = run(
        "optimize", "--as-of", "2024-01-15", "--data", str(toy), "--must-use", "toy_overseas"
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Infeasible (checked before solving), MIP gap n/a" in result.stdout
    assert "plant toy_overseas must be used but cannot build any need" in result.stdout


def test_a_two_second_limit_never_returns_a_plan_worse_than_a_heuristic():
    """At a 2 s limit the relaxation rarely finishes: the plan is still no worse than greedy."""
    result = run("optimize", "--as-of", "2024-01-15", "--to", "2040", "--time-limit", "2", "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    objective = {t["plan"]: t["objective"] for t in body["objective_terms"]}
    assert objective["optimised"] <= objective["greedy"] + 1e-6
    assert objective["optimised"] <= objective["as_procured"] + 1e-6
    solver = body["solver"]
    assert solver["time_limit_s"] == 2
    assert solver["returned"] in ("mip", "greedy", "as_procured")
    assert solver["reason"].startswith("the ")
    if solver["returned"] != "mip":
        assert solver["reason"].startswith(f"the {solver['returned']} plan")
    text = run("optimize", "--as-of", "2024-01-15", "--to", "2040", "--time-limit", "2")
    assert text.returncode == 0, text.stderr
    assert "Plan returned: the " in text.stdout
