"""Open tenders as the expected procurement of needs, for the as-procured baseline.

Pure functions over the resolved dataset, the needs and the plants; no I/O.

- **Tenders** (:func:`expected_tenders`): every tender open on the as-of date. One is used
  when :func:`railgap.tenders.open.open_tenders` dates it by its expected award (with no
  slippage: the date itself) and sizes it, and it states a traction and a segment. Its
  size is the base order, the low end of the stated range (options come later, if at
  all), in vehicles: units times :func:`railgap.tenders.open.tender_size`'s unit length, else
  the vehicles stated. Its family is the ``traction_family`` of its traction; the tender
  tractions the fleet register does not use are read as ``multimode`` = ``bimode`` and
  ``diesel`` = ``dmu`` (both self-powered).
- **Mapping** (:func:`map_tenders`): earliest expected award first, each tender takes the
  needs of its family and segment that no earlier tender took, nearest due first, while
  the vehicles it has left cover at least half of the next need (a lot covered half or
  more counts as procured by the tender; the rest of the tender is not carried over). Its
  needs are awarded from its expected award month (the first month awards may be made in,
  if that is earlier), preferably at its shortlisted bidders' plants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import month_label
from railgap.fleets.needs import family_of
from railgap.plants.scheduling import date_months
from railgap.tenders.history import TenderHistory
from railgap.tenders.open import open_rows, open_tenders, tender_size

#: Tender tractions the fleet register does not use, read as the fleet traction named.
TENDER_TRACTION = {"multimode": "bimode", "diesel": "dmu"}
#: Columns of :func:`expected_tenders`, one row per open tender.
TENDER_COLUMNS = [
    "tender_id",
    "stage",
    "expected_award",
    "family",
    "segment",
    "vehicles",
    "makers",
    "reason",
]
#: Columns of :attr:`TenderMap.table`: the tenders and the needs each procures.
MAP_COLUMNS = [*TENDER_COLUMNS[:-2], "award_from", "needs", "needs_vehicles", "reason"]
#: The expected award alone: no slippage, and no date made up from a notice.
_EXPECTED_ONLY = TenderHistory(1.0, "expected award only", np.zeros(0), np.zeros(0), 0)


@dataclass(frozen=True)
class TenderMap:
    """Which open tender procures each need, from when, and preferably where."""

    tender: np.ndarray  # (N,) row of ``table`` that procures the need, -1: just in time
    award: np.ndarray  # (N,) first month its tender awards it in, -1: just in time
    shortlisted: np.ndarray  # (N, P) bool: capable plants of its tender's shortlisted bidders
    table: pd.DataFrame  # MAP_COLUMNS: one row per open tender, reason missing when mapped

    @classmethod
    def none(cls, n_needs: int, n_plants: int) -> TenderMap:
        """A map with no tender: every need just in time."""
        return cls(
            np.full(n_needs, -1, dtype=np.int64),
            np.full(n_needs, -1, dtype=np.int64),
            np.zeros((n_needs, n_plants), dtype=bool),
            pd.DataFrame(columns=MAP_COLUMNS),
        )

    @property
    def procured_by(self) -> np.ndarray:
        """Per need: the id of the tender that procures it, or ``just in time``."""
        ids = np.append(self.table["tender_id"].to_numpy(dtype=object), "just in time")
        return np.asarray(ids[np.where(self.tender >= 0, self.tender, len(ids) - 1)])


def _family(traction: object, a: Assumptions) -> str | None:
    """A tender traction's family name, or None when it states none the assumption knows."""
    if not isinstance(traction, str) or not traction:
        return None
    fleet = TENDER_TRACTION.get(traction, traction)
    if fleet not in a.table("traction_family"):
        return None
    return str(family_of(np.array([fleet]), a)[0])


