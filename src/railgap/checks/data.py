"""Consistency checks across tables: warnings by default, errors with ``--strict``.

Each ``check_*`` function looks at the whole (unresolved) dataset and returns problems;
row-level validity (types, required cells, references) is the loader's job.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.errors import ConsistencyError, Problem
from railgap.plants.scheduling import UNBUILT


def _where(row: pd.Series, column: str | None, message: str) -> Problem:
    return Problem(str(row["_file"]), int(row["_line"]), column, message)


def check_orders_have_work_packages(dataset: Dataset) -> list[Problem]:
    """An order no plant works on cannot load any plant."""
    placed = set(dataset["work_packages"]["order_id"])
    orders = dataset["orders"].drop_duplicates("order_id")
    missing = orders[~orders["order_id"].isin(placed) & ~orders["status"].isin(UNBUILT)]
    return [
        _where(
            r,
            "order_id",
            f"order {r['order_id']} has no work_packages row: no plant is loaded with it",
        )
        for _, r in missing.iterrows()
    ]


#: Months a plant's work package may trail its order's first row before it is flagged.
PACKAGE_LAG_MONTHS = 6


def check_packages_known_with_orders(dataset: Dataset) -> list[Problem]:
    """A work package first known long after its order hides the order from the plant.

    As-of views load an order onto a plant only once a ``work_packages`` row for the pair
    is known, so a package sourced from a late page (an infobox, a completion article)
    leaves the plant without that work in every answer in between. The order's own
    announcement usually names the plant: cite it in an earlier row.
    """
    orders = dataset["orders"]
    first_order = orders.groupby("order_id")["_known_by"].min()
    packages = dataset["work_packages"].sort_values(["_known_by", "_line"], kind="stable")
    first = packages.drop_duplicates(["order_id", "plant_id"], keep="first")
    problems = []
    for _, row in first.iterrows():
        ordered = first_order.get(row["order_id"])
        if ordered is None or pd.isna(ordered):
            continue
        lag = (row["_known_by"] - ordered).days / (365.25 / 12)
        if lag > PACKAGE_LAG_MONTHS:
            problems.append(
                _where(
                    row,
                    "known_from",
                    f"work at {row['plant_id']} on {row['order_id']} is first known "
                    f"{row['known_from']}, {lag:.0f} months after the order "
                    f"(first known {ordered.date().isoformat()}): as-of views load no "
                    "plant with it until then; cite the earliest source naming the plant",
                )
            )
    return problems


def check_package_vehicles(dataset: Dataset) -> list[Problem]:
    """A package cannot hold more vehicles than its order (units x cars per unit)."""
    orders = dataset["orders"].sort_values("_known_by").drop_duplicates("order_id", keep="last")
    size = orders["units"].astype("float64") * orders["cars_per_unit"].astype("float64")
    vehicles = dict(zip(orders["order_id"], size, strict=True))
    problems = []
    for _, row in dataset["work_packages"].iterrows():
        limit = vehicles.get(row["order_id"])
        if limit is not None and not pd.isna(row["vehicles"]) and row["vehicles"] > limit:
            problems.append(
                _where(
                    row,
                    "vehicles",
                    f"{row['vehicles']} vehicles exceed the "
                    f"order's {int(limit)} (units x cars_per_unit)",
                )
            )
    return problems


def check_parent_orders(dataset: Dataset) -> list[Problem]:
    """Options and variations name a parent order; firm orders do not need one."""
    orders = dataset["orders"]
    needs_parent = orders["status"].isin(["option", "variation", "open_option"])
    bad = orders[needs_parent & orders["parent_order_id"].isna()]
    return [
        _where(r, "parent_order_id", f"a {r['status']} must name its parent order")
        for _, r in bad.iterrows()
    ]


def check_delivery_order(dataset: Dataset) -> list[Problem]:
    """A last delivery cannot come before the first."""
    problems = []
    orders = dataset["orders"]
    for first, last in (
        ("planned_first_delivery", "planned_last_delivery"),
        ("actual_first_delivery", "actual_last_delivery"),
    ):
        f = orders[f"{first}_y"] * 12 + orders[f"{first}_mo"].fillna(1)
        lst = orders[f"{last}_y"] * 12 + orders[f"{last}_mo"].fillna(12)
        bad = orders[(lst < f).fillna(False)]
        problems += [
            _where(r, last, f"{r[last]} is before {first} {r[first]}") for _, r in bad.iterrows()
        ]
    return problems


def check_orders_completed(dataset: Dataset, today: dt.date | None = None) -> list[Problem]:
    """An order whose plans are long past should have its completion recorded.

    Without an ``actual_last_delivery`` (or units delivered) the loading engine keeps the
    units in the book; this flags orders whose latest planned or derived entry into service
    is over two years before ``today`` and whose revisions record no completion.
    """
    today = today or dt.date.today()
    orders = dataset["orders"]
    done = set(orders.loc[orders["actual_last_delivery"].notna(), "order_id"])
    latest = orders.sort_values(["_known_by", "_line"]).drop_duplicates("order_id", keep="last")
    year = today.year - 2
    problems = []
    for _, row in latest.iterrows():
        if row["order_id"] in done or row["status"] == "cancelled":
            continue
        years = [
            row[f"{c}_y"]
            for c in (
                "planned_last_delivery",
                "actual_entry_into_service",
                "planned_entry_into_service",
            )
            if row[f"{c}_y"] == row[f"{c}_y"]
        ]
        if years and max(years) < year:
            problems.append(
                _where(
                    row,
                    "actual_last_delivery",
                    f"order {row['order_id']}: plans ended by {int(max(years))} "
                    "but no revision records its completion",
                )
            )
    return problems


def check_fleets_quantified(dataset: Dataset) -> list[Problem]:
    """A fleet with no vehicle count or build years is left out of the forecast's totals."""
    from railgap.fleets.turnover import build_window, fleet_vehicles

    fleets = dataset["fleets"].sort_values(["_known_by", "_line"])
    latest = fleets.drop_duplicates("fleet_id", keep="last")
    vehicles = fleet_vehicles(latest)
    start, _ = build_window(latest, None)
    problems = []
    for (_, row), count, year in zip(latest.iterrows(), vehicles, start, strict=True):
        missing = [
            name for name, value in (("vehicles", count), ("build years", year)) if value != value
        ]
        if missing:
            problems.append(
                _where(
                    row,
                    "vehicles" if "vehicles" in missing else "built_from",
                    f"fleet {row['fleet_id']} has no {' or '.join(missing)}: "
                    "left out of the forecast's totals",
                )
            )
    return problems


