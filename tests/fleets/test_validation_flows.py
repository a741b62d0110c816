"""The back-cast's flows: new vehicles entering service per year and ordered per period."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from railgap.analysis import get_assumptions, get_dataset
from railgap.fleets.validation import (
    DELIVERED,
    ORDER_PERIODS,
    ORDERED,
    comparison,
    domestic_orders,
    flow_comparison,
)
from railgap.scorecard.national import national_points

DATE = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def flows():
    return flow_comparison(get_dataset(), get_assumptions(), DATE)


def test_every_published_year_of_deliveries_and_every_period_of_orders_is_compared(flows):
    published = get_dataset()["national_series"]
    delivered = published[published["measure"] == DELIVERED]
    got = flows[flows["measure"] == DELIVERED]
    assert sorted(got["year"]) == sorted(delivered["year"].astype(int))
    periods = flows.loc[flows["measure"] == ORDERED, "period"].tolist()
    assert periods == [f"{a}-{b}" for a, b in ORDER_PERIODS]
    # A period's published figure is the sum of its years (one answer per year).
    ordered = published[published["measure"] == ORDERED].drop_duplicates("year")
    first, last = ORDER_PERIODS[1]
    span = ordered[ordered["year"].between(first, last)]
    row = flows[flows["period"] == f"{first}-{last}"].iloc[0]
    assert row["published"] == span["value"].sum()


def test_orders_count_only_the_domestic_fleets_and_orders_that_were_placed():
    orders = domestic_orders(get_dataset(), DATE).set_index("order_id")
    # London Underground, Eurostar, a cancelled order and an option never taken up are out.
    for order_id in ("lu-s7-2003", "eurostar-374-2014", "swt-450-5car-2001",
                     "lu-2024stock-2018-option"):
        assert order_id not in orders.index
    # A franchise order named by its fleet is in, in the year it was signed.
    assert orders.loc["tpe-802-2016", "year"] == 2016
    assert orders.loc["tpe-802-2016", "year_basis"] == "signed"
    assert (orders["vehicles"] > 0).all()


def test_a_period_with_a_year_unpublished_is_not_compared():
    dataset = get_dataset()
    series = dataset["national_series"]
    gap = series[~((series["measure"] == ORDERED) & (series["year"] == 2005))]
    thinned = replace(dataset, tables={**dataset.tables, "national_series": gap})
    periods = flow_comparison(thinned, get_assumptions(), DATE)
    assert "2003-2011" not in set(periods["period"])
    assert "2012-2017" in set(periods["period"])


def test_the_flows_are_judged_with_their_own_tolerances():
    points = national_points(get_dataset(), get_assumptions(), DATE)
    flows = points[points["measure"].isin([DELIVERED, ORDERED])]
    assert flows["judged"].all()
    share = (flows["difference"].abs() / flows["published"]).to_numpy()
    limit = flows["measure"].map({DELIVERED: 0.20, ORDERED: 0.10}).to_numpy()
    assert ((share <= limit) == flows["within"].to_numpy()).all()
    # The page's table carries the same rows.
    assert len(comparison(get_dataset(), get_assumptions(), DATE).query("measure == @ORDERED")) == 3
