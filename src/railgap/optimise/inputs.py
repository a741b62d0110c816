"""The optimiser's instance: needs, plants, months and the firm order book, as arrays.

Pure functions over the loading engine's answer, the resolved dataset, the needs table and
the assumptions; no I/O. Everything the model, the baselines and the evaluation share is in
one :class:`Instance`, so the three are measured on exactly the same terms.

- **Months**: every month from the first the optimiser may award in to December of the
  last year.
- **Plants**: those with a capacity (stated, else the loading engine's peak scheduled
  month) open in the months they build. Capacity, load and the minimum viable rate
  (``min_viable_share`` x capacity) are in vehicle-equivalents of the plant's stages; a new
  vehicle built at a plant is the sum of the shares of the stages it does there
  (:func:`railgap.plants.scheduling.stage_fraction`).
- **Firm load**: the loading engine's scheduled vehicle-equivalents per plant and month,
  fixed. **Employees**: the latest headcount on or before each month, none after closure.
- **Capability** (:func:`capability`): what each plant can build, by traction family and
  segment, from its own history of final assembly for GB fleets, else (assumption
  ``capability_from_manufacturer``) its manufacturer's; a plant whose stages exclude
  assembly (a bodyshell works) builds no train.
- **Tenders** (:mod:`railgap.optimise.tenders`): the open tenders known on the date that
  state an expected award, mapped to the needs they are expected to procure, for the
  as-procured baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.fleets.needs import family_of
from railgap.optimise.tenders import TenderMap, expected_tenders, map_tenders
from railgap.plants.loading import Loading, closed_months, headcount, opened_months, staff_series
from railgap.plants.scheduling import UNBUILT, stage_fraction

#: Stages whose work makes a plant the builder of a fleet for capability purposes.
BUILD_STAGES = ("assembly", "full")


@dataclass(frozen=True)
class Instance:
    """One optimisation instance: all arrays indexed by need ``n``, plant ``p``, month ``t``."""

    months: np.ndarray  # (T,) month indices
    plants: pd.DataFrame  # plant_id, name, manufacturer_id, country, stages (P rows)
    capacity: np.ndarray  # (P,) vehicle-equivalents a month
    viable: np.ndarray  # (P,) minimum viable load, vehicle-equivalents a month
    fraction: np.ndarray  # (P,) vehicle-equivalents of one new vehicle built there
    gb: np.ndarray  # (P,) bool: plant in Great Britain (jobs at risk counted)
    employees: np.ndarray  # (P, T) headcount (0 where unknown or closed)
    firm: np.ndarray  # (P, T) firm order book load, vehicle-equivalents
    open_: np.ndarray  # (P, T) bool: plant open and able to build
    needs: pd.DataFrame  # needs table plus earliest_award, latest_award
    capable: np.ndarray  # (N, P) bool
    lead_months: int  # award to first production month
    lag_months: int  # production month to passenger service
    rate: float  # vehicles a month one order is built at
    price_gbp_m: float  # contract value per vehicle (NaN when no order states one)
    tenders: TenderMap | None = None  # open tenders mapped to needs (None: none known)

    @property
    def procurement(self) -> TenderMap:
        """The tenders mapped to needs; with none, every need is procured just in time."""
        if self.tenders is not None:
            return self.tenders
        return TenderMap.none(len(self.needs), len(self.plants))

    @property
    def first_month(self) -> int:
        """First month of the horizon."""
        return int(self.months[0])

    @property
    def last_month(self) -> int:
        """Last month of the horizon."""
        return int(self.months[-1])


def capability(
    resolved: Dataset, a: Assumptions, plant_ids: np.ndarray
) -> dict[str, set[tuple[str, str]]]:
    """Per plant: the (traction family, segment) pairs it can build (module docstring)."""
    packages = resolved["work_packages"]
    packages = packages[packages["stage"].isin(BUILD_STAGES)]
    orders = resolved["orders"].drop_duplicates("order_id", keep="last").set_index("order_id")
    fleets = resolved["fleets"]
    fleet_family = fleets["class"].astype(str).str.split("/").str[0].to_numpy()
    kinds = pd.DataFrame(
        {
            "class": fleet_family,
            "family": family_of(fleets["traction"].to_numpy().astype(str), a),
            "segment": fleets["segment"].to_numpy().astype(str),
        }
    ).drop_duplicates()
    built = pd.DataFrame(
        {
            "plant_id": packages["plant_id"].to_numpy(),
            "class": orders["class"]
            .reindex(packages["order_id"].to_numpy())
            .astype(str)
            .str.split("/")
            .str[0]
            .to_numpy(),
        }
    ).merge(kinds, on="class")
    own: dict[str, set[tuple[str, str]]] = {
        str(p): set(zip(g["family"], g["segment"], strict=True))
        for p, g in built.groupby("plant_id")
    }
    makers = resolved["plants"].drop_duplicates("plant_id", keep="last")
    maker = dict(
        zip(makers["plant_id"].astype(str), makers["manufacturer_id"].astype(str), strict=True)
    )
    by_maker: dict[str, set[tuple[str, str]]] = {}
    for plant, pairs in own.items():
        by_maker.setdefault(maker.get(plant, ""), set()).update(pairs)
    inherit = a.number("capability_from_manufacturer") > 0
    # Only a plant that assembles trains (or whose stages no source lists) builds one.
    stages = dict(zip(makers["plant_id"].astype(str), makers["stages"], strict=True))
    out: dict[str, set[tuple[str, str]]] = {}
    for p in map(str, plant_ids):
        listed = stages.get(p)
        assembles = not isinstance(listed, str) or not listed or "assembly" in listed.split(";")
        inherited = by_maker.get(maker.get(p, ""), set()) if inherit else set()
        out[p] = (own.get(p) or inherited) if assembles else set()
    return out


def contract_price(orders: pd.DataFrame) -> float:
    """Median stated contract value per vehicle, GBP million (NaN when no order states one)."""
    latest = orders.drop_duplicates("order_id", keep="last")
    value = latest["value_gbp_m"].to_numpy(dtype="float64", na_value=np.nan)
    vehicles = latest["units"].to_numpy(dtype="float64") * latest["cars_per_unit"].to_numpy(
        dtype="float64"
    )
    ok = ~np.isnan(value) & (vehicles > 0) & ~latest["status"].isin(UNBUILT).to_numpy()
    return float(np.median(value[ok] / vehicles[ok])) if ok.any() else float("nan")


def build_instance(
    loading: Loading,
    resolved: Dataset,
    needs: pd.DataFrame,
    a: Assumptions,
    first_award: int,
    last_month: int,
) -> Instance:
    """Assemble the instance from the loading engine's answer and the needs table.

    ``first_award`` is the first month an award may be made (and the horizon's first
    month); ``last_month`` the horizon's last. ``resolved`` must hold the ``tenders`` and
    ``fleets`` tables: the tenders open on its date are mapped to the needs.
    """
    if last_month < first_award:
        raise ValueError("the horizon must end after it starts")
    months = np.arange(first_award, last_month + 1)
    plants = resolved["plants"].drop_duplicates("plant_id", keep="last").reset_index(drop=True)
    table = loading.plant_months
    ids = plants["plant_id"].to_numpy().astype(str)
    n_months = len(months)
    # Firm load and reference capacity per plant, from the loading engine.
    firm = np.zeros((len(ids), n_months))
    if len(table):
        pos = pd.Series(np.arange(len(ids)), index=ids)
        inside = table[(table["month"] >= first_award) & (table["month"] <= last_month)]
        rows = pos.reindex(inside["plant_id"].to_numpy()).to_numpy()
        ok = ~np.isnan(rows)
        cols = inside["month"].to_numpy()[ok] - first_award
        np.add.at(firm, (rows[ok].astype(int), cols), inside["vehicle_equivalents"].to_numpy()[ok])
        capacity = (
            table.groupby("plant_id")["capacity"].first().reindex(ids).to_numpy(dtype="float64")
        )
    else:
        capacity = np.full(len(ids), np.nan)
    capacity = np.where(np.isnan(capacity) | (capacity <= 0), 0.0, capacity)
    fraction = stage_fraction(plants, a)
    opened = opened_months(plants, a)
    closed = closed_months(plants, a)
    open_ = (
        (np.nan_to_num(opened, nan=-np.inf)[:, None] <= months[None, :])
        & (months[None, :] < closed[:, None])
        & (capacity[:, None] > 0)
    )
    series = staff_series(resolved["plant_staff"], a.number("year_only_month"))
    employees = np.nan_to_num(headcount(series, ids, months, closed))
    able = capability(resolved, a, ids)
    pairs = list(zip(needs["family"].astype(str), needs["segment"].astype(str), strict=True))
    capable = np.array([[pair in able[p] for p in ids] for pair in pairs], dtype=bool).reshape(
        len(needs), len(ids)
    )
    lead = int(a.number("signing_to_first_delivery_months") - a.number("assembly_lead_months"))
    lag = int(a.number("handover_lag_months") + a.number("delivery_to_service_months"))
    rate = a.number("delivery_rate_vehicles_per_month")
    duration = np.ceil(needs["vehicles"].to_numpy(dtype="float64") / rate)
    latest = needs["due_month"].to_numpy(dtype="int64") - lag - duration.astype("int64") - lead
    early = round(a.number("early_replacement_years") * 12)
    frame = needs.copy()
    frame["duration_months"] = duration.astype("int64")
    frame["latest_award"] = latest
    frame["earliest_award"] = np.maximum(latest - early, first_award)
    frame = frame.reset_index(drop=True)
    tenders = map_tenders(
        expected_tenders(resolved, a),
        frame,
        capable,
        plants["manufacturer_id"].to_numpy().astype(str),
        first_award,
        last_month,
    )
    return Instance(
        months=months,
        plants=plants[["plant_id", "name", "manufacturer_id", "country", "stages"]],
        capacity=capacity,
        viable=a.number("min_viable_share") * capacity,
        fraction=fraction,
        gb=(plants["country"] == "GB").to_numpy(),
        employees=employees,
        firm=firm,
        open_=open_,
        needs=frame,
        capable=capable,
        lead_months=lead,
        lag_months=lag,
        rate=rate,
        price_gbp_m=contract_price(resolved["orders"]),
        tenders=tenders,
    )
