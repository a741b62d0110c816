"""Adding one corrected row: a new revision from the latest one, never an overwrite."""

from __future__ import annotations

import datetime as dt

import pytest
from store_helpers import embedded_row, snapshot

from railgap.dataset.errors import DataError
from railgap.store import open_engine
from railgap.store.adding import add_row
from railgap.store.history import history
from railgap.store.reading import read_dataset

SOURCE = "https://example.org/press-release"


def test_add_keeps_other_columns_from_the_latest_revision(db_url: str) -> None:
    engine = open_engine(db_url)
    order = embedded_row("orders")["order_id"]
    before = history(engine, "orders", [order])
    result = add_row(
        engine,
        "orders",
        {"order_id": order, "units": "99", "source": SOURCE},
        "ana",
        today=dt.date(2026, 1, 2),
    )
    assert result.added == {"orders": 1}
    after = history(engine, "orders", [order])
    assert len(after) == len(before) + 1
    new = after.iloc[-1]
    assert (new["units"], new["known_from"], new["source"]) == (99, "2026-01-02", SOURCE)
    assert new["recorded_by"] == "ana"
    latest = before.iloc[-1]
    assert new["class"] == latest["class"]
    assert new["manufacturer_id"] == latest["manufacturer_id"]
    # The revisions stored before are untouched.
    assert after.iloc[:-1][["units", "known_from"]].equals(before[["units", "known_from"]])


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"units": "3", "source": SOURCE}, "order_id", "part of the key"),
        ({"order_id": "x", "units": "3"}, "source", "own public source"),
        ({"order_id": "x", "colour": "red", "source": SOURCE}, "colour", "not a column"),
        ({"order_id": "new-order", "source": SOURCE}, "class", "is required"),
        ({"order_id": "@@", "source": SOURCE}, "order_id", "is not an identifier"),
    ],
)
def test_add_refuses_incomplete_or_bad_rows(
    db_url: str, values: dict[str, str], column: str, message: str
) -> None:
    engine = open_engine(db_url)
    read_dataset(engine)
    before = snapshot(db_url)
    with pytest.raises(DataError) as caught:
        add_row(open_engine(db_url), "orders", values, "ana")
    assert caught.value.problems[0].file == "--set"
    assert caught.value.problems[0].column == column
    assert message in caught.value.problems[0].message
    assert snapshot(db_url) == before


def test_add_to_an_unknown_table_is_refused(db_url: str) -> None:
    with pytest.raises(DataError, match="'trams' is not a table"):
        add_row(open_engine(db_url), "trams", {"source": SOURCE}, "ana")
