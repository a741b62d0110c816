"""Committed orders' delivery years, by class family: what the fleet forecast counts as coming."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month
from railgap.plants.scheduling import UNBUILT, order_profile


def order_years(resolved: Dataset, date: dt.date, a: Assumptions) -> pd.DataFrame:
    """First and last delivery year of committed orders, by class family."""
    profile = order_profile(resolved["orders"], date_month(date), a)
    live = profile[~profile["status"].isin(UNBUILT)]
    family = live["class"].astype(str).str.split("/").str[0]
    years = pd.DataFrame(
        {
            "family": family.to_numpy(),
            "first": live["first_delivery"].to_numpy() // 12,
            "last": live["last_delivery"].to_numpy() // 12,
        }
    )
    return years.groupby("family").agg(first=("first", "min"), last=("last", "max"))
