from __future__ import annotations

import datetime as dt

import pytest

from railgap.checks.data import check_orders_completed, consistency_problems
from railgap.dataset import load_dataset
from railgap.dataset.errors import ConsistencyError
from railgap.testing import TOY_ROWS, write_tables


def test_toy_nation_is_consistent(toy):
    assert consistency_problems(load_dataset(toy)) == []


def test_an_order_long_past_its_plans_without_completion_is_flagged(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["orders"] = [r for r in rows["orders"] if r["known_from"] != "2021-09-30"]
    write_tables(tmp_path, rows)
    dataset = load_dataset(tmp_path)
    problems = check_orders_completed(dataset, today=dt.date(2025, 1, 1))
    assert [p.message.split(":")[0] for p in problems] == ["order beta-200-2019"]
    # Two years after the plan is not yet "long past".
    assert check_orders_completed(dataset, today=dt.date(2022, 6, 1)) == []


def test_strict_mode_raises(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["work_packages"] = rows["work_packages"][1:]
    write_tables(tmp_path, rows)
    with pytest.raises(ConsistencyError, match="alpha-100-2018 has no work_packages row"):
        consistency_problems(load_dataset(tmp_path), strict=True)


def test_a_work_package_known_long_after_its_order_is_flagged(tmp_path):
    from railgap.checks.data import check_packages_known_with_orders

    rows = {k: [dict(r) for r in v] for k, v in TOY_ROWS.items()}
    assert check_packages_known_with_orders(load_dataset(write_tables(tmp_path, rows))) == []
    # Beta's plant named only in a completion article two years after the order.
    beta = next(r for r in rows["work_packages"] if r["order_id"] == "beta-200-2019")
    beta["known_from"] = "2021-09-30"
    write_tables(tmp_path, rows)
    (problem,) = check_packages_known_with_orders(load_dataset(tmp_path))
    assert problem.column == "known_from"
    assert "beta-200-2019" in problem.message
    assert "toy_works" in problem.message
    # An earlier row citing the order's announcement clears it; the late row stays.
    rows["work_packages"].insert(0, {**beta, "known_from": "2019-06-01"})
    write_tables(tmp_path, rows)
    assert check_packages_known_with_orders(load_dataset(tmp_path)) == []


@pytest.mark.parametrize(
    ("url", "published"),
    [
        ("https://railnews.co.uk/news/2024/03/04-monday-essay.html", dt.date(2024, 3, 4)),
        ("https://www.itv.com/news/tyne-tees/2017-10-12/hitachi-unveils", dt.date(2017, 10, 12)),
        ("http://www.pressreader.com/uk/rail-uk/20180912/281840054563355", dt.date(2018, 9, 12)),
        ("https://railstaff.co.uk/2020/09/hitachi-five-years/", dt.date(2020, 9, 1)),
        ("https://en.wikipedia.org/wiki/British_Rail_Class_805", None),
    ],
)
def test_a_source_address_dates_its_page(url, published):
    from railgap.checks.data import source_date

    assert source_date(url) == published


def test_a_row_known_before_its_source_is_flagged_unless_notes_say_why(tmp_path):
    from railgap.checks.data import check_known_from_not_before_source

    rows = {k: [dict(r) for r in v] for k, v in TOY_ROWS.items()}
    staff = rows["plant_staff"][0]
    staff.update(source="https://example.org/news/2016/05/04/toy-works", known_from="2015-01-01")
    write_tables(tmp_path, rows)
    problems = check_known_from_not_before_source(load_dataset(tmp_path))
    assert len(problems) == 1
    assert problems[0].column == "known_from"
    assert "before its source's date 2016-05-04" in problems[0].message
    # A month-precision known_from in the source's month is not early.
    staff["known_from"] = "2016-05"
    write_tables(tmp_path, rows)
    assert check_known_from_not_before_source(load_dataset(tmp_path)) == []
    # A reason in the notes (public by its nature, an earlier source) is accepted.
    staff.update(known_from="2015-01-01", notes="known_from: counted at the opening that day")
    write_tables(tmp_path, rows)
    assert check_known_from_not_before_source(load_dataset(tmp_path)) == []


def test_no_embedded_row_is_known_before_its_source():
    from railgap.checks.data import check_known_from_not_before_source

    assert check_known_from_not_before_source(load_dataset()) == []


@pytest.mark.parametrize(
    ("url", "flagged"),
    [
        ("https://kiwix.casplantje.nl/wikipedia_en_all_maxi_2018-10/A/X.html", True),
        ("https://www.parallelparliament.co.uk/question/12766/rolling-stock", True),
        ("https://uk.finance.yahoo.com/news/hs2-contractor-braces-uk-job-070000625.html", True),
        ("https://topstastic.blogspot.com/2019/01/class-195.html", True),
        ("https://en.wikipedia.org/wiki/British_Rail_Class_805", False),
        ("https://www.railwaygazette.com/uk/x/1.article", False),
        ("https://notkiwix.example.org/page", False),
    ],
)
def test_mirror_and_copying_sites_are_named(url, flagged):
    from railgap.checks.data import mirror_of

    assert (mirror_of(url) is not None) == flagged


def test_a_row_citing_a_mirror_is_flagged_with_what_to_cite(tmp_path):
    from railgap.checks.data import check_sources_are_originals

    rows = {k: [dict(r) for r in v] for k, v in TOY_ROWS.items()}
    rows["plant_staff"][0]["source"] = "https://kiwix.casplantje.nl/wikipedia_en/A/Toy.html"
    write_tables(tmp_path, rows)
    (problem,) = check_sources_are_originals(load_dataset(tmp_path))
    assert problem.column == "source"
    assert "en.wikipedia.org" in problem.message


def test_a_build_year_after_known_from_is_flagged_unless_notes_call_it_a_plan(tmp_path):
    from railgap.checks.data import check_build_years_not_after_known_from

    rows = {k: [dict(r) for r in v] for k, v in TOY_ROWS.items()}
    c200 = next(r for r in rows["fleets"] if r["fleet_id"] == "c200")
    c200.update(built_from=2000, built_to=2002, known_from="2000-06-01")
    write_tables(tmp_path, rows)
    (problem,) = check_build_years_not_after_known_from(load_dataset(tmp_path))
    assert problem.column == "built_to"
    assert "c200 built_to 2002 is after the row's known_from 2000-06-01" in problem.message
    # Both build years still to come are both flagged.
    c200.update(built_from=2001)
    write_tables(tmp_path, rows)
    flagged = check_build_years_not_after_known_from(load_dataset(tmp_path))
    assert sorted(p.column for p in flagged) == ["built_from", "built_to"]
    # A build year within the known_from year is not after it.
    c200.update(built_from=2000, built_to=2000)
    write_tables(tmp_path, rows)
    assert check_build_years_not_after_known_from(load_dataset(tmp_path)) == []
    # Notes that call the years a plan are accepted; the word alone is not.
    c200.update(built_to=2002, notes="the plan was to build more")
    write_tables(tmp_path, rows)
    assert len(check_build_years_not_after_known_from(load_dataset(tmp_path))) == 1
    c200.update(notes="plan: the last units were still to be built in 2002")
    write_tables(tmp_path, rows)
    assert check_build_years_not_after_known_from(load_dataset(tmp_path)) == []


def test_no_embedded_fleet_row_states_a_future_build_year_as_fact():
    from railgap.checks.data import check_build_years_not_after_known_from

    assert check_build_years_not_after_known_from(load_dataset()) == []
