"""Invariants of the loading engine, checked on generated inputs."""

from __future__ import annotations

import datetime as dt
import tempfile

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import railgap
from railgap.dataset import load_dataset
from railgap.plants.scheduling import schedule
from railgap.testing import TOY_ROWS, assert_vehicles_conserved, write_tables

package = st.tuples(
    st.sampled_from(["a", "b", "c"]),  # plant
    st.integers(0, 60),  # start month
    st.integers(0, 36),  # length - 1
    st.floats(0.5, 400, allow_nan=False),  # vehicle-equivalents
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(package, min_size=1, max_size=25),
    st.dictionaries(st.sampled_from(["a", "b", "c"]), st.floats(0.5, 50)),
)
def test_vehicles_are_conserved_and_capacity_never_exceeded(packages, caps):
    windows = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(len(packages))],
            "plant_id": [p[0] for p in packages],
            "stage": "full",
            "start": [p[1] for p in packages],
            "end": [p[1] + p[2] for p in packages],
            "vehicle_equivalents": [p[3] for p in packages],
        }
    )
    capacity = pd.Series(caps, dtype="float64")
    sched = schedule(windows, capacity)
    assert_vehicles_conserved(windows, sched.load, rtol=1e-7)
    for plant_id, cap in caps.items():
        rows = windows["plant_id"].to_numpy() == plant_id
        if rows.any():
            assert sched.load[rows].sum(axis=0).max() <= cap * (1 + 1e-6)
    # No work is ever done before its window opens.
    months = sched.months
    starts = windows["start"].to_numpy()[:, None]
    assert np.all(sched.load[months[None, :] < starts] == 0)


revision = st.fixed_dictionaries(
    {
        "order": st.sampled_from([0, 1, 2]),
        "known_from": st.dates(dt.date(2017, 1, 1), dt.date(2024, 12, 31)),
        "shift": st.integers(-6, 24),
        "units": st.integers(1, 20),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(revision, max_size=6), st.dates(dt.date(2018, 1, 1), dt.date(2024, 6, 30)))
def test_as_of_never_sees_rows_known_later(revisions, date):
    """The outlook as of D is the same with or without the rows made public after D."""
    base = {k: list(v) for k, v in TOY_ROWS.items()}
    extra = []
    # Keys already in the toy nation (its own revisions) cannot be generated again.
    seen = {(r["order_id"], r["known_from"]) for r in base["orders"]}
    for rev in revisions:
        order = base["orders"][rev["order"]]
        key = (order["order_id"], rev["known_from"].isoformat())
        if key in seen or rev["known_from"].isoformat() <= order["known_from"]:
            continue
        seen.add(key)
        year, month = map(int, order["planned_last_delivery"].split("-"))
        first_year, first_month = map(int, order["planned_first_delivery"].split("-"))
        # A revised end never before the first delivery: an inverted window is refused.
        index = max(year * 12 + month - 1 + rev["shift"], first_year * 12 + first_month - 1)
        extra.append(
            dict(
                order,
                units=rev["units"],
                known_from=rev["known_from"].isoformat(),
                planned_last_delivery=f"{index // 12:04d}-{index % 12 + 1:02d}",
            )
        )
    with tempfile.TemporaryDirectory() as full_dir, tempfile.TemporaryDirectory() as past_dir:
        write_tables(full_dir, {**base, "orders": base["orders"] + extra})
        visible = [r for r in extra if r["known_from"] <= date.isoformat()]
        write_tables(past_dir, {**base, "orders": base["orders"] + visible})
        full = railgap.outlook(date, data=load_dataset(full_dir), all_plants=True)
        past = railgap.outlook(date, data=load_dataset(past_dir), all_plants=True)
        pd.testing.assert_frame_equal(full, past)
