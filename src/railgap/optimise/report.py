"""The optimiser's answer as tables: timetable, plant loads, terms and unclosed gaps.

Pure functions over an instance, its candidates and the plans chosen; no I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from railgap.dataset.dates import month_label
from railgap.optimise.inputs import Instance
from railgap.optimise.model import Candidates
from railgap.optimise.plans import Terms, fits_alone, jobs_at_risk, new_load
from railgap.optimise.tenders import TENDER_COLUMNS
from railgap.plants.loading import short_name

#: Columns of the timetable, one row per need.
TIMETABLE_COLUMNS = [
    "need_id",
    "family",
    "segment",
    "vehicles",
    "replaces",
    "due",
    "status",
    "award",
    "plant_id",
    "build_start",
    "build_end",
    "in_service_end",
    "late_months",
    "overage_vehicle_years",
    "procured_by",
    "reason",
]
#: Columns of :func:`tender_table`, one row per tender open on the as-of date.
#: The tender's own columns (as :func:`~railgap.optimise.tenders.expected_tenders` gives them),
#: then what the as-procured plan did with it.
TENDER_REPORT_COLUMNS = [*TENDER_COLUMNS[:6], "needs", "award", "plant_id", "reason"]
PLAN_NAMES = ("optimised", "greedy", "as_procured")


def terms_table(terms: dict[str, Terms]) -> pd.DataFrame:
    """One row per plan: its objective terms."""
    return pd.DataFrame([{"plan": name, **t.as_dict()} for name, t in terms.items()]).set_index(
        "plan"
    )


def timetable(
    inst: Instance,
    cand: Candidates,
    picked: np.ndarray,
    why: dict[str, str],
    procured: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per need: award month, plant and build window, or why it is unmet.

    ``why`` gives, by need_id, what the check stage found about a need; ``procured`` is the
    as-procured plan, so that ``procured_by`` marks a tender's need that plan could not
    place ("<tender> (not placed)").
    """
    needs = inst.needs
    row_of = np.full(len(needs), -1)
    row_of[cand.need[picked]] = picked
    got = row_of >= 0
    # Unplaced needs point at a padding entry past the candidates.
    c = np.where(got, row_of, len(cand))
    ids = np.append(inst.plants["plant_id"].to_numpy().astype(object), np.array([None]))
    start = np.append(cand.start, 0)
    duration = np.append(cand.duration, 1)
    award = np.append(cand.award, 0)
    plant = np.append(cand.plant, len(ids) - 1)
    overage = np.append(cand.overage, 0.0)

    def label(values: np.ndarray) -> np.ndarray:
        return np.array([month_label(int(v)) for v in values], dtype=object)

    def when_got(values: np.ndarray) -> np.ndarray:
        return np.where(got, values, np.array(None, dtype=object))

    end = start[c] + duration[c] - 1
    late = np.maximum(end + inst.lag_months - needs["due_month"].to_numpy() + 1, 0)
    frame = pd.DataFrame(
        {
            "need_id": needs["need_id"].to_numpy(),
            "family": needs["family"].to_numpy(),
            "segment": needs["segment"].to_numpy(),
            "vehicles": needs["vehicles"].to_numpy(dtype="float64").round(1),
            "replaces": needs["replaces"].to_numpy(),
            "due": label(needs["due_month"].to_numpy()),
            "status": np.where(
                got,
                np.where(late > 0, "late", "on time"),
                np.where(needs["due_month"].to_numpy() > inst.last_month, "later", "unmet"),
            ),
            "award": when_got(label(award[c])),
            "plant_id": when_got(ids[plant[c]]),
            "build_start": when_got(label(start[c])),
            "build_end": when_got(label(end)),
            "in_service_end": when_got(label(end + inst.lag_months)),
            "late_months": np.where(got, late, np.nan),
            "overage_vehicle_years": np.where(got, overage[c], cand.unmet_overage).round(1),
            "procured_by": _procured_by(inst, cand, procured),
            "reason": [
                None
                if g or due > inst.last_month
                else why.get(
                    str(nid),
                    "not awarded in the horizon: no room at any plant that "
                    "can build it, or cheaper to leave under these weights",
                )
                for g, nid, due in zip(got, needs["need_id"], needs["due_month"], strict=True)
            ],
        }
    )
    return frame.sort_values(["due", "need_id"]).reset_index(drop=True)


