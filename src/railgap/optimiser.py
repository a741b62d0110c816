"""The pipeline optimiser: when and where the not-yet-ordered demand is built.

Pure functions over an :class:`~railgap.pipeline_inputs.Instance`; no I/O. The stages, as
in PyPSA's optimiser:

1. **Check** (:func:`explain`): needs that no candidate can meet, and why, in words.
2. **Build** (:func:`railgap.pipeline_model.build_model`): the MIP's arrays.
3. **Solve** (:func:`railgap.pipeline_model.solve`): HiGHS, from the greedy plan; status and
   MIP gap are returned, never raised.
4. **Extract and post-process** (:func:`optimize_instance`): the timetable, each plant's
   loading before and after, the objective terms against the two baselines
   (:mod:`railgap.pipeline_plans`), and the gaps no timetable could close.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from railgap.dates import month_label
from railgap.pipeline_inputs import Instance
from railgap.pipeline_model import (
    Candidates,
    Model,
    SolveResult,
    build_model,
    candidates,
    chosen,
    relax,
    solve,
)
from railgap.pipeline_options import Options, award_step
from railgap.pipeline_plans import (
    Terms,
    as_procured,
    evaluate,
    greedy,
    jobs_at_risk,
    new_load,
    rounded,
)

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
    "reason",
]
PLAN_NAMES = ("optimised", "greedy", "as_procured")


@dataclass(frozen=True)
class Optimised:
    """The optimiser's answer: timetable, loads, terms, gaps and the solver's report."""

    timetable: pd.DataFrame
    plants: pd.DataFrame
    plant_months: pd.DataFrame
    terms: pd.DataFrame
    gaps: pd.DataFrame
    problems: list[str]
    status: str
    mip_gap: float
    build_seconds: float
    solve_seconds: float
    n_candidates: int
    picked: dict[str, np.ndarray] = field(repr=False)
    cand: Candidates = field(repr=False)


def explain(inst: Instance, cand: Candidates, options: Options) -> list[str]:
    """Before solving: in words, each need no candidate can meet and each option that fails."""
    problems = []
    ids = inst.plants["plant_id"].to_numpy().astype(str)
    has = np.zeros(len(inst.needs), dtype=bool)
    has[cand.need] = True
    spare = np.maximum(inst.capacity[:, None] - inst.firm, 0.0)
    for n in np.flatnonzero(~has):
        need = inst.needs.iloc[n]
        able = [p for p in np.flatnonzero(inst.capable[n]) if ids[p] not in options.must_not_use]
        due = month_label(int(need["due_month"]))
        what = (
            f"need {need['need_id']} ({need['vehicles']:.0f} {need['family']} "
            f"{need['segment']} vehicles due {due})"
        )
        if not inst.capable[n].any():
            problems.append(f"{what}: no plant has built {need['family']} {need['segment']} trains")
        elif not able:
            problems.append(f"{what}: every plant that can build it is excluded (must_not_use)")
        else:
            first = month_label(int(need["earliest_award"]) + inst.lead_months)
            names = ", ".join(ids[p] for p in able)
            problems.append(
                f"{what}: {names} cannot build it for {need['duration_months']} months "
                f"from {first} within the horizon (closed, not open, or past its end)"
            )
    # Needs whose every candidate exceeds the plants' spare capacity even alone.
    fits = _fits_alone(inst, cand, spare)
    for n in np.flatnonzero(has):
        mine = cand.need == n
        if not fits[mine].any():
            need = inst.needs.iloc[n]
            rate = need["vehicles"] / need["duration_months"]
            names = ", ".join(sorted({ids[p] for p in cand.plant[mine]}))
            problems.append(
                f"need {need['need_id']}: at {rate:.1f} vehicles a month it does not fit the spare "
                f"capacity of {names} in any month it could be built"
            )
    if options.budget_gbp_m_per_year is not None and inst.price_gbp_m != inst.price_gbp_m:
        problems.append(
            "budget not applied: no order in the dataset states a contract value to price "
            "vehicles with"
        )
    must = [p for p in options.must_use if p not in set(ids[cand.plant])]
    for plant in must:
        reason = "is not known" if plant not in set(ids) else "cannot build any need in the horizon"
        problems.append(f"plant {plant} must be used but {reason}")
    return problems


def _fits_alone(inst: Instance, cand: Candidates, spare: np.ndarray) -> np.ndarray:
    short = cand.ve_rate[cand.entry_col] > spare[cand.plant[cand.entry_col], cand.entry_t] + 1e-9
    bad = np.zeros(len(cand), dtype=bool)
    bad[cand.entry_col[short]] = True
    return ~bad


def full_start(inst: Instance, cand: Candidates, model: Model, picked: np.ndarray) -> np.ndarray:
    """Every variable's value for a plan, so HiGHS can start from it."""
    x = np.zeros(model.lp.num_col_)
    at = model.offsets
    x[picked] = 1.0
    met = np.zeros(len(inst.needs), dtype=bool)
    met[cand.need[picked]] = True
    x[at["unmet"] : at["unmet"] + model.n_need] = (~met).astype(float)
    total = inst.firm + new_load(inst, cand, picked)
    jp, jt = model.jobs_pt
    x[at["below"] : at["below"] + len(jp)] = total[jp, jt] < inst.viable[jp] - 1e-9
    x[at["jobs"] : at["jobs"] + len(jp)] = jobs_at_risk(inst, total)[jp, jt]
    step = np.diff(total, axis=1).ravel()
    x[at["rise"] : at["rise"] + model.n_smooth] = np.maximum(step, 0)
    x[at["fall"] : at["fall"] + model.n_smooth] = np.maximum(-step, 0)
    return x


