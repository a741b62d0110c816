"""The pipeline optimiser: when and where the not-yet-ordered demand is built.

Pure functions over an :class:`~railgap.optimise.inputs.Instance`; no I/O. The stages, as
in PyPSA's optimiser:

1. **Check** (:func:`explain`): needs that no candidate can meet, and why, in words.
2. **Build** (:func:`railgap.optimise.model.build_model`): the MIP's arrays.
3. **Solve** (:func:`solve_staged` with :mod:`railgap.optimise.solve`): HiGHS on the
   relaxation, a restricted MIP and the full MIP; status and gap are returned, never raised.
4. **Extract and post-process** (:func:`optimize_instance`, :mod:`railgap.optimise.report`):
   the timetable, each plant's loading before and after, the objective terms against the
   two baselines (:mod:`railgap.optimise.plans`), and the gaps no timetable could close.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from railgap.dataset.dates import month_label
from railgap.optimise.inputs import Instance
from railgap.optimise.model import Candidates, Model, build_model, candidates
from railgap.optimise.options import Options, award_step
from railgap.optimise.plans import (
    as_procured,
    evaluate,
    fits_alone,
    greedy,
    jobs_at_risk,
    new_load,
    rounded,
)
from railgap.optimise.report import (
    PLAN_NAMES,
    plant_months,
    plant_summary,
    tender_table,
    terms_table,
    timetable,
    unclosed_gaps,
)
from railgap.optimise.solve import (
    SolveResult,
    chosen,
    feasible,
    relative_gap,
    relax,
    solve,
    within_gap,
)


@dataclass(frozen=True)
class Finding:
    """One thing the check stage found, in words, with what it is about."""

    about: Literal["need", "plant", "budget"]
    key: str | None  # the need_id or plant_id it concerns, else None
    text: str


@dataclass(frozen=True)
class Optimised:
    """The optimiser's answer: timetable, loads, terms, gaps and the solver's report."""

    timetable: pd.DataFrame
    plants: pd.DataFrame
    plant_months: pd.DataFrame
    terms: pd.DataFrame
    gaps: pd.DataFrame
    tenders: pd.DataFrame  # per open tender: what the as-procured plan did with it
    problems: list[str]
    status: str
    mip_gap: float
    build_seconds: float
    solve_seconds: float
    n_candidates: int
    picked: dict[str, np.ndarray] = field(repr=False)
    cand: Candidates = field(repr=False)
    #: Which plan is returned as "optimised" ("mip", "greedy", "as_procured" or "none")
    #: and why, in words (see :func:`_returned`).
    returned: str = "mip"
    reason: str = ""
    #: The best lower bound on any plan's objective the solver found (-inf: none).
    bound: float = float("-inf")


def explain(inst: Instance, cand: Candidates, options: Options) -> list[Finding]:
    """Before solving: in words, each need no candidate can meet and each option that fails."""
    problems: list[Finding] = []
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
            text = f"{what}: no plant has built {need['family']} {need['segment']} trains"
        elif not able:
            text = f"{what}: every plant that can build it is excluded (must_not_use)"
        else:
            first = month_label(int(need["earliest_award"]) + inst.lead_months)
            names = ", ".join(ids[p] for p in able)
            text = (
                f"{what}: {names} cannot build it for {need['duration_months']} months "
                f"from {first} within the horizon (closed, not open, or past its end)"
            )
        problems.append(Finding("need", str(need["need_id"]), text))
    # Needs whose every candidate exceeds the plants' spare capacity even alone.
    fits = fits_alone(inst, cand, spare)
    for n in np.flatnonzero(has):
        mine = cand.need == n
        if not fits[mine].any():
            need = inst.needs.iloc[n]
            rate = need["vehicles"] / need["duration_months"]
            names = ", ".join(sorted({ids[p] for p in cand.plant[mine]}))
            text = (
                f"need {need['need_id']}: at {rate:.1f} vehicles a month it does not fit the spare "
                f"capacity of {names} in any month it could be built"
            )
            problems.append(Finding("need", str(need["need_id"]), text))
    if options.budget_gbp_m_per_year is not None and inst.price_gbp_m != inst.price_gbp_m:
        text = (
            "budget not applied: no order in the dataset states a contract value to price "
            "vehicles with"
        )
        problems.append(Finding("budget", None, text))
    usable = set(ids[cand.plant[fits]])  # plants with a candidate that fits on its own
    for plant in (p for p in options.must_use if p not in usable):
        if plant not in set(ids):
            reason = "is not known"
        elif plant in set(ids[cand.plant]):
            reason = "has no spare capacity for any need it could build in the horizon"
        else:
            reason = "cannot build any need in the horizon"
        problems.append(Finding("plant", plant, f"plant {plant} must be used but {reason}"))
    return problems


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


def neighbourhood(
    cand: Candidates, support: np.ndarray, step: int, any_plant: bool = False
) -> np.ndarray:
    """Candidates near supported ones: same need (and plant), award within one step."""
    if not len(cand):
        return support.copy()
    span = int(cand.award.max() - cand.award.min()) + 3 * step + 1
    n_plants = 1 if any_plant else int(cand.plant.max()) + 1
    pair = cand.need.astype(np.int64) * n_plants + (0 if any_plant else cand.plant)
    key = pair * span + (cand.award - int(cand.award.min()) + step)
    keys = np.unique(key[support])
    near = np.zeros(len(cand), dtype=bool)
    for shift in (-step, 0, step):
        near |= np.isin(key + shift, keys)
    return near


#: The restricted MIPs of the staged solve, in order: whether a supported award may move to
#: any capable plant (else it keeps its plant), and the share of the time left each may use
#: (the rest is kept for the next stage and the full MIP).
RESTRICTED_STAGES = ((False, 0.5), (True, 0.67))
#: Least time given to a solver stage, seconds (HiGHS needs some time to start at all).
MIN_STAGE_S = 0.5
#: A candidate the relaxation takes at more than this is in its support.
SUPPORT_TOL = 1e-6


#: Told, in words, which stage the optimiser has reached (e.g. a terminal's status line).
Progress = Callable[[str], None]


def _quiet(stage: str) -> None:
    """Progress that shows nothing."""


#: Share of the time limit the linear relaxation may use. When it needs longer (a large
#: instance on a busy machine), the time left improves the best heuristic plan instead.
RELAX_SHARE = 0.85


def best_start(
    inst: Instance, cand: Candidates, model: Model, plans: dict[str, np.ndarray]
) -> tuple[str | None, np.ndarray, float]:
    """The cheapest of the plans that meets every row: its name, variables and objective.

    ``(None, empty, inf)`` when none does (e.g. a ``must_use`` or budget row they break).
    """
    cost = np.asarray(model.lp.col_cost_)
    name, best, objective = None, np.zeros(0), np.inf
    for key, picked in plans.items():
        x = full_start(inst, cand, model, picked)
        if feasible(model, x) and float(cost @ x) < objective:
            name, best, objective = key, x, float(cost @ x)
    return name, best, objective


def solve_staged(
    inst: Instance,
    cand: Candidates,
    model: Model,
    options: Options,
    starts: dict[str, np.ndarray],
    progress: Progress = _quiet,
) -> SolveResult:
    """Solve to the gap fast from the best heuristic plan; never worse than that plan.

    0. The incumbent is the cheapest of ``starts`` (the greedy and as-procured plans) that
       meets every row; every later stage starts from the incumbent (HiGHS's
       ``setSolution``) and replaces it only with a cheaper plan.
    1. The linear relaxation (within :data:`RELAX_SHARE` of the time limit) gives a lower
       bound and fractional awards; rounding them (:func:`~railgap.optimise.plans.rounded`)
       gives another plan.
    2. Restricted MIPs improve the incumbent: first on the candidates the relaxation uses
       (or, when the relaxation did not finish, the incumbent's) and those of the same need
       and plant one award step either side; then on the same awards at any capable plant.
    3. As soon as the incumbent is within ``mip_gap`` of the bound it is returned; else the
       full MIP runs from it in the time left (only when the relaxation finished: the full
       MIP must solve it again at its root).
    """
    tic = time.perf_counter()

    def left() -> float:
        return options.time_limit_s - (time.perf_counter() - tic)

    cost = np.asarray(model.lp.col_cost_)
    _, best, objective = best_start(inst, cand, model, starts)
    progress("solving the linear relaxation (the lower bound)")
    lp = relax(model, options, max(options.time_limit_s * RELAX_SHARE, MIN_STAGE_S))
    if lp.status == "Infeasible":
        progress("the relaxation is infeasible: no plan meets the options")
        return SolveResult(
            "Infeasible", np.inf, np.nan, np.nan, time.perf_counter() - tic, np.zeros(0)
        )
    step = award_step(options, len(inst.months))
    bound = lp.bound if lp.has_solution else -np.inf
    if lp.has_solution:
        weight = lp.values[: model.n_cand]
        plan = rounded(inst, cand, weight)
        support = weight > SUPPORT_TOL
        support[plan] = True
        x = full_start(inst, cand, model, plan)
        if feasible(model, x) and float(cost @ x) < objective:
            best, objective = x, float(cost @ x)
    else:
        progress(f"the relaxation stopped ({lp.status}): improving the best heuristic plan")
        support = best[: model.n_cand] > 0.5 if best.size else np.zeros(model.n_cand, bool)

    for stage, (any_plant, share) in enumerate(RESTRICTED_STAGES, start=1):
        gap = relative_gap(objective, bound)
        if within_gap(objective, bound, options) or left() <= MIN_STAGE_S or not support.any():
            break
        progress(
            f"restricted MIP {stage} of {len(RESTRICTED_STAGES)} (best plan "
            + (f"{100 * gap:.1f}% above the bound)" if gap < np.inf else "with no bound yet)")
        )
        allowed = neighbourhood(cand, support, step, any_plant)
        if best.size:
            allowed |= best[: model.n_cand] > 0.5
        sub = solve(
            model,
            options,
            best if best.size else None,
            allowed,
            time_limit=max(left() * share, MIN_STAGE_S),
        )
        if sub.has_solution and sub.objective < objective:
            best, objective = sub.values, sub.objective
            support |= best[: model.n_cand] > 0.5
    gap = relative_gap(objective, bound)
    done = within_gap(objective, bound, options)
    if done or left() <= MIN_STAGE_S or not lp.has_solution:
        status = "Optimal" if done else "Time limit reached"
        if not best.size and not done:
            status = f"No plan found ({lp.status})"
        return SolveResult(status, gap, objective, bound, time.perf_counter() - tic, best)
    progress(
        "full MIP (best plan "
        + (f"{100 * gap:.1f}% above the bound)" if gap < np.inf else "not found yet)")
    )
    full = solve(model, options, best if best.size else None, time_limit=left())
    bound = max(full.bound, lp.bound) if full.bound == full.bound else lp.bound
    if full.has_solution and full.objective < objective:
        best, objective = full.values, full.objective
    gap = relative_gap(objective, bound)
    if not best.size:
        status = full.status
    elif within_gap(objective, bound, options):
        status = "Optimal"
    else:
        status = "Time limit reached" if left() <= MIN_STAGE_S else full.status
    return SolveResult(status, gap, objective, bound, time.perf_counter() - tic, best)


#: Plans the optimiser may return instead of the MIP's, in order of preference on a tie.
HEURISTICS = ("greedy", "as_procured")


def _returned(
    inst: Instance,
    cand: Candidates,
    model: Model,
    options: Options,
    plans: dict[str, np.ndarray],
    result: SolveResult,
) -> tuple[str, str]:
    """Which plan is returned as "optimised" and why, in words.

    The MIP's plan, unless a heuristic plan that meets every row is cheaper (then that one:
    the optimiser never returns a plan worse than one it holds), or unless the MIP's plan
    is a heuristic's (the solver started from it and found none better). ``"none"`` when
    there is no plan at all.
    """
    weights = options.weights
    costs = {
        name: evaluate(inst, cand, plans[name], weights).objective
        for name in HEURISTICS
        if feasible(model, full_start(inst, cand, model, plans[name]))
    }
    if not result.has_solution:
        if not costs:
            return "none", f"no plan meets every row ({result.status})"
        name = min(costs, key=lambda k: costs[k])
        return name, f"the {name} plan: the solver found no plan ({result.status})"
    mine = evaluate(inst, cand, plans["optimised"], weights).objective
    for name in costs:
        if np.array_equal(np.sort(plans["optimised"]), np.sort(plans[name])):
            return name, (
                f"the {name} plan: the solver started from it and found none better "
                f"({result.status})"
            )
    if costs:
        name = min(costs, key=lambda k: costs[k])
        if costs[name] < mine:
            return name, (
                f"the {name} plan: the MIP's plan was worse ({mine:,.0f} against "
                f"{costs[name]:,.0f}; {result.status})"
            )
        below = 100 * (costs[name] - mine) / max(abs(costs[name]), 1e-9)
        return "mip", f"the MIP's plan ({result.status}), {below:.1f}% below the {name} plan"
    return "mip", f"the MIP's plan ({result.status}); no heuristic plan meets every row"


def optimize_instance(inst: Instance, options: Options, progress: Progress = _quiet) -> Optimised:
    """Run every stage on one instance (see the module docstring), telling ``progress``."""
    progress("building the model")
    cand = candidates(inst, options)
    findings = explain(inst, cand, options)
    model = build_model(inst, cand, options)
    plans = {"greedy": greedy(inst, cand), "as_procured": as_procured(inst, cand)}
    impossible = any(f.about == "plant" for f in findings)
    if impossible:
        result = SolveResult(
            "Infeasible (checked before solving)", np.inf, np.nan, np.nan, 0.0, np.zeros(0)
        )
    else:
        result = solve_staged(inst, cand, model, options, dict(plans), progress)
    progress("reporting")
    plans["optimised"] = chosen(result, model)
    returned, reason, bound = "mip", "", result.bound
    if not impossible:
        returned, reason = _returned(inst, cand, model, options, plans, result)
        if returned != "mip":
            plans["optimised"] = plans[returned]
    else:
        returned, reason = "none", "no plan: the options cannot all be met (see the problems)"
    terms = {name: evaluate(inst, cand, plans[name], options.weights) for name in PLAN_NAMES}
    # Status and gap are those of the plan returned, against the best bound found (the
    # model's objective, as the solver measures it).
    status, gap = result.status, result.mip_gap
    x = full_start(inst, cand, model, plans["optimised"])
    objective = float(np.asarray(model.lp.col_cost_) @ x)
    # The solver's own plan (its values may be a tolerance below the plan's exact cost).
    same = result.has_solution and np.array_equal(
        np.sort(chosen(result, model)), np.sort(plans["optimised"])
    )
    if returned in HEURISTICS and not same:
        gap = relative_gap(objective, bound) if bound > -np.inf else np.inf
        if status == "Optimal" and not within_gap(objective, bound, options):
            status = "Feasible (gap above the target)"
    return Optimised(
        timetable=timetable(
            inst,
            cand,
            plans["optimised"],
            {f.key: f.text for f in findings if f.about == "need" and f.key is not None},
            plans["as_procured"],
        ),
        plants=plant_summary(inst, cand, plans),
        plant_months=plant_months(inst, cand, plans["optimised"]),
        terms=terms_table(terms),
        gaps=unclosed_gaps(inst, cand, plans["optimised"], award_step(options, len(inst.months))),
        tenders=tender_table(inst, cand, plans["as_procured"]),
        problems=[f.text for f in findings],
        status=status,
        mip_gap=gap,
        bound=bound,
        build_seconds=model.build_seconds,
        solve_seconds=result.seconds,
        n_candidates=len(cand),
        picked=plans,
        cand=cand,
        returned=returned,
        reason=reason,
    )
