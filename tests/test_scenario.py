from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import railgap
from railgap.dataset import as_of, load_dataset
from railgap.dataset.assumptions import default_assumptions
from railgap.dataset.errors import DataError
from railgap.plants.loading import LOADING_TABLES, run_loading
from railgap.scenarios.levers import apply_levers
from railgap.scenarios.spec import parse_scenario, read_scenario

EXAMPLES = Path(__file__).parents[1] / "examples" / "scenarios"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _apply(toy: Path, text: str, date: dt.date = dt.date(2022, 6, 1)):
    _, levers = parse_scenario(text, "test.yaml")
    resolved = as_of(load_dataset(toy), date, LOADING_TABLES)
    applied = apply_levers(resolved, default_assumptions(), levers, "test.yaml")
    return resolved, applied


def _row(frame, plant):
    return frame.set_index("plant_id").loc[plant]


def test_vary_order_adds_units_after_the_parent_at_its_plants(toy):
    text = """
name: more gamma
as_of: 2022-06-01
levers:
  - vary_order: {order: gamma-300-2022, units: 6, from: 2022-06-01}
"""
    resolved, applied = _apply(toy, text)
    orders = applied.resolved["orders"].set_index("order_id")
    added = orders.loc["gamma-300-2022-vary-order-1"]
    assert added["units"] == 6
    assert added["parent_order_id"] == "gamma-300-2022"
    # Gamma delivers 2023-04..2023-09 (12 units over 6 months): 6 more take 3 months after.
    assert added["planned_first_delivery"] == "2023-10"
    assert added["planned_last_delivery"] == "2023-12"
    packages = applied.resolved["work_packages"]
    mine = packages[packages["order_id"] == "gamma-300-2022-vary-order-1"]
    assert set(zip(mine["plant_id"], mine["stage"], mine["vehicles"], strict=True)) == {
        ("toy_works", "assembly", 24),
        ("toy_overseas", "bodyshell", 24),
    }
    before = _row(run_loading(resolved, default_assumptions()).outlook, "toy_works")
    after = _row(run_loading(applied.resolved, applied.assumptions).outlook, "toy_works")
    assert after["backlog_units"] == before["backlog_units"] + 6
    assert after["jobs_at_risk_months"] < before["jobs_at_risk_months"]


def test_negative_variation_never_cuts_below_delivered(toy):
    text = """
name: fewer
as_of: 2023-08-01
levers:
  - vary_order: {order: gamma-300-2022, units: -20, from: 2023-08-01}
"""
    _, applied = _apply(toy, text, dt.date(2023, 8, 1))
    orders = applied.resolved["orders"].set_index("order_id")
    # 10 of 12 delivered by August 2023 (pro rata from April to September).
    assert orders.loc["gamma-300-2022", "units"] == 10


def test_direct_order_move_plant_and_assumption_levers(toy):
    text = """
name: all levers
as_of: 2022-06-01
levers:
  - direct_order:
      order_id: delta-400-2022
      class: "400"
      manufacturer: toyco
      units: 5
      cars_per_unit: 4
      signed: 2022-06-01
      first_delivery: 2024-01
      last_delivery: 2024-06
      plants: [{plant: toy_works, stage: full, share: 1.0}]
  - move: {order: gamma-300-2022, months: 3}
  - plant: {plant: toy_works, capacity: 6, employees: 150, from: 2023-01-01}
  - assumption: {name: min_viable_share, value: 0.1}
"""
    _, applied = _apply(toy, text)
    orders = applied.resolved["orders"].set_index("order_id")
    assert orders.loc["delta-400-2022", "units"] == 5
    assert orders.loc["gamma-300-2022", "planned_first_delivery"] == "2023-07"
    packages = applied.resolved["work_packages"].set_index(["order_id", "plant_id"])
    assert packages.loc[("gamma-300-2022", "toy_works"), "build_start"] == "2023-04"
    plants = applied.resolved["plants"].set_index("plant_id")
    assert plants.loc["toy_works", "capacity_vehicles_per_month"] == 6
    assert applied.assumptions.number("min_viable_share") == 0.1
    assert applied.assumptions.version.endswith("+modified")
    assert len(applied.notes) == 4


def test_closing_a_plant_leaves_no_jobs_at_risk_after(toy):
    text = """
name: close
as_of: 2022-06-01
levers:
  - plant: {plant: toy_works, closed: 2022-07-01}
"""
    _, applied = _apply(toy, text)
    outlook = run_loading(applied.resolved, applied.assumptions)
    months = outlook.plant_months
    late = months[(months["plant_id"] == "toy_works") & (months["month"] >= 2022 * 12 + 6)]
    assert (late["jobs_at_risk"] == 0).all()