def check_facts_not_after_known_from(dataset: Dataset) -> list[Problem]:
    """An ``actual_*`` date cannot be later than the date its row became public."""
    problems = []
    for table, frame in dataset.tables.items():
        known_y = frame["known_from_y"].to_numpy(dtype="float64")
        known_mo = frame["known_from_mo"].to_numpy(dtype="float64")
        for column in [c for c in frame.columns if c.startswith("actual_") and f"{c}_y" in frame]:
            y = frame[f"{column}_y"].to_numpy(dtype="float64")
            mo = frame[f"{column}_mo"].to_numpy(dtype="float64")
            later = (y > known_y) | ((y == known_y) & (mo > known_mo))
            for _, row in frame[later].iterrows():
                problems.append(
                    _where(
                        row,
                        column,
                        f"{table}: {row[column]} is after the row's "
                        f"known_from {row['known_from']} (as-of views ignore it "
                        "until then)",
                    )
                )
    return problems


#: Notes that say a fleet row's build years after its ``known_from`` are plans.
PLAN_NOTE = re.compile(r"(?:^|[\s.;(])plan:")


def check_build_years_not_after_known_from(dataset: Dataset) -> list[Problem]:
    """A fleet row cannot state as fact a build year still to come on its ``known_from``.

    A ``built_from`` or ``built_to`` later than the year the row became public is a plan
    (a class still being built, an order not yet begun): the notes must say so
    (``plan: ...``), or ``known_from`` must move to when the year was known.
    """
    fleets = dataset["fleets"]
    known = fleets["known_from_y"].to_numpy(dtype="float64")
    notes = fleets["notes"].astype("string").fillna("")
    planned = notes.str.contains(PLAN_NOTE).to_numpy(dtype=bool)
    problems = []
    for column in ("built_from", "built_to"):
        year = fleets[column].to_numpy(dtype="float64", na_value=np.nan)
        for i in np.flatnonzero((year > known) & ~planned):
            row = fleets.iloc[i]
            problems.append(
                _where(
                    row,
                    column,
                    f"fleets: {row['fleet_id']} {column} {int(year[i])} is after the row's "
                    f"known_from {row['known_from']}: a build year still to come is a plan; "
                    "say so in notes ('plan: ...') or date the row when it was known",
                )
            )
    return problems


