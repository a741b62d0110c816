from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from railgap.dataset import as_of, load_dataset
from railgap.dataset.errors import DataError
from railgap.testing import TOY_ROWS, write_tables


def _rewrite(path: Path, table: str, edit) -> None:
    file = path / f"{table}.csv"
    rows = list(csv.reader(file.open(newline="", encoding="utf-8")))
    edit(rows)
    with file.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def test_toy_dataset_loads(toy):
    dataset = load_dataset(toy)
    assert dataset["orders"]["order_id"].nunique() == 3
    assert set(dataset["plants"]["plant_id"]) == {"toy_works", "toy_overseas"}
    assert len(dataset.digest) == 12


def test_the_hash_is_of_the_rows_not_the_files_formatting(toy):
    before = load_dataset(toy).digest
    # The same rows written with CRLF line endings and every cell quoted.
    for file in toy.glob("*.csv"):
        rows = list(csv.reader(file.open(newline="", encoding="utf-8")))
        with file.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    assert load_dataset(toy).digest == before

    def edit(rows):
        rows[1][rows[0].index("units")] = str(int(rows[1][rows[0].index("units")]) + 1)

    _rewrite(toy, "orders", edit)
    assert load_dataset(toy).digest != before


def test_bad_date_names_file_line_and_column(toy):
    def edit(rows):
        col = rows[0].index("signed")
        rows[2][col] = "2019-02-30"

    _rewrite(toy, "orders", edit)
    with pytest.raises(DataError) as info:
        load_dataset(toy)
    assert str(info.value.problems[0]) == "orders.csv:3: signed: '2019-02-30' has no day 30"


def test_every_problem_is_reported_not_only_the_first(toy):
    def edit(rows):
        rows[1][rows[0].index("units")] = "ten"
        rows[2][rows[0].index("status")] = "maybe"
        rows[3][rows[0].index("source")] = ""

    _rewrite(toy, "orders", edit)
    with pytest.raises(DataError) as info:
        load_dataset(toy)
    messages = [str(p) for p in info.value.problems]
    assert "orders.csv:2: units: 'ten' is not a whole number" in messages
    assert any(m.startswith("orders.csv:3: status: 'maybe' is not one of") for m in messages)
    assert "orders.csv:4: source: is required" in messages


def test_missing_and_unknown_columns(toy):
    def edit(rows):
        rows[0][rows[0].index("units")] = "unit_count"

    _rewrite(toy, "orders", edit)
    with pytest.raises(DataError) as info:
        load_dataset(toy)
    messages = {str(p) for p in info.value.problems}
    assert "orders.csv:1: units: column is missing" in messages
    assert "orders.csv:1: unit_count: column is not in the schema" in messages


def test_ragged_row_and_non_utf8_file(toy):
    with (toy / "plants.csv").open("a", encoding="utf-8") as handle:
        handle.write("only,three,cells\n")
    (toy / "manufacturers.csv").write_bytes(
        (toy / "manufacturers.csv").read_bytes()
        + "x,Caf\xe9,ES,https://e.org,2020\n".encode("latin-1")
    )
    with pytest.raises(DataError) as info:
        load_dataset(toy)
    messages = [str(p) for p in info.value.problems]
    assert any("manufacturers.csv:3" in m and "not UTF-8" in m for m in messages)
    assert any(m.startswith("plants.csv:4") and "has 3 cells" in m for m in messages)


def test_unknown_reference_is_refused(toy):
    def edit(rows):
        rows[1][rows[0].index("plant_id")] = "atlantis_works"

    _rewrite(toy, "work_packages", edit)
    with pytest.raises(DataError, match="'atlantis_works' is not a plant_id in plants"):
        load_dataset(toy)