def _procured_by(inst: Instance, cand: Candidates, procured: np.ndarray | None) -> np.ndarray:
    """Per need: the tender the as-procured plan times it from, or ``just in time``."""
    by = inst.procurement.procured_by.astype(object)
    if procured is None:
        return by
    placed = np.zeros(len(inst.needs), dtype=bool)
    placed[cand.need[procured]] = True
    lost = (inst.procurement.tender >= 0) & ~placed
    by[lost] = [f"{b} (not placed)" for b in by[lost]]
    return by


def tender_table(inst: Instance, cand: Candidates, picked: np.ndarray) -> pd.DataFrame:
    """Per open tender: the needs it procures, when and where ``picked`` awards them, or why none.

    ``picked`` is the as-procured plan (:func:`railgap.optimise.plans.as_procured`).
    """
    tenders = inst.procurement
    table = tenders.table
    ids = inst.plants["plant_id"].to_numpy().astype(str)
    rows = []
    for k, t in enumerate(table.to_dict("records")):
        mine = picked[tenders.tender[cand.need[picked]] == k]
        awards = sorted({month_label(int(a)) for a in cand.award[mine]})
        plants = list(dict.fromkeys(ids[cand.plant[mine]]))
        reason = None if pd.isna(t["reason"]) else t["reason"]
        mapped = int((tenders.tender == k).sum())
        if reason is None and not len(mine):
            reason = "no capable plant can build its needs from its expected award in the horizon"
        elif reason is None and len(mine) < mapped:
            reason = (
                f"{mapped - len(mine)} of its {mapped} needs could not be placed from its "
                "expected award in the horizon"
            )
        expected = t["expected_award"]
        rows.append(
            {
                "tender_id": t["tender_id"],
                "stage": t["stage"],
                "expected_award": None if pd.isna(expected) else month_label(int(expected)),
                "family": t["family"],
                "segment": t["segment"],
                "vehicles": t["vehicles"],
                "needs": None if pd.isna(t["needs"]) else t["needs"],
                "award": ";".join(awards) or None,
                "plant_id": ";".join(plants) or None,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=TENDER_REPORT_COLUMNS)


def plant_months(inst: Instance, cand: Candidates, picked: np.ndarray) -> pd.DataFrame:
    """Per plant and month: firm and new load, capacity, viable rate and jobs at risk."""
    new = new_load(inst, cand, picked)
    total = inst.firm + new
    before = jobs_at_risk(inst, inst.firm)
    after = jobs_at_risk(inst, total)
    n_p, n_t = total.shape
    return pd.DataFrame(
        {
            "plant_id": np.repeat(inst.plants["plant_id"].to_numpy(), n_t),
            "month": np.tile(inst.months, n_p),
            "firm": inst.firm.ravel(),
            "new": new.ravel(),
            "capacity": np.repeat(inst.capacity, n_t),
            "viable": np.repeat(inst.viable, n_t),
            "jobs_at_risk_before": before.ravel(),
            "jobs_at_risk": after.ravel(),
        }
    )


def plant_summary(inst: Instance, cand: Candidates, plans: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per plant: vehicles awarded and jobs-at-risk-months without new orders and per plan."""
    frame = inst.plants[["plant_id", "name", "country"]].copy()
    frame.insert(2, "short_name", [short_name(p) for p in inst.plants.itertuples(index=False)])
    frame["capacity"] = inst.capacity
    frame["viable"] = inst.viable
    vehicles = inst.needs["vehicles"].to_numpy(dtype="float64")
    frame["jobs_at_risk_months_firm_only"] = jobs_at_risk(inst, inst.firm).sum(axis=1)
    for name in PLAN_NAMES:
        picked = plans[name]
        total = inst.firm + new_load(inst, cand, picked)
        frame[f"jobs_at_risk_months_{name}"] = jobs_at_risk(inst, total).sum(axis=1)
        frame[f"months_below_viable_{name}"] = (
            (total < inst.viable[:, None] - 1e-9) & inst.open_ & inst.gb[:, None]
        ).sum(axis=1)
        frame[f"vehicles_{name}"] = np.bincount(
            cand.plant[picked], weights=vehicles[cand.need[picked]], minlength=len(frame)
        )
    keep = (frame["capacity"] > 0) & (
        (frame["country"] == "GB") | (frame["vehicles_optimised"] > 0)
    )
    return frame[keep].reset_index(drop=True)


def unclosed_gaps(inst: Instance, cand: Candidates, picked: np.ndarray, step: int) -> pd.DataFrame:
    """Runs of months a GB plant stays below its viable rate, and why.

    *No timetable could close it* when no candidate award can load that plant in that
    month: it is before any new order can be in production (the award lead time), the firm
    book leaves no room, or no need it can build can be built then. Otherwise it could be
    closed: by a need left unplaced that fits beside the timetable (the optimiser judged
    it dearer under the weights), or only by re-timing the timetable's other builds at the
    plant (on the award grid they collide).
    """
    total = inst.firm + new_load(inst, cand, picked)
    gb = inst.gb & (inst.capacity > 0)
    below = (total < inst.viable[:, None] - 1e-9) & inst.open_ & gb[:, None]
    below &= np.where(inst.gb[:, None], inst.employees, 0.0) > 0
    # Reachable: some candidate that fits the firm book's spare capacity alone loads it;
    # free: some candidate of a need not in the plan fits beside the plan's builds.
    spare = np.maximum(inst.capacity[:, None] - inst.firm, 0.0)
    residual = np.maximum(inst.capacity[:, None] - total, 0.0)
    fits = fits_alone(inst, cand, spare)[cand.entry_col]
    reach = np.zeros_like(below)
    reach[cand.plant[cand.entry_col[fits]], cand.entry_t[fits]] = True
    unplaced = np.ones(len(inst.needs), dtype=bool)
    unplaced[cand.need[picked]] = False
    beside = fits_alone(inst, cand, residual) & unplaced[cand.need]
    beside_e = beside[cand.entry_col]
    free = np.zeros_like(below)
    free[cand.plant[cand.entry_col[beside_e]], cand.entry_t[beside_e]] = True
    touched = np.zeros_like(below)
    touched[cand.plant[cand.entry_col], cand.entry_t] = True
    jobs = jobs_at_risk(inst, total)
    rows = []
    first_build = inst.first_month + inst.lead_months
    for p in np.flatnonzero(below.any(axis=1)):
        flags = below[p].astype(np.int8)
        edges = np.flatnonzero(np.diff(np.r_[0, flags, 0]))
        for s, e in zip(edges[::2], edges[1::2], strict=True):
            # Split the run where reachability changes.
            cut = np.flatnonzero(np.diff(reach[p, s:e].astype(np.int8))) + s + 1
            for a, b in zip(np.r_[s, cut], np.r_[cut, e], strict=True):
                months = inst.months[a:b]
                if free[p, a:b].any():
                    reason = (
                        "could be closed: an unplaced need fits beside this timetable, "
                        "left open as the cheaper plan under these weights"
                    )
                    closable = True
                elif reach[p, a]:
                    reason = (
                        "not closed: the builds that could load it collide with this "
                        f"timetable's other builds there (awards every {step} months)"
                    )
                    closable = True
                elif months[-1] < first_build:
                    reason = (
                        f"no timetable could close it: no new order can be in production before "
                        f"{month_label(first_build)} ({inst.lead_months} months from award)"
                    )
                    closable = False
                elif touched[p, a:b].any():
                    reason = (
                        "no timetable could close it: the firm order book leaves too little "
                        "spare capacity for a new order then"
                    )
                    closable = False
                else:
                    reason = (
                        "no timetable could close it: no need this plant can build can be "
                        "built in these months"
                    )
                    closable = False
                rows.append(
                    {
                        "plant_id": inst.plants["plant_id"].iloc[p],
                        "from": month_label(int(months[0])),
                        "to": month_label(int(months[-1])),
                        "months": int(b - a),
                        "jobs_at_risk_months": float(jobs[p, a:b].sum()),
                        "closable": closable,
                        "reason": reason,
                    }
                )
    columns = ["plant_id", "from", "to", "months", "jobs_at_risk_months", "closable", "reason"]
    return pd.DataFrame(rows, columns=columns)
