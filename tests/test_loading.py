from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import railgap
from railgap import analysis  # the faces' layer: months as labels and indices
from railgap.dataset.assumptions import default_assumptions
from railgap.dataset.dates import month_index
from railgap.plants.scheduling import package_windows, schedule
from railgap.testing import (
    TOY_ROWS,
    assert_capacity_respected,
    assert_vehicles_conserved,
    write_tables,
)


def _row(frame: pd.DataFrame, plant_id: str) -> dict:
    return frame.set_index("plant_id").loc[plant_id].to_dict()


def test_book_and_run_out_before_the_next_order_is_known(toy):
    row = _row(analysis.outlook("2021-03-15", data=toy), "toy_works")
    assert row["backlog_units"] == 6
    assert row["backlog_vehicles"] == 24
    assert row["backlog_by_class"] == {"200": 6}
    assert row["run_out"] == "2021-06"
    assert row["next_work"] is None
    assert pd.isna(row["gap_months"])  # a number column: NaN, never None
    assert row["employees"] == 200
    assert row["jobs_at_risk_peak"] == 200


def test_gap_to_the_next_order_once_it_is_known(toy):
    row = _row(analysis.outlook("2022-06-01", data=toy), "toy_works")
    assert row["run_out"] == "2021-06"
    assert row["next_work"] == "2023-01"
    assert row["gap_months"] == 18
    # Jan 2023 is counted from the 2022-06 as-of month: 7 idle months before the order,
    # then nothing known after June 2023 for the rest of the 120-month horizon.
    assert row["jobs_at_risk_months"] == (7 + 120 - 13) * 200
    assert row["indirect_jobs_at_risk_peak"] == pytest.approx(200 * 1.87)


def test_monthly_load_utilisation_and_labour(toy):
    report = analysis.plant("toy_works", "2022-06-01", data=toy)
    months = report.months.set_index("month")
    jan23 = months.loc[month_index(2023, 1)]
    # 48 vehicles x 0.65 (assembly share) over six months.
    assert jan23["vehicle_equivalents"] == pytest.approx(48 * 0.65 / 6)
    assert jan23["utilisation"] == pytest.approx(0.52)
    assert jan23["labour_needed"] == pytest.approx(104)
    assert jan23["jobs_at_risk"] == 0
    assert months.loc[month_index(2022, 9), "jobs_at_risk"] == 200
    assert set(report.orders["order_id"]) == {"alpha-100-2018", "beta-200-2019", "gamma-300-2022"}
    assert set(report.sources["table"]) == {"plants", "plant_staff", "orders", "work_packages"}


def test_bodyshell_plant_has_work_but_no_deliveries(toy):
    frame = analysis.outlook("2022-08-01", data=toy, all_plants=True)
    row = _row(frame, "toy_overseas")
    assert row["backlog_units"] == 0
    assert row["capacity_basis"] == "peak scheduled"
    assert row["run_out"] == "2022-12"
    assert _row(frame, "toy_works")["backlog_units"] == 12


def test_delivered_units_follow_the_plan_pro_rata(toy):
    # gamma: first delivery 2023-04, last 2023-09 (6 months, 12 units): 2 units a month.
    row = _row(analysis.outlook("2023-05-20", data=toy), "toy_works")
    assert row["backlog_units"] == 8