def neighbourhood(cand: Candidates, support: np.ndarray, step: int) -> np.ndarray:
    """Candidates of the same need and plant as a supported one, within one award step."""
    if not len(cand):
        return support.copy()
    span = int(cand.award.max() - cand.award.min()) + 3 * step + 1
    pair = cand.need.astype(np.int64) * (int(cand.plant.max()) + 1) + cand.plant
    key = pair * span + (cand.award - int(cand.award.min()) + step)
    keys = np.unique(key[support])
    near = np.zeros(len(cand), dtype=bool)
    for shift in (-step, 0, step):
        near |= np.isin(key + shift, keys)
    return near


def solve_staged(
    inst: Instance, cand: Candidates, model: Model, options: Options, fallback: np.ndarray
) -> SolveResult:
    """Solve to the gap fast: relaxation, rounding, restricted MIP, then the full MIP.

    1. The linear relaxation gives a lower bound and fractional awards.
    2. Rounding them (:func:`~railgap.pipeline_plans.rounded`) gives a plan; the MIP
       restricted to the candidates the relaxation uses (and the rounded plan's) improves
       it (with the candidates of the same need and plant one award step either side), in
       up to half the time left.
    3. If that plan is within ``mip_gap`` of the relaxation's bound it is proven good enough
       and returned; else the full MIP runs from it in the time left. The greedy plan
       (``fallback``) starts the full MIP when the relaxation fails.
    """
    tic = time.perf_counter()
    lp = relax(model, options)
    if not lp.has_solution:
        return solve(model, options, full_start(inst, cand, model, fallback))
    weight = lp.values[: model.n_cand]
    plan = rounded(inst, cand, weight)
    support = weight > 1e-6
    support[plan] = True
    allowed = neighbourhood(cand, support, award_step(options, len(inst.months)))
    left = options.time_limit_s - (time.perf_counter() - tic)
    start = full_start(inst, cand, model, plan)
    sub = solve(model, options, start, allowed, time_limit=max(left / 2, 0.5))
    best = sub.values if sub.has_solution else start
    objective = float(model.lp.col_cost_ @ best)
    gap = (objective - lp.bound) / max(abs(objective), 1e-9)
    left = options.time_limit_s - (time.perf_counter() - tic)
    if gap <= options.mip_gap or left <= 0.5:
        status = "Optimal" if gap <= options.mip_gap else "Time limit reached"
        return SolveResult(
            status, max(gap, 0.0), objective, lp.bound, time.perf_counter() - tic, best
        )
    full = solve(model, options, best, time_limit=left)
    if not full.has_solution or full.objective > objective:
        return SolveResult(
            full.status, max(gap, 0.0), objective, lp.bound, time.perf_counter() - tic, best
        )
    bound = max(full.bound, lp.bound)
    return SolveResult(
        full.status,
        max((full.objective - bound) / max(abs(full.objective), 1e-9), 0.0),
        full.objective,
        bound,
        time.perf_counter() - tic,
        full.values,
    )


def optimize_instance(inst: Instance, options: Options) -> Optimised:
    """Run every stage on one instance (see the module docstring)."""
    cand = candidates(inst, options)
    problems = explain(inst, cand, options)
    model = build_model(inst, cand, options)
    plans = {"greedy": greedy(inst, cand), "as_procured": as_procured(inst, cand)}
    impossible = any(p.startswith("plant ") for p in problems)
    if impossible:
        result = SolveResult(
            "Infeasible (checked before solving)", np.inf, np.nan, np.nan, 0.0, np.zeros(0)
        )
    else:
        result = solve_staged(inst, cand, model, options, plans["greedy"])
    plans["optimised"] = chosen(result, model)
    terms = {name: evaluate(inst, cand, plans[name], options.weights) for name in PLAN_NAMES}
    return Optimised(
        timetable=timetable(inst, cand, plans["optimised"], problems),
        plants=plant_summary(inst, cand, plans),
        plant_months=plant_months(inst, cand, plans["optimised"]),
        terms=terms_table(terms),
        gaps=unclosed_gaps(inst, cand, plans["optimised"], award_step(options, len(inst.months))),
        problems=problems,
        status=result.status,
        mip_gap=result.mip_gap,
        build_seconds=model.build_seconds,
        solve_seconds=result.seconds,
        n_candidates=len(cand),
        picked=plans,
        cand=cand,
    )


def terms_table(terms: dict[str, Terms]) -> pd.DataFrame:
    """One row per plan: its objective terms."""
    return pd.DataFrame([{"plan": name, **t.as_dict()} for name, t in terms.items()]).set_index(
        "plan"
    )


def timetable(
    inst: Instance, cand: Candidates, picked: np.ndarray, problems: list[str]
) -> pd.DataFrame:
    """One row per need: award month, plant and build window, or why it is unmet."""
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
    why = {p.split(" ", 2)[1].rstrip(":"): p for p in problems if p.startswith("need ")}
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
    fits = _fits_alone(inst, cand, spare)[cand.entry_col]
    reach = np.zeros_like(below)
    reach[cand.plant[cand.entry_col[fits]], cand.entry_t[fits]] = True
    unplaced = np.ones(len(inst.needs), dtype=bool)
    unplaced[cand.need[picked]] = False
    beside = _fits_alone(inst, cand, residual) & unplaced[cand.need]
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
