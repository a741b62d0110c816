"""As-of in SQL gives the same rows as the in-memory as-of, on both databases."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from railgap import analysis
from railgap.dataset import as_of
from railgap.dataset.schema import TABLES, schema
from railgap.store import open_engine
from railgap.store.adding import add_row
from railgap.store.asof import read_as_of
from railgap.store.reading import read_dataset

DATES = ["2012-06-30", "2017-01-01", "2020-03-31", "2022-11-15", "2024-01-15", "2026-11-25"]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True).astype(object).where(frame.notna().to_numpy(), None)


def test_sql_as_of_agrees_with_memory_on_the_embedded_dataset(db_url: str) -> None:
    engine = open_engine(db_url)
    read_dataset(engine)
    embedded = analysis.get_dataset()
    for text in DATES:
        date = dt.date.fromisoformat(text)
        resolved = as_of(embedded, date)
        for table in TABLES:
            expected = _plain(resolved[table][schema(table).names])
            got = _plain(read_as_of(engine, table, date))
            pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=f"{table}@{text}")


def test_sql_as_of_carries_actual_dates_and_sees_corrections(db_url: str) -> None:
    engine = open_engine(db_url)
    orders = read_dataset(engine)["orders"]
    delivered = orders[orders["actual_first_delivery"].notna()].iloc[0]
    order_id = str(delivered["order_id"])
    # A later revision that says nothing of the delivery keeps the delivery date.
    add_row(
        engine,
        "orders",
        {"order_id": order_id, "actual_first_delivery": "", "source": "https://example.org/n"},
        "ana",
        today=dt.date(2030, 1, 1),
    )
    dataset = read_dataset(engine)
    for date in (dt.date(2029, 12, 31), dt.date(2030, 1, 1)):
        sql = read_as_of(engine, "orders", date).set_index("order_id")
        memory = as_of(dataset, date, ("orders",))["orders"].set_index("order_id")
        assert sql.loc[order_id, "actual_first_delivery"] == delivered["actual_first_delivery"]
        assert memory.loc[order_id, "actual_first_delivery"] == delivered["actual_first_delivery"]
    latest = read_as_of(engine, "orders", dt.date(2030, 1, 1)).set_index("order_id")
    assert latest.loc[order_id, "known_from"] == "2030-01-01"
