"""The as-procured baseline's expected pipeline: open tenders mapped to needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from railgap import analysis
from railgap.dataset import as_of
from railgap.dataset.assumptions import default_assumptions
from railgap.dataset.dates import month_of
from railgap.optimise.model import candidates
from railgap.optimise.optimiser import optimize_instance
from railgap.optimise.options import Options
from railgap.optimise.plans import as_procured
from railgap.optimise.report import tender_table
from railgap.optimise.tenders import TENDER_COLUMNS, expected_tenders, map_tenders
from railgap.testing import assert_plan_within_capacity, tiny_instance

MONTHLY = {"award_step_months": 1, "mip_gap": 0.0, "time_limit_s": 60}
FIRST = 2030 * 12


def tender(**fields: object) -> dict[str, object]:
    """One row of :func:`expected_tenders`: an electric suburban tender that can be used."""
    return {
        "tender_id": "t1",
        "stage": "shortlist",
        "expected_award": FIRST + 3,
        "family": "electric",
        "segment": "suburban",
        "vehicles": 8.0,
        "makers": (),
        "reason": None,
        **fields,
    }


def with_tenders(inst, rows: list[dict[str, object]]):
    """The instance with two plant makers (plant0: maker0, plant1: maker1) and these tenders."""
    plants = inst.plants.assign(manufacturer_id=[f"maker{p}" for p in range(len(inst.plants))])
    mapped = map_tenders(
        pd.DataFrame(rows, columns=TENDER_COLUMNS),
        inst.needs,
        inst.capable,
        plants["manufacturer_id"].to_numpy(),
        inst.first_month,
        inst.last_month,
    )
    return replace(inst, plants=plants, tenders=mapped)


def awards(inst, options: Options) -> dict[str, tuple[int, str]]:
    """The as-procured plan: need id -> (award month, plant id)."""
    cand = candidates(inst, options)
    picked = as_procured(inst, cand)
    assert_plan_within_capacity(inst, cand, picked)
    ids = inst.plants["plant_id"].to_numpy()
    return {
        str(inst.needs["need_id"].iloc[cand.need[c]]): (int(cand.award[c]), str(ids[cand.plant[c]]))
        for c in picked
    }


def test_a_tender_times_its_need_at_its_shortlisted_plant_and_the_other_stays_just_in_time():
    # Two 8-vehicle needs due in months 14 and 20: just in time they are awarded in months 9
    # and 15 (due - 1 month to service - 2 months' build - 2 months' lead). plant0 has
    # twice plant1's capacity, so just in time picks plant0.
    base = tiny_instance([8, 8], [14, 20], [8.0, 4.0], [100, 100], months=24, early_months=12)
    options = Options.model_validate(MONTHLY)
    just_in_time = {"need0": (FIRST + 9, "plant0"), "need1": (FIRST + 15, "plant0")}
    assert awards(base, options) == just_in_time
    # A tender of 8 vehicles expected in month 3, shortlisting maker1 (plant1's owner):
    # need0 (nearest due) is awarded then, at plant1; its vehicles are used up, so need1
    # stays just in time.
    inst = with_tenders(base, [tender(makers=("maker1",))])
    assert list(inst.procurement.procured_by) == ["t1", "just in time"]
    assert awards(inst, options) == {**just_in_time, "need0": (FIRST + 3, "plant1")}
    # With no shortlist, the plant with most spare capacity.
    inst = with_tenders(base, [tender()])
    assert awards(inst, options)["need0"] == (FIRST + 3, "plant0")


def test_the_award_snaps_to_the_next_candidate_month_and_never_before_the_horizon():
    base = tiny_instance([8, 8], [14, 20], [8.0, 4.0], [100, 100], months=24, early_months=12)
    # On a three-month grid from month 0, an award expected in month 4 is made in month 6.
    inst = with_tenders(base, [tender(expected_award=FIRST + 4)])
    assert awards(inst, Options(award_step_months=3))["need0"][0] == FIRST + 6
    # Expected before the first month awards may be made in: that first month.
    inst = with_tenders(base, [tender(expected_award=FIRST - 5)])
    assert inst.procurement.award.tolist() == [FIRST, -1]
    assert awards(inst, Options.model_validate(MONTHLY))["need0"][0] == FIRST


def test_half_a_lot_is_enough_and_the_rest_is_not_carried_over():
    base = tiny_instance([8, 8, 8], [14, 16, 20], [8.0, 8.0], [100, 100], months=24)
    # 13 vehicles: need0 (8), then 5 left cover need1 at least half; nothing left for need2.
    inst = with_tenders(base, [tender(vehicles=13.0)])
    assert list(inst.procurement.procured_by) == ["t1", "t1", "just in time"]
    assert inst.procurement.table["needs"].tolist() == ["need0;need1"]
    # 11 vehicles: 3 left cover less than half of need1.
    inst = with_tenders(base, [tender(vehicles=11.0)])
    assert list(inst.procurement.procured_by) == ["t1", "just in time", "just in time"]


def test_a_tender_that_cannot_be_matched_is_reported_in_words():
    base = tiny_instance([8, 8], [14, 20], [8.0, 4.0], [100, 100], months=24)
    rows = [
        tender(tender_id="regional", segment="regional"),
        tender(tender_id="small", vehicles=3.0),
        tender(tender_id="late", expected_award=FIRST + 40),
        tender(tender_id="undated", expected_award=np.nan, reason="states no expected award date"),
    ]
    inst = with_tenders(base, rows)
    assert list(inst.procurement.procured_by) == ["just in time", "just in time"]
    result = optimize_instance(inst, Options.model_validate(MONTHLY))
    table = tender_table(inst, result.cand, result.picked["as_procured"]).set_index("tender_id")
    assert table.loc["regional", "reason"] == "no electric regional need in the horizon"
    assert table.loc["small", "reason"] == (
        "its 3 vehicles cover less than half of the nearest electric suburban need, "
        "need0 (8 vehicles)"
    )
    assert table.loc["late", "reason"] == (
        "expected award 2033-05 is after the horizon (ends 2031-12)"
    )
    assert table.loc["undated", "reason"] == "states no expected award date"
    assert table["needs"].isna().all()
    assert (result.timetable["procured_by"] == "just in time").all()
    # No plant can build the kind of train.
    inst = with_tenders(replace(base, capable=np.zeros((2, 2), dtype=bool)), [tender()])
    assert inst.procurement.table["reason"].iloc[0] == "no plant can build electric suburban trains"
    # An earlier tender took every need of its kind.
    inst = with_tenders(base, [tender(vehicles=16.0), tender(tender_id="t2")])
    assert inst.procurement.table["reason"].iloc[1] == (
        "every electric suburban need in the horizon is procured by an earlier tender"
    )


def _tenders_on(date: dt.date) -> pd.DataFrame:
    resolved = as_of(analysis.get_dataset(), date)
    return expected_tenders(resolved, default_assumptions()).set_index("tender_id")


def test_tenders_are_read_as_known_on_the_date():
    # tpe-fleet-2023 was first public in February 2024: on 15 January it is not seen, and
    # the tender open then (tpe-fleet-2022) states no expected award.
    before = _tenders_on(dt.date(2024, 1, 15))
    assert "tpe-fleet-2023" not in before.index
    assert before.loc["tpe-fleet-2022", "reason"] == "states no expected award date"
    assert before["reason"].notna().all()
    after = _tenders_on(dt.date(2024, 3, 1))
    tpe = after.loc["tpe-fleet-2023"]
    assert tpe["expected_award"] == month_of("2025-07")
    assert (tpe["family"], tpe["segment"]) == ("self-powered", "intercity")  # multimode
    # 29 units (the base order; options to 55 left out) of the intercity fleets' 5 cars.
    assert tpe["vehicles"] == 29 * 5
    assert pd.isna(tpe["reason"])
    assert after.loc["chiltern-lowemission-2023", "reason"] == "states no traction"


@pytest.fixture(scope="module")
def march_2024():
    return analysis.optimize(as_of="2024-03-01", to_year=2030)


def test_the_transpennine_tender_is_mapped_end_to_end(march_2024):
    result = march_2024
    tenders = result.tenders.set_index("tender_id")
    tpe = tenders.loc["tpe-fleet-2023"]
    assert tpe["expected_award"] == "2025-07"
    assert tpe["needs"] == "2025-self-intercity-1"
    assert tpe["award"] == "2025-07"
    assert pd.isna(tpe["reason"])
    timetable = result.timetable.set_index("need_id")
    assert timetable.loc["2025-self-intercity-1", "procured_by"] == "tpe-fleet-2023"
    assert timetable.loc["2025-self-intercity-2", "procured_by"] == "just in time"
    # The as-procured plan awards it in July 2025 at a plant that can build it.
    inst, opt = result.instance, result.optimised
    n = int(np.flatnonzero(inst.needs["need_id"] == "2025-self-intercity-1")[0])
    pick = [c for c in opt.picked["as_procured"] if opt.cand.need[c] == n]
    assert len(pick) == 1
    assert opt.cand.award[pick[0]] == month_of("2025-07")
    assert inst.capable[n, opt.cand.plant[pick[0]]]
    assert tpe["plant_id"] == inst.plants["plant_id"].iloc[opt.cand.plant[pick[0]]]
    assert tenders.loc["chiltern-lowemission-2023", "reason"] == "states no traction"
    assert result.tenders.attrs["as_of"] == "2024-03-01"


def test_a_tenders_need_the_plan_cannot_place_is_marked_not_placed():
    # One plant, 4 vehicles a month, its firm book filling it from month 7. A 16-vehicle
    # tender expected in month 3 takes both 8-vehicle needs, but from month 3 only one
    # two-month build fits before month 7: the other cannot be placed.
    firm = np.zeros((1, 24))
    firm[0, 7:] = 4.0
    base = tiny_instance([8, 8], [14, 20], [4.0], [0], months=24, early_months=12, firm=firm)
    inst = with_tenders(base, [tender(vehicles=16.0)])
    result = optimize_instance(inst, Options.model_validate(MONTHLY))
    by = dict(zip(result.timetable["need_id"], result.timetable["procured_by"], strict=True))
    placed = inst.needs["need_id"].iloc[result.cand.need[result.picked["as_procured"]]].tolist()
    assert len(placed) == 1
    lost = "need1" if placed == ["need0"] else "need0"
    assert by == {placed[0]: "t1", lost: "t1 (not placed)"}
    row = tender_table(inst, result.cand, result.picked["as_procured"]).iloc[0]
    assert row["reason"] == (
        "1 of its 2 needs could not be placed from its expected award in the horizon"
    )