def test_two_revisions_with_the_same_known_from_are_ambiguous(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    rows["orders"] = [*rows["orders"], dict(rows["orders"][1], units=11)]
    write_tables(tmp_path, rows)
    with pytest.raises(DataError, match="same key"):
        load_dataset(tmp_path)


def test_missing_folder_and_missing_table(tmp_path, toy):
    with pytest.raises(DataError, match="is not a folder"):
        load_dataset(tmp_path / "nope")
    (toy / "plants.csv").unlink()
    with pytest.raises(DataError, match=r"plants\.csv: is missing"):
        load_dataset(toy)


def test_as_of_keeps_the_latest_public_revision(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    slipped = dict(rows["orders"][0], planned_last_delivery="2021-06", known_from="2019-05")
    rows["orders"] = [*rows["orders"], slipped]
    write_tables(tmp_path, rows)
    dataset = load_dataset(tmp_path)

    def plan(date):
        orders = as_of(dataset, date)["orders"]
        return orders.set_index("order_id").loc["alpha-100-2018", "planned_last_delivery"]

    assert plan(dt.date(2019, 5, 30)) == "2021-01"
    # "2019-05" is public by the end of May at the latest.
    assert plan(dt.date(2019, 5, 31)) == "2021-06"
    assert "gamma-300-2022" not in set(as_of(dataset, dt.date(2022, 2, 28))["orders"]["order_id"])


def test_facts_about_what_happened_survive_a_later_revision_that_omits_them(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    # A 2023-06 revision of gamma re-states the plan but leaves the actual dates empty.
    replan = dict(rows["orders"][2], planned_last_delivery="2023-12", known_from="2023-06-15")
    rows["orders"] = [*rows["orders"], replan]
    write_tables(tmp_path, rows)
    orders = as_of(load_dataset(tmp_path), dt.date(2023, 7, 1))["orders"].set_index("order_id")
    gamma = orders.loc["gamma-300-2022"]
    assert gamma["planned_last_delivery"] == "2023-12"
    assert gamma["actual_entry_into_service"] == "2023-04-20"
    assert gamma["actual_first_delivery"] == "2023-04"


def test_an_actual_date_later_than_the_as_of_date_is_not_seen(tmp_path):
    rows = {k: list(v) for k, v in TOY_ROWS.items()}
    # A row public in 2019 that (wrongly) states the 2021 completion.
    rows["orders"] = [
        *rows["orders"],
        dict(rows["orders"][1], known_from="2019-07-01", actual_last_delivery="2021-09"),
    ]
    write_tables(tmp_path, rows)
    dataset = load_dataset(tmp_path)
    orders = as_of(dataset, dt.date(2020, 1, 1))["orders"].set_index("order_id")
    assert orders.loc["beta-200-2019", "actual_last_delivery"] is None
    later = as_of(dataset, dt.date(2021, 10, 1))["orders"].set_index("order_id")
    assert later.loc["beta-200-2019", "actual_last_delivery"] == "2021-09"
    from railgap.checks.data import check_facts_not_after_known_from

    problems = check_facts_not_after_known_from(dataset)
    assert any("is after the row's known_from 2019-07-01" in p.message for p in problems)


def test_a_dated_count_is_carried_with_its_own_date():
    from railgap.dataset import resolve, typed_rows

    base = dict(TOY_ROWS["orders"][0])
    base.pop("known_from")
    base["source"] = "https://example.org/toy"
    rows = [
        {**base, "units_delivered": 5, "known_from": "2020-02-01"},
        {**base, "units_delivered": 10, "known_from": "2021"},  # a year-only date
        {**base, "known_from": "2022-03-01"},  # a later revision that states no count
    ]
    frame = typed_rows("orders", rows, "orders.csv")
    row = resolve(frame, ["order_id"], dt.date(2022, 6, 1)).iloc[0]
    assert row["units_delivered"] == 10
    assert row["units_delivered_at_y"] == 2021
    assert np.isnan(row["units_delivered_at_mo"])  # year only: not the 2020 row's February
    earlier = resolve(frame, ["order_id"], dt.date(2020, 6, 1)).iloc[0]
    assert (earlier["units_delivered"], earlier["units_delivered_at_mo"]) == (5, 2)


def test_an_operator_spell_ends_only_once_it_has_ended():
    """A row known from a spell's start cannot tell an earlier as-of view when it ends."""
    import datetime as dt

    from railgap.dataset import as_of, load_dataset

    dataset = load_dataset()
    before = as_of(dataset, dt.date(2010, 1, 1))["fleet_operators"]
    spell = before[(before["fleet_id"] == "c139") & (before["operator"] == "London Midland")]
    assert spell["from"].tolist() == ["2009-06"]
    assert spell["to"].isna().all()
    after = as_of(dataset, dt.date(2018, 6, 1))["fleet_operators"]
    spell = after[(after["fleet_id"] == "c139") & (after["operator"] == "London Midland")]
    assert spell["to"].tolist() == ["2017-12"]