#: Dates that a source's address carries: /2024/03/04/, 2024-03-04, /2024/03/, 20240304,
#: a snapshot's _2020-06/.
_URL_DATES = (
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>0[1-9]|1[0-2])/(?P<d>0[1-9]|[12]\d|3[01])(?:[/-]|$)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>0[1-9]|1[0-2])/"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])/"),
    # A snapshot's month, as kiwix copies of Wikipedia name theirs (..._maxi_2020-06/).
    re.compile(r"_(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])/"),
)
#: Notes that say why a row is dated before its source (a fact public by its nature).
BEFORE_SOURCE_NOTE = "known_from:"


def source_date(url: str) -> dt.date | None:
    """The publication date a source's address carries, or None.

    The first of the month when the address gives only a month.
    """
    for pattern in _URL_DATES:
        match = pattern.search(url)
        if match:
            parts = match.groupdict()
            try:
                return dt.date(int(parts["y"]), int(parts["m"]), int(parts.get("d") or 1))
            except ValueError:
                return None
    return None


def check_known_from_not_before_source(dataset: Dataset) -> list[Problem]:
    """A row cannot become public before the page that is its source was published.

    Unless its notes say why (``known_from: ...``: a train entering service that day was
    public by its nature, or an earlier source is cited), a ``known_from`` before the date
    the source's address carries is a row dated too early, and as-of answers would see it
    before anyone could have.
    """
    problems = []
    for table, frame in dataset.tables.items():
        if "source" not in frame or "known_from" not in frame:
            continue
        notes = frame["notes"].astype("string").fillna("") if "notes" in frame else None
        for i, (url, known) in enumerate(zip(frame["source"], frame["known_from"], strict=True)):
            if not isinstance(url, str) or not isinstance(known, str):
                continue
            published = source_date(url)
            if published is None or (notes is not None and BEFORE_SOURCE_NOTE in notes.iloc[i]):
                continue
            precision = len(known)  # YYYY, YYYY-MM or YYYY-MM-DD
            stated = known if precision == 10 else (known + "-12-31" if precision == 4 else None)
            if stated is None:  # a month: compare with the month's last day
                year, month = map(int, known.split("-"))
                later = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
            else:
                later = dt.date.fromisoformat(stated)
            if later < published:
                problems.append(
                    _where(
                        frame.iloc[i],
                        "known_from",
                        f"{table}: known_from {known} is before its source's date "
                        f"{published.isoformat()} ({url}); date the row by its source, cite "
                        f"an earlier one, or say why in notes ('{BEFORE_SOURCE_NOTE} ...')",
                    )
                )
    return problems


#: Hosts that copy other sites' pages (mirrors, scrapers, syndicated or machine-written
#: copies), with the original to cite instead. A row should cite the original page.
MIRROR_HOSTS: dict[str, str] = {
    "kiwix.": "en.wikipedia.org (the article, or its dated revision)",
    "parallelparliament.co.uk": "hansard.parliament.uk or questions-statements.parliament.uk",
    "topstastic.blogspot.": "the operator's, maker's or trade press's own page",
    "anonw.com": "the original news page",
    "ksaplayers.com": "the original news page (e.g. The Guardian)",
    "newslocker.com": "the original news page",
    "railsistem.com": "railnews.co.uk (the page it copies)",
    "docslib.org": "the publisher's own document",
    "flightsandtimes.co.uk": "the original news page",
    "uk.finance.yahoo.com": "the publisher's own page (a syndicated copy)",
    "uk.news.yahoo.com": "the publisher's own page (a syndicated copy)",
    "aol.co.uk": "the publisher's own page (a syndicated copy)",
    "whatsoninyork.net": "thenorthernecho.co.uk (a syndicated copy)",
    "thenewstimes.uk": "the original news page",
    "exbulletin.com": "the original news page",
    "newstabeus.com": "the original news page",
}


