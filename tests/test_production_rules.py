"""Issue 18 rules: factory work ends where production ended; derived windows keep to the plant.

Small fixtures on the toy nation: one slow order at ``toy_works`` whose delivery window is
derived at the generic rate, and dated facts about it in ``plant_events``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

import railgap
import railgap.analysis
from railgap.checks.data import check_derived_window_rates
from railgap.dataset import as_of
from railgap.dataset.assumptions import default_assumptions
from railgap.dataset.dates import month_index
from railgap.plants.loading import work_windows
from railgap.plants.scheduling import order_profile
from railgap.testing import TOY_ROWS, write_tables

#: 80 vehicles, first delivery planned 2030-01 and no last delivery: at the generic
#: 8 vehicles a month the deliveries (and the factory window) run ten months.
DELTA = {
    "order_id": "delta-400-2028",
    "class": "400",
    "status": "firm",
    "manufacturer_id": "toyco",
    "units": 20,
    "cars_per_unit": 4,
    "signed": "2028-01-01",
    "planned_first_delivery": "2030-01",
    "known_from": "2028-01-01",
}
DELTA_WORK = {"order_id": "delta-400-2028", "plant_id": "toy_works", "stage": "full"}


def _event(**row):
    return {
        "plant_id": "toy_works",
        "kind": "production_end",
        "stated": row.get("known_from", "2030-03-01"),
        "precision": "month",
        "engine_input": "yes",
        **row,
    }


def _windows(folder, date: str, **rows) -> pd.DataFrame:
    tables = {k: list(v) for k, v in TOY_ROWS.items()}
    tables["orders"] = [*tables["orders"], DELTA]
    tables["work_packages"] = [*tables["work_packages"], DELTA_WORK]
    for table, extra in rows.items():
        tables[table] = [*tables.get(table, []), *extra]
    write_tables(folder, tables)
    day = dt.date.fromisoformat(date)
    resolved = as_of(railgap.load_dataset(folder), day)
    a = default_assumptions()
    profile = order_profile(resolved["orders"], month_index(day.year, day.month), a)
    return work_windows(resolved, profile, a).set_index("order_id")


def test_without_facts_the_generic_window_runs_to_the_last_delivery(tmp_path):
    delta = _windows(tmp_path, "2029-06-01").loc["delta-400-2028"]
    # Deliveries 2030-01..2030-10; assembly ends the hand-over lag before the last.
    assert delta["end"] > month_index(2030, 3)
    assert delta["window_basis"] == "derived"


def test_a_production_end_fact_ends_the_factory_work_from_when_it_was_public(tmp_path):
    fact = _event(
        event_id="toy_works-production_end-2030-03",
        period_from="2030-03",
        period_to="2030-03",
        order_id="delta-400-2028",
        known_from="2030-03-20",
    )
    before = _windows(tmp_path / "a", "2030-03-19", plant_events=[fact]).loc["delta-400-2028"]
    after = _windows(tmp_path / "b", "2030-03-20", plant_events=[fact]).loc["delta-400-2028"]
    assert before["end"] > month_index(2030, 3)
    assert after["end"] == month_index(2030, 3)
    assert "production ended (toy_works-production_end-2030-03)" in after["window_basis"]
    # Units still to hand over stay in the order book: only the factory work ends.
    loading, _, _ = railgap.analysis.run("2030-03-20", data=tmp_path / "b")
    assert loading.profile.loc["delta-400-2028", "backlog_units"] > 0
    # The outlook's own run reads the fact too (the tables it resolves include the events).
    served = loading.schedule.windows.set_index("order_id").loc["delta-400-2028"]
    assert served["end"] == month_index(2030, 3)
    assert "production ended" in served["window_basis"]


def test_only_engine_input_facts_are_read_never_statements(tmp_path):
    rows = [
        _event(
            event_id="toy_works-production_end-2030-03",
            period_from="2030-03",
            period_to="2030-03",
            order_id="delta-400-2028",
            engine_input="no",
        ),
        _event(
            event_id="toy_works-runout_statement-2030-03",
            kind="runout_statement",
            period_from="2030-02",
            period_to="2030-02",
            engine_input="no",
        ),
    ]
    delta = _windows(tmp_path, "2030-06-01", plant_events=rows).loc["delta-400-2028"]
    assert delta["end"] > month_index(2030, 3)
    assert delta["window_basis"] == "derived"


def _april_2030_end(**row):
    """A production end in April 2030, public from May (plant-wide unless ``order_id``)."""
    return _event(
        event_id="toy_works-production_end-2030-04",
        period_from="2030-04",
        period_to="2030-04",
        known_from="2030-05-01",
        **row,
    )


def test_a_plant_wide_end_stops_work_then_under_way_not_later_orders(tmp_path):
    delivering = {**DELTA, "actual_first_delivery": "2030-01", "known_from": "2030-02-01"}
    later = {**DELTA, "order_id": "later-500-2030", "planned_first_delivery": "2032-01"}
    fact = _april_2030_end()
    windows = _windows(
        tmp_path,
        "2030-06-01",
        plant_events=[fact],
        orders=[delivering, later],
        work_packages=[{**DELTA_WORK, "order_id": "later-500-2030"}],
    )
    assert windows.loc["delta-400-2028", "end"] == month_index(2030, 4)
    assert windows.loc["later-500-2030", "end"] > month_index(2031, 1)
    assert "production ended" not in windows.loc["later-500-2030", "window_basis"]


def test_an_end_naming_a_fleet_of_orders_ends_each_and_nothing_else(tmp_path):
    second = {**DELTA, "order_id": "delta-400-2028b", "units": 5}
    other = {**DELTA, "order_id": "other-500-2029", "planned_first_delivery": "2030-02"}
    fact = _april_2030_end(order_id="delta-400-2028;delta-400-2028b")
    windows = _windows(
        tmp_path,
        "2030-06-01",
        plant_events=[fact],
        orders=[second, other],
        work_packages=[
            {**DELTA_WORK, "order_id": "delta-400-2028b"},
            {**DELTA_WORK, "order_id": "other-500-2029"},
        ],
    )
    for order in ("delta-400-2028", "delta-400-2028b"):
        assert windows.loc[order, "end"] == month_index(2030, 4), order
    # Work under way then, but of an order the event does not name, goes on.
    assert windows.loc["other-500-2029", "start"] <= month_index(2030, 4)
    assert windows.loc["other-500-2029", "end"] > month_index(2030, 4)
    assert "production ended" not in windows.loc["other-500-2029", "window_basis"]


def test_a_start_naming_a_fleet_of_orders_is_scored_at_the_first_of_them(tmp_path):
    from railgap.scorecard.answers import answers_on
    from railgap.scorecard.events import score_events

    second = {**DELTA, "order_id": "delta-400-2028b", "planned_first_delivery": "2031-01"}
    event = _event(
        event_id="toy_works-production_start-2029-02",
        kind="production_start",
        period_from="2029-02",
        period_to="2029-02",
        order_id="delta-400-2028b;delta-400-2028",
        engine_input="no",
        known_from="2029-02-01",
    )
    windows = _windows(
        tmp_path,
        "2029-02-01",
        plant_events=[event],
        orders=[second],
        work_packages=[{**DELTA_WORK, "order_id": "delta-400-2028b"}],
    )
    first = min(windows.loc["delta-400-2028", "start"], windows.loc["delta-400-2028b", "start"])
    assert windows.loc["delta-400-2028", "start"] < windows.loc["delta-400-2028b", "start"]
    dataset, a = railgap.load_dataset(tmp_path), default_assumptions()
    scored = score_events(dataset, a, leads=(0,), answers=lambda d: answers_on(dataset, a, d))
    row = scored.set_index("event_id").loc["toy_works-production_start-2029-02"]
    assert row["why"].startswith("delta-400-2028 ")
    assert row["error_months"] == first - month_index(2029, 2)


def test_a_slow_plant_stretches_a_generic_window_to_its_sourced_rate(tmp_path):
    slow = dict(TOY_ROWS["plants"][0], build_rate_vehicles_per_month=4, known_from="2029-01-01")
    generic = _windows(tmp_path / "a", "2029-06-01").loc["delta-400-2028"]
    stretched = _windows(tmp_path / "b", "2029-06-01", plants=[slow]).loc["delta-400-2028"]
    # 80 vehicles at 4 a month take 20 months from the window's start.
    assert stretched["start"] == generic["start"]
    assert stretched["end"] == stretched["start"] + 19
    assert "stretched to the plant's rate" in stretched["window_basis"]
    # Before the rate was public the generic window stands.
    assert (
        _windows(tmp_path / "c", "2028-06-01", plants=[slow]).loc["delta-400-2028", "end"]
        == _windows(tmp_path / "d", "2028-06-01").loc["delta-400-2028", "end"]
    )


def test_a_fast_plant_rate_never_shortens_a_window(tmp_path):
    fast = dict(TOY_ROWS["plants"][0], build_rate_vehicles_per_month=40, known_from="2029-01-01")
    generic = _windows(tmp_path / "a", "2029-06-01").loc["delta-400-2028"]
    fast_w = _windows(tmp_path / "b", "2029-06-01", plants=[fast]).loc["delta-400-2028"]
    assert fast_w["end"] == generic["end"]


def test_a_derived_window_faster_than_the_plant_ever_built_is_flagged(tmp_path):
    # 200 vehicles delivered over two months: the derived factory window (the assembly
    # lead before the first delivery to the hand-over lag before the last) is under a
    # year, well over the 10 vehicles a month the plant's capacity allows.
    quick = {**DELTA, "units": 50, "planned_last_delivery": "2030-02"}
    tables = {k: list(v) for k, v in TOY_ROWS.items()}
    tables["orders"] = [*tables["orders"], quick]
    tables["work_packages"] = [*tables["work_packages"], DELTA_WORK]
    write_tables(tmp_path, tables)
    problems = check_derived_window_rates(railgap.load_dataset(tmp_path), dt.date(2029, 6, 1))
    assert len(problems) == 1
    assert "delta-400-2028 at toy_works" in problems[0].message
    assert "capacity of 10" in problems[0].message
    assert problems[0].file.endswith("work_packages.csv")


def test_no_derived_work_before_the_plant_opened(tmp_path):
    generic = _windows(tmp_path / "a", "2029-06-01").loc["delta-400-2028"]
    opening = month_index(2030, 6)
    assert generic["start"] < opening  # the toy window starts before this opening
    late = dict(TOY_ROWS["plants"][0], opened="2030-06", known_from="2029-01-01")
    moved = _windows(tmp_path / "b", "2029-06-01", plants=[late]).loc["delta-400-2028"]
    assert moved["start"] == opening
    assert moved["end"] - moved["start"] == generic["end"] - generic["start"]
    assert "moved to the plant's opening" in moved["window_basis"]
