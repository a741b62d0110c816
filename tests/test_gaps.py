"""Every gap, headcount kinds and ledes (issue 18 §3, §5-§7)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from railgap import analysis  # the faces' layer: months as labels and indices
from railgap.dataset.dates import month_index
from railgap.plants.gaps import PlantMonths, gap_before, gap_stretches
from railgap.scenarios.whatif import gap_changes
from railgap.testing import TOY_ROWS, write_tables
from railgap.views import ledes

START = month_index(2020, 1)


def _block(pattern: str, staff: float = 100.0) -> PlantMonths:
    """Months from 2020-01, one per character: ``W`` working, ``.`` below the viable rate."""
    working = np.array([c == "W" for c in pattern])
    months = START + np.arange(len(pattern))
    return PlantMonths(months, working, np.where(working, 0.0, staff))


def test_every_stretch_below_the_viable_rate_is_listed():
    # As of 2020-03, over a 10-month horizon: 2020-03..04 idle, work, then idle to the end.
    gaps = gap_stretches(_block("WW..WW...."), START + 2, 10, idle_jobs=100.0)
    assert [(g["start"], g["end"], g["months"], g["open"]) for g in gaps] == [
        ("2020-03", "2020-04", 2, False),
        ("2020-07", None, 6, True),  # open: 2020-07 to the horizon's last month, 2020-12
    ]
    assert gaps[0]["jobs_at_risk_peak"] == 100
    assert gaps[0]["jobs_at_risk_peak_month"] == "2020-03"
    assert gaps[1]["jobs_at_risk_months"] == 600  # 4 scheduled idle months + 2 past the schedule


def test_a_gap_that_began_before_the_date_starts_where_it_began():
    gaps = gap_stretches(_block("WW...W"), START + 3, 3, idle_jobs=100.0)
    assert (gaps[0]["start"], gaps[0]["end"], gaps[0]["months"]) == ("2020-03", "2020-05", 3)
    # Jobs are counted from the as-of month: two idle months left.
    assert gaps[0]["jobs_at_risk_months"] == 200
    assert gap_before(gaps, START + 5) == 3


def test_no_gap_before_a_plant_opens_nor_after_it_closes():
    block = _block("....WW....")
    # Open since before the date: idle until its first work is a gap.
    since = gap_stretches(block, START, 10, 100.0, opened=float(START - 12))
    assert [g["start"] for g in since] == ["2020-01", "2020-07"]
    # No source dates the opening: before its first work the plant is new, not idle.
    assert [g["start"] for g in gap_stretches(block, START, 10, 100.0)] == ["2020-07"]
    opened = gap_stretches(block, START, 10, 100.0, opened=float(START + 4))
    assert [g["start"] for g in opened] == ["2020-07"]
    assert gap_before(opened, START + 4) == 0
    closed = gap_stretches(block, START, 10, 100.0, opened=float(START + 4), closed=START + 8)
    assert [(g["start"], g["months"]) for g in closed] == [("2020-07", 2)]
    assert gap_stretches(block, START + 9, 10, 100.0, closed=START + 8) == []


@given(st.lists(st.booleans(), min_size=1, max_size=40), st.integers(0, 39), st.integers(1, 60))
def test_gaps_cover_exactly_the_idle_months_of_the_horizon(working, as_of, horizon):
    """Gaps are disjoint, ordered, and hold every month below the viable rate in the horizon
    once work has begun (a stretch before any work starts at the as-of month)."""
    mask = np.array(working)
    block = PlantMonths(START + np.arange(mask.size), mask, np.where(mask, 0.0, 1.0))
    d = START + as_of
    gaps = gap_stretches(block, d, horizon, idle_jobs=1.0, opened=float(START))
    months = np.arange(d, d + horizon)
    padded = np.concatenate([mask, np.zeros(max(0, as_of + horizon - mask.size), dtype=bool)])
    idle = ~padded[as_of : as_of + horizon]
    counted = 0
    last_end = -1
    for g in gaps:
        y, m = map(int, g["start"].split("-"))
        first = month_index(y, m)
        assert first > last_end
        last_end = first + g["months"] - 1
        counted += g["months"] - max(0, d - first)  # months inside the horizon
        assert g["open"] == (g["end"] is None) == (last_end == months[-1])
        assert g["jobs_at_risk_months"] == g["months"] - max(0, d - first)
    assert counted == int(idle.sum())


def test_the_outlook_lists_every_gap_and_the_peak_month(toy):
    row = analysis.outlook("2022-06-01", data=toy).set_index("plant_id").loc["toy_works"]
    gaps = row["gaps"]
    assert (gaps[0]["start"], gaps[0]["end"], gaps[0]["months"]) == ("2021-07", "2022-12", 18)
    assert row["gap_months"] == gaps[0]["months"]
    assert len(gaps) == 2
    assert gaps[-1]["open"]
    assert gaps[-1]["start"] > row["next_work"]
    assert row["jobs_at_risk_peak"] == 200
    assert row["jobs_at_risk_peak_month"] == "2022-06"


def test_jobs_at_risk_count_factory_headcounts_only_and_none_before_opening(tmp_path):
    rows = {k: [dict(r) for r in v] for k, v in TOY_ROWS.items()}
    rows["plant_staff"] = [
        {"plant_id": "toy_works", "date": "2015-01-01", "employees": 200, "kind": "factory"},
        # A hiring target and a site figure later on change no one's job.
        {"plant_id": "toy_works", "date": "2021-01-01", "employees": 900, "kind": "target"},
        {"plant_id": "toy_works", "date": "2021-02-01", "employees": 3000, "kind": "site"},
    ]
    write_tables(tmp_path, rows)
    row = analysis.outlook("2022-06-01", data=tmp_path).set_index("plant_id").loc["toy_works"]
    assert row["employees"] == 200
    assert row["jobs_at_risk_peak"] == 200
    # Not yet open: no staff, so no jobs at risk, however many the headcount row says.
    rows["plants"][0]["opened"] = "2023-06"
    write_tables(tmp_path, rows)
    later = analysis.outlook("2022-06-01", data=tmp_path).set_index("plant_id").loc["toy_works"]
    assert later["employees"] == 0
    months = analysis.plant("toy_works", "2022-06-01", data=tmp_path).months
    before = months[months["month"] < month_index(2023, 6)]
    assert (before["jobs_at_risk"].fillna(0) == 0).all()


def test_work_below_the_viable_rate_is_named_not_hidden(tmp_path):
    rows = {k: [dict(r) for r in v] for k, v in TOY_ROWS.items()}
    # A trickle: 2 vehicles over 2024 at a 10-a-month plant (viable: 1.5 a month).
    rows["orders"] = [
        *rows["orders"],
        {**rows["orders"][0], "order_id": "trickle-2023", "class": "400", "units": 1,
         "cars_per_unit": 2, "signed": "2023-01-01", "planned_first_delivery": "2024-06",
         "planned_last_delivery": "2024-12", "known_from": "2023-01-01",
         "actual_first_delivery": None, "actual_last_delivery": None},
    ]  # fmt: skip
    rows["work_packages"] = [
        *rows.get("work_packages", []),
        {"order_id": "trickle-2023", "plant_id": "toy_works", "stage": "full", "vehicles": 2,
         "build_start": "2024-01", "build_end": "2024-12", "source": "https://example.org/t",
         "known_from": "2023-01-01"},
    ]  # fmt: skip
    write_tables(tmp_path, rows)
    row = analysis.outlook("2023-06-01", data=tmp_path).set_index("plant_id").loc["toy_works"]
    assert row["next_work"] is None
    assert [w["order_id"] for w in row["work_below_viable"]] == ["trickle-2023"]
    lede = ledes.plant_lede(row.to_dict(), "2023-06-01")
    assert "400 work from January 2024 to December 2024 is in the book but below" in lede


def test_the_plant_lede_says_what_runs_out_when_and_the_jobs(toy):
    row = analysis.outlook("2022-06-01", data=toy).set_index("plant_id").loc["toy_works"]
    lede = ledes.plant_lede(row.to_dict(), "2022-06-01")
    assert lede.startswith("As known on 1 June 2022, Toy Works has 12 trains left to build")
    assert "its work ran out in June 2021" in lede
    assert "the next work at a viable rate starts in January 2023, a gap of 18 months" in lede
    assert "up to 200 jobs are at risk from July 2021 to December 2022" in lede
    national = ledes.outlook_lede([row.to_dict()], "2022-06-01")
    assert "1 of 1 British train factories run out of work before June 2024" in national


def test_gap_changes_pair_split_closed_and_new_gaps():
    def gap(start: str, months: int, jobs: float = 10.0) -> dict:
        return {"start": start, "end": None, "months": months, "open": False,
                "jobs_at_risk_peak": 1.0, "jobs_at_risk_months": jobs}  # fmt: skip

    base = [gap("2024-08", 24, 240.0), gap("2030-01", 6, 60.0)]
    scen = [gap("2025-02", 5, 50.0), gap("2025-08", 12, 120.0), gap("2033-01", 3, 30.0)]
    changes = gap_changes(base, scen)
    assert [c["start_baseline"] for c in changes] == ["2024-08", "2030-01", None]
    split, closed, new = changes
    assert [g["start"] for g in split["scenario"]] == ["2025-02", "2025-08"]
    assert split["months_change"] == 5 + 12 - 24
    assert split["jobs_at_risk_months_change"] == 50 + 120 - 240
    assert closed["scenario"] == []
    assert closed["months_change"] == -6
    assert new["scenario"][0]["start"] == "2033-01"
    assert new["months_change"] == 3


def test_the_lede_of_a_plant_whose_work_has_not_begun_says_when_it_starts():
    row = {"name": "New Works (Somewhere)", "backlog_units": 5, "backlog_by_class": {"9": 5},
           "run_out": None, "next_work": "2025-03", "gap_months": 0, "gaps": []}  # fmt: skip
    lede = ledes.plant_lede(row, "2024-10-01")
    assert lede == (
        "As known on 1 October 2024, New Works has 5 trains left to build (9×5); "
        "its first work at a viable rate starts in March 2025."
    )