def mirror_of(url: str) -> str | None:
    """What to cite instead when ``url`` is on a mirror or copying site, else None."""
    host = (urlparse(url).hostname or "").lower()
    for pattern, original in MIRROR_HOSTS.items():
        if (pattern.endswith(".") and (host.startswith(pattern) or f".{pattern}" in host)) or (
            host == pattern or host.endswith("." + pattern)
        ):
            return original
    return None


def check_sources_are_originals(dataset: Dataset) -> list[Problem]:
    """A row's source should be the original page, not a mirror or copy of it."""
    problems = []
    for table, frame in dataset.tables.items():
        if "source" not in frame:
            continue
        for i, url in enumerate(frame["source"]):
            if not isinstance(url, str):
                continue
            original = mirror_of(url)
            if original:
                problems.append(
                    _where(
                        frame.iloc[i],
                        "source",
                        f"{table}: {url} copies another site's page: cite {original}",
                    )
                )
    return problems


#: Slack on a plant's rate before a derived window counts as faster than it ever built.
RATE_SLACK = 1.05


def check_derived_window_rates(dataset: Dataset, today: dt.date | None = None) -> list[Problem]:
    """A window no source dates must not have a plant build faster than it ever did.

    Works out the packages' windows as known ``today`` and flags each whose window is not
    wholly stated and whose vehicles a month exceed the plant's sourced sustained rate
    (``build_rate_vehicles_per_month``), or its stated capacity where no rate is sourced.
    """
    from railgap.dataset import as_of
    from railgap.dataset.assumptions import default_assumptions
    from railgap.dataset.dates import date_month
    from railgap.plants.loading import work_windows
    from railgap.plants.scheduling import order_profile

    today = today or dt.date.today()
    a = default_assumptions()
    resolved = as_of(dataset, today)
    windows = work_windows(resolved, order_profile(resolved["orders"], date_month(today), a), a)
    plants = resolved["plants"].set_index("plant_id")
    rate = plants["build_rate_vehicles_per_month"].astype("float64")
    limit = rate.fillna(plants["capacity_vehicles_per_month"].astype("float64"))
    wp = resolved["work_packages"]
    keys = wp["order_id"].astype(str) + "|" + wp["plant_id"].astype(str) + "|" + wp["stage"]
    packages = wp.set_axis(keys.to_numpy())
    problems = []
    shown = windows[windows["window_basis"] != "stated"]
    for order_id, plant_id, stage, vehicles, start, end, basis in zip(
        shown["order_id"].astype(str),
        shown["plant_id"].astype(str),
        shown["stage"].astype(str),
        shown["vehicles"].to_numpy(dtype="float64"),
        shown["start"].to_numpy(dtype="int64"),
        shown["end"].to_numpy(dtype="int64"),
        shown["window_basis"].astype(str),
        strict=True,
    ):
        cap = float(limit.get(plant_id, np.nan))
        months = int(end - start) + 1
        implied = float(vehicles) / months
        if np.isnan(cap) or cap <= 0 or implied <= cap * RATE_SLACK:
            continue
        kind = "capacity" if np.isnan(rate.get(plant_id, np.nan)) else "sustained rate"
        row = packages.loc[[f"{order_id}|{plant_id}|{stage}"]].iloc[-1]
        problems.append(
            _where(
                row,
                "build_end",
                f"{order_id} at {plant_id} ({stage}): window {basis} "
                f"implies {implied:.1f} vehicles a month over {months} months, above the "
                f"plant's {kind} of {cap:g}: date the work or source the rate",
            )
        )
    return problems


CHECKS: tuple[Callable[[Dataset], list[Problem]], ...] = (
    check_orders_have_work_packages,
    check_package_vehicles,
    check_parent_orders,
    check_delivery_order,
    check_orders_completed,
    check_fleets_quantified,
    check_facts_not_after_known_from,
    check_build_years_not_after_known_from,
    check_known_from_not_before_source,
    check_sources_are_originals,
    check_derived_window_rates,
    check_packages_known_with_orders,
)


def consistency_problems(dataset: Dataset, strict: bool = False) -> list[Problem]:
    """Run every check; with ``strict``, raise ``ConsistencyError`` if any problem is found."""
    problems = [problem for check in CHECKS for problem in check(dataset)]
    if strict and problems:
        raise ConsistencyError(problems)
    return problems