def expected_tenders(resolved: Dataset, a: Assumptions) -> pd.DataFrame:
    """Every tender open on the resolved date: its expected award, size and family, or why not.

    ``expected_award`` is a month index (NaN when none is stated); ``vehicles`` the base
    order; ``makers`` the manufacturers its shortlist names (empty when it names none);
    ``reason`` says in words why it cannot be used (missing when it can). Sorted by expected
    award, then id.
    """
    live = open_rows(resolved["tenders"])
    dated = open_tenders(resolved, _EXPECTED_ONLY, a, [])
    found = {str(r["tender_id"]): r for r in dated.to_dict("records")}
    expected = date_months(live, "expected_award", a.number("year_only_month"))
    rows = []
    for i, t in enumerate(live.to_dict("records")):
        tid = str(t["tender_id"])
        traction = t["traction"] if isinstance(t["traction"], str) else ""
        family = _family(traction, a)
        segment = t["segment"] if isinstance(t["segment"], str) and t["segment"] else None
        vehicles, makers, reason = np.nan, (), None
        if tid not in found:
            if np.isnan(expected[i]):
                reason = "states no expected award date"
            elif not tender_size(t, resolved, a).stated:
                reason = "states no size"
            else:
                reason = "no possible bidder is known"
        else:
            row = found[tid]
            if np.isnan(row["units_lo"]):
                vehicles = float(row["vehicles_lo"])
            else:
                vehicles = float(row["units_lo"] * row["cars_per_unit"])
            named = isinstance(t["shortlisted_bidders"], str) and t["shortlisted_bidders"].strip()
            makers = tuple(w for w in row["winners"] if w) if named else ()
            if family is None:
                reason = (
                    f"traction {traction} has no traction_family"
                    if traction
                    else "states no traction"
                )
            elif segment is None:
                reason = "states no segment"
            elif np.isnan(vehicles):
                reason = "states units, and no unit length is known for its segment"
        rows.append(
            {
                "tender_id": tid,
                "stage": str(t["stage"]),
                "expected_award": expected[i],
                "family": family,
                "segment": segment,
                "vehicles": vehicles,
                "makers": makers,
                "reason": reason,
            }
        )
    frame = pd.DataFrame(rows, columns=TENDER_COLUMNS)
    return frame.sort_values(["expected_award", "tender_id"], na_position="last").reset_index(
        drop=True
    )


def map_tenders(
    tenders: pd.DataFrame,
    needs: pd.DataFrame,
    capable: np.ndarray,
    makers: np.ndarray,
    first_award: int,
    last_month: int,
) -> TenderMap:
    """Map tenders (:func:`expected_tenders`, in order) to the needs they procure.

    ``needs`` has ``need_id``, ``family``, ``segment``, ``vehicles`` and ``due_month``;
    ``capable`` is (N, P); ``makers`` the manufacturer of each plant. The rule is in the
    module docstring; a tender that maps no need says why in ``reason``.
    """
    n_needs = len(needs)
    tender = np.full(n_needs, -1, dtype=np.int64)
    award = np.full(n_needs, -1, dtype=np.int64)
    shortlisted = np.zeros(capable.shape, dtype=bool)
    table = tenders.reset_index(drop=True).copy()
    table["award_from"] = np.nan
    table["needs"] = None
    table["needs_vehicles"] = 0.0
    order = np.lexsort((needs["need_id"].to_numpy().astype(str), needs["due_month"].to_numpy()))
    family = needs["family"].to_numpy().astype(str)[order]
    segment = needs["segment"].to_numpy().astype(str)[order]
    vehicles = needs["vehicles"].to_numpy(dtype="float64")
    taken = np.zeros(n_needs, dtype=bool)
    for k, t in enumerate(table.to_dict("records")):
        if not pd.isna(t["reason"]):
            continue
        kind = f"{t['family']} {t['segment']}"
        reason: str | None
        month = int(t["expected_award"])
        same = order[(family == t["family"]) & (segment == t["segment"])]
        mine = same[~taken[same]]
        if month > last_month:
            reason = (
                f"expected award {month_label(month)} is after the horizon "
                f"(ends {month_label(last_month)})"
            )
        elif not len(same):
            reason = f"no {kind} need in the horizon"
        elif not len(mine):
            reason = f"every {kind} need in the horizon is procured by an earlier tender"
        elif not capable[mine[0]].any():
            reason = f"no plant can build {kind} trains"
        else:
            size = vehicles[mine]
            left = t["vehicles"] - np.cumsum(size) + size  # vehicles left before each need
            take = np.cumprod(left >= 0.5 * size).astype(bool)
            reason = (
                None
                if take[0]
                else f"its {t['vehicles']:.0f} vehicles cover less than half of the nearest "
                f"{kind} need, {needs['need_id'].iloc[mine[0]]} ({size[0]:.0f} vehicles)"
            )
        if reason is not None:
            table.at[k, "reason"] = reason
            continue
        chosen = mine[take]
        start = max(month, first_award)
        taken[chosen] = True
        tender[chosen] = k
        award[chosen] = start
        shortlisted[chosen] = np.isin(makers, list(t["makers"]))[None, :] & capable[chosen]
        table.at[k, "award_from"] = start
        table.at[k, "needs"] = ";".join(needs["need_id"].iloc[chosen].astype(str))
        table.at[k, "needs_vehicles"] = float(vehicles[chosen].sum())
    return TenderMap(tender, award, shortlisted, table[MAP_COLUMNS])