def test_scenario_run_compares_with_baseline_and_credits_levers(toy, tmp_path):
    path = _write(
        tmp_path,
        "s.yaml",
        """
name: bigger gamma
as_of: 2022-06-01
levers:
  - vary_order: {order: gamma-300-2022, units: 12, from: 2022-06-01}
""",
    )
    frame = railgap.run_scenario(path, data=toy).set_index("plant_id")
    row = frame.loc["toy_works"]
    assert row["backlog_units"] == row["backlog_units_baseline"] + 12
    assert row["jobs_at_risk_months_change"] < 0
    assert row["levers"].startswith("lever 1: -")
    assert bool(row["changed"])
    assert frame.attrs["scenario"] == "bigger gamma"


def test_compare_has_a_scenario_index_level(toy, tmp_path):
    one = _write(tmp_path, "one.yaml", "name: none\nas_of: 2022-06-01\nlevers: []\n")
    two = _write(
        tmp_path,
        "two.yaml",
        """
name: more
as_of: 2022-06-01
base: one.yaml
levers:
  - vary_order: {order: gamma-300-2022, units: 3, from: 2022-06-01}
""",
    )
    frame = railgap.compare_scenarios([one, two], data=toy)
    assert frame.index.names == ["scenario", "plant_id"]
    assert frame.loc[("more", "toy_works"), "backlog_units"] == (
        frame.loc[("none", "toy_works"), "backlog_units"] + 3
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\nas_of: 2022-13-01\nlevers: []\n", "test.yaml"),
        ("name: x\nas_of: 2022-06-01\nlevers:\n  - teleport: {}\n", "unknown lever 'teleport'"),
        (
            "name: x\nas_of: 2022-06-01\nlevers:\n"
            "  - vary_order: {order: a, units: 0, from: 2022-01-01}\n",
            "units must not be zero",
        ),
        ("name: x\nas_of: 2022-06-01\ncolour: red\nlevers: []\n", "Extra inputs"),
        ("name: [unclosed\n", "is not valid YAML"),
        ("- just a list\n", "must be a mapping"),
    ],
)
def test_bad_scenarios_name_file_line_and_field(text, message):
    with pytest.raises(DataError) as info:
        parse_scenario(text, "test.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("test.yaml")


def test_lever_errors_point_at_their_line():
    text = (
        "name: x\nas_of: 2022-06-01\nlevers:\n  - move: {order: a}\n"
        "  - move:\n      order: b\n      months: soon\n"
    )
    with pytest.raises(DataError) as info:
        parse_scenario(text, "s.yaml")
    first = info.value.problems[0]
    assert first.line == 4
    assert first.column == "levers.0.move.months"


def test_unknown_order_plant_and_base_cycle(toy, tmp_path):
    with pytest.raises(DataError, match="no order 'nope'"):
        _apply(toy, "name: x\nas_of: 2022-06-01\nlevers:\n  - move: {order: nope, months: 1}\n")
    with pytest.raises(DataError, match="no plant 'atlantis'"):
        _apply(
            toy, "name: x\nas_of: 2022-06-01\nlevers:\n  - plant: {plant: atlantis, capacity: 5}\n"
        )
    a = _write(tmp_path, "a.yaml", "name: a\nas_of: 2022-06-01\nbase: b.yaml\nlevers: []\n")
    _write(tmp_path, "b.yaml", "name: b\nas_of: 2022-06-01\nbase: a.yaml\nlevers: []\n")
    with pytest.raises(DataError, match="cycle"):
        read_scenario(a)


def test_hostile_scenario_files_are_refused(tmp_path):
    big = _write(tmp_path, "big.yaml", "name: x\n" + "#" * 300_000 + "\n")
    with pytest.raises(DataError, match="larger than"):
        read_scenario(big)
    bad = tmp_path / "latin.yaml"
    bad.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        read_scenario(bad)
    script = _write(
        tmp_path, "s.yaml", "name: <script>alert(1)</script>\nas_of: 2022-06-01\nlevers: []\n"
    )
    scenario, _ = read_scenario(script)
    assert (
        scenario.name == "<script>alert(1)</script>"
    )  # kept as text; escaping is the renderer's job


def test_west_coast_order_would_have_shortened_newton_aycliffes_gap():
    """The January 2024 argument, as a scenario on the embedded dataset."""
    frame = railgap.run_scenario(EXAMPLES / "west_coast_2024.yaml").set_index("plant_id")
    row = frame.loc["hitachi_newton_aycliffe"]
    assert row["run_out"] > row["run_out_baseline"]
    assert row["jobs_at_risk_months_change"] < 0


def test_tpe_award_abroad_closes_no_uk_gap():
    frame = railgap.run_scenario(EXAMPLES / "tpe_award_stadler.yaml").set_index("plant_id")
    gb = frame[frame["country"] == "GB"]
    assert (gb["jobs_at_risk_months_change"].fillna(0) == 0).all()
    hitachi = railgap.run_scenario(EXAMPLES / "tpe_award_hitachi.yaml").set_index("plant_id")
    assert hitachi.loc["hitachi_newton_aycliffe", "jobs_at_risk_months_change"] < 0


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_scenario_runs(path):
    frame = railgap.run_scenario(path)
    assert len(frame) > 0


def test_an_open_option_builds_nothing_until_exercised(tmp_path):
    from railgap.testing import toy_nation

    data = toy_nation(tmp_path / "toy", tenders=True)
    resolved = as_of(load_dataset(data), dt.date(2022, 6, 1), LOADING_TABLES)
    base = run_loading(resolved, default_assumptions()).outlook.set_index("plant_id")
    # The open option (6 units of class 300) is not in the book.
    assert base.loc["toy_works", "backlog_units"] == 12
    text = """
name: exercise
as_of: 2022-06-01
levers:
  - exercise_option: {order: gamma-300-2022-option, from: 2022-06-01}
"""
    _, levers = parse_scenario(text, "t.yaml")
    applied = apply_levers(resolved, default_assumptions(), levers, "t.yaml")
    after = run_loading(applied.resolved, applied.assumptions).outlook.set_index("plant_id")
    assert after.loc["toy_works", "backlog_units"] == 12 + 6
    assert "+6 units" in applied.notes[0]
    too_many = text.replace("from: 2022-06-01}", "from: 2022-06-01, units: 7}")
    _, levers = parse_scenario(too_many, "t.yaml")
    with pytest.raises(DataError, match="offers 6 units, not 7"):
        apply_levers(resolved, default_assumptions(), levers, "t.yaml")
    _, levers = parse_scenario(text.replace("exercise_option", "vary_order").replace(
        "from: 2022-06-01}", "from: 2022-06-01, units: 2}"), "t.yaml")
    with pytest.raises(DataError, match="exercise it with exercise_option"):
        apply_levers(resolved, default_assumptions(), levers, "t.yaml")


def test_award_tender_takes_what_it_leaves_out_from_the_tender(tmp_path):
    from railgap.testing import toy_nation

    data = toy_nation(tmp_path / "toy", tenders=True)
    tables = (*LOADING_TABLES, "tenders", "fleets")
    resolved = as_of(load_dataset(data), dt.date(2022, 6, 1), tables)
    text = """
name: award
as_of: 2022-06-01
levers:
  - award_tender: {tender: toy-open-2022, winner: toyco}
"""
    _, levers = parse_scenario(text, "t.yaml")
    applied = apply_levers(resolved, default_assumptions(), levers, "t.yaml")
    orders = applied.resolved["orders"].set_index("order_id")
    added = orders.loc["scenario-toy-open-2022-toyco"]
    # The fewest units stated, 40 vehicles / 10 units, the expected award and first delivery.
    assert (added["units"], added["cars_per_unit"]) == (6, 4)
    assert added["signed"] == "2022-09-01"
    assert added["planned_first_delivery"] == "2024-03"
    packages = applied.resolved["work_packages"]
    placed = packages[packages["order_id"] == "scenario-toy-open-2022-toyco"]
    # Built as ToyCo built gamma: shells abroad, assembly at Toy Works.
    assert sorted(zip(placed["plant_id"], placed["stage"], strict=True)) == [
        ("toy_overseas", "bodyshell"),
        ("toy_works", "assembly"),
    ]
    unknown = text.replace("toy-open-2022", "no-such-tender")
    _, levers = parse_scenario(unknown, "t.yaml")
    with pytest.raises(DataError, match="no tender 'no-such-tender'"):
        apply_levers(resolved, default_assumptions(), levers, "t.yaml")


@pytest.mark.parametrize(
    "lever",
    [
        "award_tender: {tender: t, winner: w, units: 100000000}",
        "award_tender: {tender: t, winner: w, cars_per_unit: 500}",
        "exercise_option: {order: o, from: 2024-01-01, units: 100000000}",
    ],
)
def test_every_lever_is_held_to_the_size_limits(lever):
    text = f"name: huge\nas_of: 2024-01-15\nlevers:\n  - {lever}\n"
    with pytest.raises(DataError, match="less than or equal"):
        parse_scenario(text, "huge.yaml")
