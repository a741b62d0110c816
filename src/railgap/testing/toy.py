"""A small "toy nation" dataset, for tests, docs and demos.

The toy nation has two plants: ``toy_works`` (GB, capacity 10 vehicles/month, 200 staff)
and ``toy_overseas`` (a bodyshell supplier abroad), and three orders whose windows are
stated (two of them with later revisions recording service and completion), so every
number the engines derive from it can be worked out by hand.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from railgap.dataset.schema import TABLES, schema

SOURCE = "https://example.org/toy-nation"


# The toy nation's orders as first announced; their revisions below build on these.
ALPHA: dict[str, Any] = {
    "order_id": "alpha-100-2018",
    "class": "100",
    "status": "firm",
    "manufacturer_id": "toyco",
    "units": 10,
    "cars_per_unit": 5,
    "signed": "2018-01-10",
    "planned_first_delivery": "2020-04",
    "planned_last_delivery": "2021-01",
    "known_from": "2018-01-10",
}


BETA: dict[str, Any] = {
    "order_id": "beta-200-2019",
    "class": "200",
    "status": "firm",
    "manufacturer_id": "toyco",
    "units": 6,
    "cars_per_unit": 4,
    "signed": "2019-06-01",
    "planned_first_delivery": "2021-04",
    "planned_last_delivery": "2021-09",
    "known_from": "2019-06-01",
}


GAMMA: dict[str, Any] = {
    "order_id": "gamma-300-2022",
    "class": "300",
    "status": "firm",
    "manufacturer_id": "toyco",
    "units": 12,
    "cars_per_unit": 4,
    "signed": "2022-03-01",
    "planned_first_delivery": "2023-04",
    "planned_last_delivery": "2023-09",
    "known_from": "2022-03-01",
}


C101: dict[str, Any] = {
    "fleet_id": "c101",
    "class": "101",
    "traction": "dmu",
    "segment": "regional",
    "units": 10,
    "cars_per_unit": 2,
    "built_from": 1980,
    "built_to": 1981,
    "actual_first_service": "1980",
    "known_from": "1980-06-01",
    "notes": "plan: in service from 1980 while the last units were still being built",
}


C102: dict[str, Any] = {
    "fleet_id": "c102",
    "class": "102",
    "traction": "dmu",
    "segment": "regional",
    "units": 3,
    "cars_per_unit": 2,
    "built_from": 1990,
    "built_to": 1990,
    "known_from": "1990-06-01",
}


TOY_ROWS: dict[str, list[dict[str, Any]]] = {
    "manufacturers": [
        {"manufacturer_id": "toyco", "name": "ToyCo", "country": "GB"},
    ],
    "plants": [
        {
            "plant_id": "toy_works",
            "manufacturer_id": "toyco",
            "name": "Toy Works",
            "town": "Toyton",
            "country": "GB",
            "opened": "2010-01",
            "stages": "bodyshell;assembly;test",
            "capacity_vehicles_per_month": 10,
        },
        {
            "plant_id": "toy_overseas",
            "manufacturer_id": "toyco",
            "name": "Toy Overseas",
            "town": "Faraway",
            "country": "JP",
            "opened": "1990",
            "stages": "bodyshell",
        },
    ],
    "plant_staff": [
        {"plant_id": "toy_works", "date": "2015-01-01", "employees": 200},
    ],
    "orders": [
        # 10 x 5 cars, assembly stated 2020-01..2020-10 (5 vehicles/month), delivered on plan.
        ALPHA,
        # 6 x 4 cars, assembly 2021-01..2021-06; signed 2019.
        BETA,
        # signed 2022-03: after a gap, assembly 2023-01..2023-06, bodyshells from overseas.
        GAMMA,
        # Revisions: first passenger services and completions, as they became public.
        {
            **ALPHA,
            "actual_first_delivery": "2020-04",
            "actual_last_delivery": "2021-01",
            "actual_entry_into_service": "2020-05",
            "known_from": "2021-01-31",
        },
        {
            **BETA,
            "actual_first_delivery": "2021-04",
            "actual_last_delivery": "2021-09",
            "actual_entry_into_service": "2021-05",
            "known_from": "2021-09-30",
        },
        {
            **GAMMA,
            "actual_first_delivery": "2023-04",
            "actual_entry_into_service": "2023-04-20",
            "known_from": "2023-04-30",
        },
        {
            **GAMMA,
            "actual_first_delivery": "2023-04",
            "actual_last_delivery": "2023-09",
            "actual_entry_into_service": "2023-04-20",
            "known_from": "2023-10-02",
        },
    ],
    "work_packages": [
        {
            "order_id": "alpha-100-2018",
            "plant_id": "toy_works",
            "stage": "full",
            "vehicles": 50,
            "build_start": "2020-01",
            "build_end": "2020-10",
            "known_from": "2018-01-10",
        },
        {
            "order_id": "beta-200-2019",
            "plant_id": "toy_works",
            "stage": "full",
            "vehicles": 24,
            "build_start": "2021-01",
            "build_end": "2021-06",
            "known_from": "2019-06-01",
        },
        {
            "order_id": "gamma-300-2022",
            "plant_id": "toy_overseas",
            "stage": "bodyshell",
            "vehicles": 48,
            "build_start": "2022-07",
            "build_end": "2022-12",
            "known_from": "2022-03-01",
        },
        {
            "order_id": "gamma-300-2022",
            "plant_id": "toy_works",
            "stage": "assembly",
            "vehicles": 48,
            "build_start": "2023-01",
            "build_end": "2023-06",
            "known_from": "2022-03-01",
        },
    ],
    # Four fleets whose cohorts, retirements and demand can be worked out by hand.
    "fleets": [
        C101,
        {
            **C101,
            "actual_withdrawal_from": "2010",
            "actual_withdrawal_to": "2011",
            "known_from": "2011-12-31",
        },
        C102,
        {**C102, "withdrawal_planned": "2030", "known_from": "2022-03-01"},
        {
            "fleet_id": "c200",
            "class": "200",
            "traction": "emu_ac",
            "segment": "suburban",
            "units": 5,
            "cars_per_unit": 4,
            "built_from": 2000,
            "built_to": 2000,
            "known_from": "2000-06-01",
        },
        {
            "fleet_id": "c300",
            "class": "300",
            "traction": "bimode",
            "segment": "intercity",
            "units": 4,
            "cars_per_unit": 5,
            "built_from": 2024,
            "built_to": 2025,
            "known_from": "2022-03-01",
            "notes": "plan: ordered in 2022 for building in 2024-25",
        },
    ],
    "fleet_operators": [
        {
            "fleet_id": "c200",
            "operator": "Toy Suburban",
            "from": "2000",
            "known_from": "2000-06-01",
        },
        {
            "fleet_id": "c102",
            "operator": "Toy Regional",
            "from": "1990",
            "to": "2015",
            "known_from": "2015-12-31",
        },
        {
            "fleet_id": "c102",
            "operator": "Toy Northern",
            "from": "2016",
            "known_from": "2016-01-01",
        },
    ],
    "national_series": [
        {
            "year": 2020,
            "measure": "fleet_vehicles",
            "value": 46,
            "unit": "vehicles",
            "scope": "toy nation",
            "known_from": "2021-01-01",
        },
    ],
}


# Tenders for the Monte Carlo: three decided before 2022 (awards 4, 8 and 12 months after the
# date first expected; one cancelled), one decided later, and one open in 2022-2023.
_TENDER = {"buyer": "Toy Rail", "segment": "suburban", "traction": "emu_ac"}


TOY_TENDERS: list[dict[str, Any]] = [
    {
        **_TENDER,
        "tender_id": "toy-a-2015",
        "stage": "notice",
        "units_min": 5,
        "units_max": 5,
        "notice_date": "2015-01",
        "expected_award": "2016-01",
        "known_from": "2015-01-10",
    },
    {
        **_TENDER,
        "tender_id": "toy-a-2015",
        "stage": "awarded",
        "units_min": 5,
        "units_max": 5,
        "notice_date": "2015-01",
        "outcome": "awarded",
        "outcome_date": "2016-05",
        "known_from": "2016-05-02",
    },
    {
        **_TENDER,
        "tender_id": "toy-b-2016",
        "stage": "notice",
        "units_min": 4,
        "units_max": 4,
        "notice_date": "2016-02",
        "expected_award": "2017-01",
        "known_from": "2016-02-01",
    },
    {
        **_TENDER,
        "tender_id": "toy-b-2016",
        "stage": "awarded",
        "units_min": 4,
        "units_max": 4,
        "notice_date": "2016-02",
        "outcome": "awarded",
        "outcome_date": "2017-09",
        "known_from": "2017-09-15",
    },
    {
        **_TENDER,
        "tender_id": "toy-c-2017",
        "stage": "notice",
        "units_min": 3,
        "units_max": 3,
        "notice_date": "2017-03",
        "expected_award": "2018-01",
        "known_from": "2017-03-01",
    },
    {
        **_TENDER,
        "tender_id": "toy-c-2017",
        "stage": "awarded",
        "units_min": 3,
        "units_max": 3,
        "notice_date": "2017-03",
        "outcome": "awarded",
        "outcome_date": "2019-01",
        "known_from": "2019-01-20",
    },
    {
        **_TENDER,
        "tender_id": "toy-d-2018",
        "stage": "notice",
        "units_min": 3,
        "units_max": 3,
        "notice_date": "2018-03",
        "known_from": "2018-03-01",
    },
    {
        **_TENDER,
        "tender_id": "toy-d-2018",
        "stage": "cancelled",
        "units_min": 3,
        "units_max": 3,
        "notice_date": "2018-03",
        "outcome": "cancelled",
        "outcome_date": "2019-06",
        "known_from": "2019-06-30",
    },
    {
        **_TENDER,
        "tender_id": "toy-e-2021",
        "stage": "notice",
        "units_min": 4,
        "units_max": 4,
        "notice_date": "2021-01",
        "expected_award": "2021-06",
        "known_from": "2021-01-05",
    },
    {
        **_TENDER,
        "tender_id": "toy-e-2021",
        "stage": "cancelled",
        "units_min": 4,
        "units_max": 4,
        "notice_date": "2021-01",
        "outcome": "cancelled",
        "outcome_date": "2023-02",
        "known_from": "2023-02-01",
    },
    {
        **_TENDER,
        "tender_id": "toy-open-2022",
        "stage": "shortlist",
        "units_min": 6,
        "units_max": 10,
        "vehicles_min": 24,
        "vehicles_max": 40,
        "notice_date": "2022-01",
        "expected_award": "2022-09",
        "expected_first_delivery": "2024-03",
        "shortlisted_bidders": "ToyCo;Elsewhere Trains",
        "known_from": "2022-01-15",
    },
]


#: An option on the gamma order, public with it and not exercised.
TOY_OPTION: dict[str, Any] = {
    "order_id": "gamma-300-2022-option",
    "class": "300",
    "parent_order_id": "gamma-300-2022",
    "status": "open_option",
    "manufacturer_id": "toyco",
    "units": 6,
    "cars_per_unit": 4,
    "known_from": "2022-03-01",
}


def write_tables(folder: str | Path, rows: Mapping[str, Iterable[Mapping[str, Any]]]) -> Path:
    """Write a dataset folder: one CSV per table with the schema's header.

    Missing cells are left empty; ``source`` defaults to the toy URL and ``known_from`` to
    ``2000-01-01``, so fixtures only spell out what they test.
    """
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        names = schema(table).names
        with (path / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=names)
            writer.writeheader()
            for row in rows.get(table, []):
                full = {"source": SOURCE, "known_from": "2000-01-01", **row}
                writer.writerow(
                    {name: "" if full.get(name) is None else full.get(name) for name in names}
                )
    return path


def toy_nation(folder: str | Path, tenders: bool = False) -> Path:
    """Write the toy nation dataset into ``folder`` and return its path.

    ``tenders=True`` adds the toy tenders (four decided, one open from 2022) and an open
    option on the gamma order, for the Monte Carlo and the option lever.
    """
    rows = dict(TOY_ROWS)
    if tenders:
        rows = {**rows, "tenders": TOY_TENDERS, "orders": [*TOY_ROWS["orders"], TOY_OPTION]}
    return write_tables(folder, rows)
