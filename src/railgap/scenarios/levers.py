"""Levers: each a pure function from (tables as known on a date, assumptions) to new ones.

What each lever does, in words, is returned with the result so that every scenario answer
can say which changes produced it. Rows a lever adds are validated against the schemas like
any data row and carry the source ``SCENARIO_SOURCE`` (a scenario is not a public fact).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from railgap.dataset import Dataset, typed_rows
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import date_month, month_label, month_of
from railgap.dataset.errors import DataError, Problem
from railgap.plants.scheduling import date_months, order_profile, stage_shares
from railgap.scenarios.spec import (
    AssumptionLever,
    AwardTender,
    DirectOrder,
    Lever,
    Move,
    PlantLever,
    PlantShare,
    VaryOrder,
)
from railgap.tenders.open import tender_size
from railgap.tenders.winners import winner_templates


@dataclass(frozen=True)
class Applied:
    """A dataset and assumptions after levers, with what each lever did in words."""

    resolved: Dataset
    assumptions: Assumptions
    notes: list[str]


def _shift(text: Any, months: int) -> Any:
    """Shift a partial date by whole months (the result is month-precise)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    return month_label(month_of(str(text)) + months)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a table as plain dicts of its schema columns (no derived columns)."""
    return [
        {str(k): v for k, v in row.items() if not str(k).startswith("_")}
        for row in frame.to_dict("records")
    ]


def _order_row(orders: pd.DataFrame, order_id: str, where: str) -> dict[str, Any]:
    rows = orders[orders["order_id"] == order_id]
    if rows.empty:
        raise DataError([Problem(where, None, "order", f"no order '{order_id}' known on the date")])
    return _records(rows)[-1]


def _packages(
    tables: dict[str, pd.DataFrame],
    order_id: str,
    plants: list[PlantShare],
    vehicles: int,
    source: str,
    known: str,
    where: str,
) -> pd.DataFrame:
    known_plants = set(tables["plants"]["plant_id"])
    rows = []
    for share in plants:
        if share.plant not in known_plants:
            raise DataError(
                [Problem(where, None, "plants", f"no plant '{share.plant}' known on the date")]
            )
        rows.append(
            {
                "order_id": order_id,
                "plant_id": share.plant,
                "stage": share.stage,
                "vehicles": round(vehicles * share.share),
                "build_start": share.build_start,
                "build_end": share.build_end,
                "source": source,
                "known_from": known,
            }
        )
    return typed_rows("work_packages", rows, where)


SCENARIO_SOURCE = "https://railgap.invalid/scenario"


def _new_order(
    tables: dict[str, pd.DataFrame], fields: dict[str, Any], plants: list[PlantShare], where: str
) -> dict[str, pd.DataFrame]:
    if fields["order_id"] in set(tables["orders"]["order_id"]):
        raise DataError([Problem(where, None, "order_id", f"order '{fields['order_id']}' exists")])
    if fields["manufacturer_id"] not in set(tables["manufacturers"]["manufacturer_id"]):
        raise DataError(
            [
                Problem(
                    where,
                    None,
                    "manufacturer",
                    f"no manufacturer '{fields['manufacturer_id']}' known on the date",
                )
            ]
        )
    row = {"status": "firm", "source": SCENARIO_SOURCE, **fields}
    orders = typed_rows("orders", [row], where)
    vehicles = int(fields["units"]) * int(fields["cars_per_unit"])
    packages = _packages(
        tables, fields["order_id"], plants, vehicles, SCENARIO_SOURCE, fields["known_from"], where
    )
    return {
        **tables,
        "orders": pd.concat([tables["orders"], orders], ignore_index=True),
        "work_packages": pd.concat([tables["work_packages"], packages], ignore_index=True),
    }


def complete_award(
    lever: AwardTender, resolved: Dataset, a: Assumptions, where: str
) -> AwardTender:
    """Fill what an award lever leaves out from its tender's row and the winner's last order."""
    missing = [
        name
        for name in ("date", "units", "cars_per_unit", "plants")
        if getattr(lever, name) is None
    ]
    if not missing:
        return lever
    tenders = resolved.tables.get("tenders")
    rows = tenders[tenders["tender_id"] == lever.tender] if tenders is not None else None
    if rows is None or rows.empty:
        raise DataError([Problem(where, None, missing[0], f"is required: no tender "
                                 f"'{lever.tender}' known on the date to take it from")])
    assert resolved.as_of is not None
    tender = rows.iloc[-1]
    yom = a.number("year_only_month")
    update: dict[str, Any] = {}
    expected = date_months(rows.iloc[[-1]], "expected_award", yom)[0]
    if lever.date is None:
        month = max(int(expected), date_month(resolved.as_of)) if expected == expected else None
        if month is None:
            raise DataError([Problem(where, None, "date", f"is required: tender {lever.tender} "
                                     "states no expected award")])
        update["date"] = dt.date(month // 12, month % 12 + 1, 1)
        first = date_months(rows.iloc[[-1]], "expected_first_delivery", yom)[0]
        if lever.first_delivery is None and first == first:
            update["first_delivery"] = month_label(int(first))
    size = tender_size(tender, resolved, a)
    template = winner_templates(resolved, a).get(lever.winner)
    cars = lever.cars_per_unit
    if cars is None:
        if not np.isnan(size.cars_per_unit):
            cars = round(size.cars_per_unit)
        elif template is not None:
            cars = template.cars_per_unit
        else:
            raise DataError([Problem(where, None, "cars_per_unit", "is required: the tender "
                                     "and its segment's fleets give no unit length")])
        update["cars_per_unit"] = cars
    if lever.units is None:
        if not np.isnan(size.units[0]):
            update["units"] = int(size.units[0])
        elif not np.isnan(size.vehicles[0]):
            update["units"] = max(round(size.vehicles[0] / cars), 1)
        else:
            raise DataError([Problem(where, None, "units", f"is required: tender "
                                     f"{lever.tender} states no size")])
    if lever.plants is None:
        if template is None:
            raise DataError([Problem(where, None, "plants", f"is required: no GB order by "
                                     f"'{lever.winner}' shows where it would build")])
        update["plants"] = [
            PlantShare.model_validate({"plant": p, "stage": s, "share": sh})
            for p, s, sh in zip(template.plants, template.stages, template.shares, strict=True)
        ]
    return lever.model_copy(update=update)


def apply_levers(
    resolved: Dataset,
    a: Assumptions,
    levers: list[tuple[str, Lever]],
    where: str = "scenario",
    first_index: int = 1,
) -> Applied:
    """Apply levers in order to a dataset resolved on the scenario's as-of date.

    Levers are numbered from ``first_index`` in messages and notes (so that applying a
    scenario's levers one at a time numbers them as the whole scenario does).
    """
    if resolved.as_of is None:
        raise ValueError("apply_levers needs a dataset resolved with railgap.dataset.as_of")
    tables = dict(resolved.tables)
    notes = []
    known = resolved.as_of.isoformat()
    for index, (kind, lever) in enumerate(levers, start=first_index):
        label = f"{where}: lever {index} ({kind})"
        if isinstance(lever, VaryOrder):
            tables, note = _vary(tables, lever, kind, index, resolved.as_of, a, label)
        elif isinstance(lever, DirectOrder | AwardTender):
            if isinstance(lever, AwardTender):
                lever = complete_award(lever, replace(resolved, tables=tables), a, label)
            row, note = lever.as_order(index)
            assert lever.plants is not None
            tables = _new_order(tables, {**row, "known_from": known}, lever.plants, label)
        elif isinstance(lever, Move):
            tables, note = _move(tables, lever, label)
        elif isinstance(lever, PlantLever):
            tables, note = _plant(tables, lever, resolved.as_of, label)
        elif isinstance(lever, AssumptionLever):
            a = a.with_overrides({lever.name: lever.value}, label)
            note = f"assumption {lever.name} = {lever.value}"
        else:  # pragma: no cover - LEVERS and this chain are kept in step
            raise TypeError(kind)
        notes.append(f"{index}. {note}")
    return Applied(replace(resolved, tables=tables), a, notes)


def _vary(
    tables: dict[str, pd.DataFrame],
    lever: VaryOrder,
    kind: str,
    index: int,
    as_of: dt.date,
    a: Assumptions,
    label: str,
) -> tuple[dict[str, pd.DataFrame], str]:
    parent = _order_row(tables["orders"], lever.order, label)
    order = lever.order
    units_asked = lever.units
    if parent.get("status") == "open_option":
        # An option row: exercise it on its parent order, at most the units it offers.
        if kind != "exercise_option":
            raise DataError([Problem(label, None, "order", f"{order} is an option not "
                                     "exercised: exercise it with exercise_option")])
        offered = int(parent["units"])
        units_asked = offered if units_asked is None else units_asked
        if units_asked > offered:
            raise DataError([Problem(label, None, "units",
                                     f"option {order} offers {offered} units, not {units_asked}")])
        order = str(parent["parent_order_id"])
        parent = _order_row(tables["orders"], order, label)
    if units_asked is None:
        raise DataError([Problem(label, None, "units", "is required unless order names an "
                                 "open option of the orders table")])
    if units_asked < 0:
        orders = tables["orders"].copy()
        mask = orders["order_id"] == order
        delivered = order_profile(orders[mask], date_month(as_of), a)["units_delivered"]
        floor = int(delivered.to_numpy()[-1])
        units = max(int(parent["units"]) + units_asked, floor)
        orders.loc[mask, "units"] = units
        # Stated package sizes shrink in the same proportion as the order.
        packages = tables["work_packages"].copy()
        pmask = (packages["order_id"] == order).to_numpy()
        scale = units / max(int(parent["units"]), 1)
        packages.loc[pmask, "vehicles"] = (
            (packages.loc[pmask, "vehicles"].astype("float64") * scale).round().astype("Int64")
        )
        return {**tables, "orders": orders, "work_packages": packages}, (
            f"order {order} cut to {units} units"
        )
    # The added units follow the parent's deliveries, at the parent's delivery rate, and
    # cannot be delivered before an assembly lead time after the decision.
    profile = order_profile(
        tables["orders"][tables["orders"]["order_id"] == order], date_month(as_of), a
    )
    vehicles = float(profile["vehicles"].iloc[-1])
    first_month = float(profile["first_delivery"].iloc[-1])
    last_month = float(profile["last_delivery"].iloc[-1])
    cars = int(parent["cars_per_unit"])
    rate = max(vehicles / (last_month - first_month + 1), 1.0)
    start = max(
        int(last_month) + 1, date_month(lever.from_) + int(a.number("assembly_lead_months"))
    )
    first = lever.first_delivery or month_label(start)
    last = lever.last_delivery or month_label(
        month_of(first) + int(np.ceil(units_asked * cars / rate)) - 1
    )
    order_id = f"{order}-{kind.replace('_', '-')}-{index}"
    fields = {
        "order_id": order_id,
        "class": parent["class"],
        "parent_order_id": order,
        "status": "option" if kind == "exercise_option" else "variation",
        "manufacturer_id": parent["manufacturer_id"],
        "operator": parent.get("operator"),
        "units": units_asked,
        "cars_per_unit": cars,
        "signed": lever.from_.isoformat(),
        "planned_first_delivery": first,
        "planned_last_delivery": last,
        "known_from": as_of.isoformat(),
    }
    parent_packages = tables["work_packages"][tables["work_packages"]["order_id"] == order]
    if parent_packages.empty:
        raise DataError(
            [Problem(label, None, "order", f"order {order} has no work packages")]
        )
    # The new units are built where the parent's are, in the same shares by stage.
    working, parts = stage_shares(parent_packages)
    if not working.any():
        raise DataError(
            [Problem(label, None, "order", f"order {order}'s work packages build no vehicles")]
        )
    doing = parent_packages[working]
    shares = [
        PlantShare(plant=plant, stage=stage, share=float(part))
        for plant, stage, part in zip(doing["plant_id"], doing["stage"], parts, strict=True)
    ]
    tables = _new_order(tables, fields, shares, label)
    return tables, f"{kind} on {order}: +{units_asked} units delivered {first} to {last}"


def _move(
    tables: dict[str, pd.DataFrame], lever: Move, label: str
) -> tuple[dict[str, pd.DataFrame], str]:
    _order_row(tables["orders"], lever.order, label)
    orders = tables["orders"].copy()
    mask = (orders["order_id"] == lever.order).to_numpy()
    fields = [
        "signed",
        "planned_first_delivery",
        "planned_last_delivery",
        "planned_entry_into_service",
    ]
    rows = _records(orders[mask])
    for row in rows:
        for field in fields:
            row[field] = _shift(row.get(field), lever.months)
    moved = typed_rows("orders", rows, label)
    packages = tables["work_packages"].copy()
    pmask = (packages["order_id"] == lever.order).to_numpy()
    prow = _records(packages[pmask])
    for row in prow:
        for field in ("build_start", "build_end"):
            row[field] = _shift(row.get(field), lever.months)
    return (
        {
            **tables,
            "orders": pd.concat([orders[~mask], moved], ignore_index=True),
            "work_packages": pd.concat(
                [packages[~pmask], typed_rows("work_packages", prow, label)], ignore_index=True
            ),
        },
        f"order {lever.order} moved {lever.months:+d} months",
    )


def _plant(
    tables: dict[str, pd.DataFrame], lever: PlantLever, as_of: dt.date, label: str
) -> tuple[dict[str, pd.DataFrame], str]:
    plants = tables["plants"].copy()
    mask = (plants["plant_id"] == lever.plant).to_numpy()
    if not mask.any():
        raise DataError(
            [Problem(label, None, "plant", f"no plant '{lever.plant}' known on the date")]
        )
    said = []
    if lever.capacity is not None:
        plants.loc[mask, "capacity_vehicles_per_month"] = float(lever.capacity)
        said.append(f"capacity {lever.capacity:g}/month")
    staff = tables["plant_staff"]
    rows = []
    if lever.employees is not None:
        date = (lever.from_ or as_of).isoformat()
        rows.append({"plant_id": lever.plant, "date": date, "employees": lever.employees})
        said.append(f"{lever.employees} staff from {date}")
    if lever.closed is not None:
        plants.loc[mask, "closed"] = lever.closed.isoformat()
        rows.append({"plant_id": lever.plant, "date": lever.closed.isoformat(), "employees": 0})
        said.append(f"closed {lever.closed.isoformat()}")
    if rows:
        new = [{**r, "source": SCENARIO_SOURCE, "known_from": as_of.isoformat()} for r in rows]
        staff = pd.concat([staff, typed_rows("plant_staff", new, label)], ignore_index=True)
    if not said:
        raise DataError([Problem(label, None, "plant", "give capacity, employees or closed")])
    return {
        **tables,
        "plants": plants,
        "plant_staff": staff,
    }, f"plant {lever.plant}: {', '.join(said)}"