def test_a_stated_completion_ends_the_backlog_early(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    done = dict(rows["orders"][2], actual_last_delivery="2023-05-01", known_from="2023-05-02")
    rows["orders"] = [*rows["orders"], done]
    write_tables(tmp_path, rows)
    assert _row(analysis.outlook("2023-05-20", data=tmp_path), "toy_works")["backlog_units"] == 0
    assert _row(analysis.outlook("2023-05-01", data=tmp_path), "toy_works")["backlog_units"] == 8


def test_cancelled_order_loads_nothing(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["orders"] = [
        *rows["orders"],
        dict(rows["orders"][2], status="cancelled", known_from="2022-05-01"),
    ]
    write_tables(tmp_path, rows)
    row = _row(analysis.outlook("2022-06-01", data=tmp_path), "toy_works")
    assert row["next_work"] is None
    assert row["backlog_units"] == 0


def test_capacity_pushes_work_later_without_losing_any(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["orders"] = [
        *rows["orders"],
        {
            "order_id": "big-400-2023",
            "class": "400",
            "status": "firm",
            "manufacturer_id": "toyco",
            "units": 20,
            "cars_per_unit": 6,
            "planned_first_delivery": "2025-01",
            "planned_last_delivery": "2025-06",
            "known_from": "2023-01-01",
        },
    ]
    rows["work_packages"] = [
        *rows["work_packages"],
        {
            "order_id": "big-400-2023",
            "plant_id": "toy_works",
            "stage": "full",
            "vehicles": 120,
            "build_start": "2025-01",
            "build_end": "2025-06",
            "known_from": "2023-01-01",
        },
    ]
    write_tables(tmp_path, rows)
    report = analysis.plant("toy_works", "2024-01-01", data=tmp_path)
    months = report.months.set_index("month")["vehicle_equivalents"]
    # 120 vehicles in six months is 20 a month; capacity 10 stretches it to twelve months.
    assert months.loc[month_index(2025, 1)] == pytest.approx(10)
    assert months.loc[month_index(2025, 12)] == pytest.approx(10)
    assert months.get(month_index(2026, 1), 0.0) == pytest.approx(0)
    assert months.sum() == pytest.approx(50 + 24 + 48 * 0.65 + 120)
    assert_capacity_respected(report.months)


def test_unstated_package_vehicles_are_split_equally(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["plants"] = [*rows["plants"], dict(rows["plants"][0], plant_id="toy_two", name="Two")]
    rows["work_packages"] = [
        {"order_id": "alpha-100-2018", "plant_id": "toy_works", "stage": "full"},
        {"order_id": "alpha-100-2018", "plant_id": "toy_two", "stage": "assembly"},
        {"order_id": "beta-200-2019", "plant_id": "toy_works", "stage": "full", "vehicles": 4},
        {"order_id": "beta-200-2019", "plant_id": "toy_two", "stage": "full"},
    ]
    write_tables(tmp_path, rows)
    dataset = railgap.load_dataset(tmp_path)
    from railgap.dataset import as_of
    from railgap.plants.scheduling import order_profile

    resolved = as_of(dataset, pd.Timestamp("2020-01-01").date())
    a = default_assumptions()
    profile = order_profile(resolved["orders"], month_index(2020, 1), a)
    windows = package_windows(resolved["work_packages"], profile, a).set_index(
        ["order_id", "plant_id"]
    )
    assert windows.loc[("alpha-100-2018", "toy_works"), "vehicles"] == 25
    assert windows.loc[("alpha-100-2018", "toy_two"), "vehicles"] == 25
    assert windows.loc[("beta-200-2019", "toy_two"), "vehicles"] == 20
    assert windows.loc[("beta-200-2019", "toy_two"), "vehicles_basis"] == "split equally"


def test_schedule_of_nothing_is_empty():
    empty = pd.DataFrame(columns=["plant_id", "start", "end", "vehicle_equivalents"])
    sched = schedule(empty, pd.Series(dtype="float64"))
    assert sched.load.shape == (0, 0)


def test_schedule_spreads_evenly_within_window():
    windows = pd.DataFrame(
        {
            "order_id": ["x"],
            "plant_id": ["p"],
            "start": [100],
            "end": [103],
            "vehicle_equivalents": [8.0],
        }
    )
    sched = schedule(windows, pd.Series({"p": np.nan}))
    assert sched.first_month == 100
    assert sched.load.tolist() == [[2.0, 2.0, 2.0, 2.0]]
    assert_vehicles_conserved(windows, sched.load)


def test_an_overdue_order_keeps_a_planned_end_that_is_still_ahead(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["orders"] = [
        r
        for r in rows["orders"]
        if not (r["order_id"] == "gamma-300-2022" and r["known_from"] > "2023")
    ]
    write_tables(tmp_path, rows)
    # As of 2023-06 the planned first delivery (2023-04) has passed with nothing delivered,
    # but the plan's last delivery (2023-09) is still ahead: the start moves, the end stands.
    loading, _, _ = railgap.analysis.run("2023-06-15", data=tmp_path)
    gamma = loading.profile.loc["gamma-300-2022"]
    assert gamma["delivery_basis"] == "overdue: moved after as-of"
    assert gamma["first_delivery"] == month_index(2023, 7)
    assert gamma["last_delivery"] == month_index(2023, 9)


def test_an_overdue_order_stays_in_the_book_and_moves_after_the_as_of_date(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    # Drop gamma's service and completion revisions: as of 2024-06 nothing says any unit
    # was delivered.
    rows["orders"] = [
        r
        for r in rows["orders"]
        if not (r["order_id"] == "gamma-300-2022" and r["known_from"] > "2023")
    ]
    write_tables(tmp_path, rows)
    loading, _, _ = railgap.analysis.run("2024-06-15", data=tmp_path)
    gamma = loading.profile.loc["gamma-300-2022"]
    assert gamma["backlog_units"] == 12
    assert gamma["delivery_basis"] == "overdue: moved after as-of"
    assert gamma["first_delivery"] == month_index(2024, 7)
    # The plan's six-month delivery window is kept.
    assert gamma["last_delivery"] == month_index(2024, 12)


def test_stated_capacity_counts_only_the_stages_the_plant_does():
    from railgap.plants.scheduling import plant_capacity

    plants = pd.DataFrame(
        {
            "plant_id": ["all", "fitout", "none"],
            "stages": ["bodyshell;assembly;test", "assembly;test", None],
            "capacity_vehicles_per_month": [10.0, 10.0, np.nan],
        }
    )
    caps = plant_capacity(plants, default_assumptions())
    assert caps["all"] == pytest.approx(10.0)
    assert caps["fitout"] == pytest.approx(10.0 * (0.65 + 0.10))
    assert np.isnan(caps["none"])


def test_a_capacity_stated_before_a_stage_was_added_keeps_its_stages():
    from railgap.plants.scheduling import plant_capacity

    # The plant added a welding shop; the 10 a month was stated when it only assembled.
    plants = pd.DataFrame(
        {
            "plant_id": ["carried", "own"],
            "stages": ["bodyshell;assembly;test", "bodyshell;assembly;test"],
            "capacity_vehicles_per_month": [10.0, 10.0],
            "capacity_stages": ["assembly", None],
        }
    )
    caps = plant_capacity(plants, default_assumptions())
    assert caps["carried"] == pytest.approx(10.0 * 0.65)
    assert caps["own"] == pytest.approx(10.0)

def test_jobs_at_risk_are_counted_only_at_gb_plants(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["plant_staff"] = [
        *rows["plant_staff"],
        {"plant_id": "toy_overseas", "date": "2015-01-01", "employees": 900},
    ]
    write_tables(tmp_path, rows)
    frame = analysis.outlook("2022-08-01", data=tmp_path, all_plants=True).set_index("plant_id")
    assert frame.loc["toy_overseas", "employees"] == 900
    assert np.isnan(frame.loc["toy_overseas", "jobs_at_risk_peak"])
    assert frame.loc["toy_works", "jobs_at_risk_peak"] == 200


def test_short_name_is_the_plants_own_else_its_town(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["plants"] = [dict(rows["plants"][0], short_name="Toy"), rows["plants"][1]]
    write_tables(tmp_path, rows)
    outlook = analysis.outlook("2022-06-01", data=tmp_path)
    assert _row(outlook, "toy_works")["short_name"] == "Toy"
    assert _row(outlook, "toy_overseas")["short_name"] == "Faraway"  # none given: the town


def test_every_embedded_plant_has_a_short_name_taken_from_its_own_name():
    from railgap.dataset import load_dataset

    plants = load_dataset()["plants"]
    assert plants["short_name"].notna().all()
    for short, name in zip(plants["short_name"], plants["name"], strict=True):
        assert short.lower() in name.lower(), (short, name)
    outlook = analysis.outlook("2024-01-15")
    shown = dict(zip(outlook["plant_id"], outlook["short_name"], strict=True))
    assert shown["hitachi_newton_aycliffe"] == "Newton Aycliffe"
    assert shown["alstom_derby"] == "Derby"
    assert shown["siemens_goole"] == "Goole"
