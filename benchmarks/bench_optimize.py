"""Time the pipeline optimiser on the national instance, and the same model via PuLP/CBC.

Run with ``make bench`` (or ``python benchmarks/bench_optimize.py``). The national instance
is the embedded dataset as of 2025-01-01, 2025-2055 (loads by month; awards every six
months, the grid for horizons over 20 years), solved to a 1% MIP gap on
two threads. Prints: model build time (target < 2 s), time to solution and gap reached
(target: 1% within 30 s), the objective against the greedy and as-procured plans, and the
same model built with PuLP and solved with its bundled CBC (same gap, threads and time
limit) - the route a user would otherwise take (target: HiGHS faster).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pulp

from railgap import analysis
from railgap.optimise.model import Model, build_model
from railgap.optimise.plans import evaluate

AS_OF, FROM, TO = "2025-01-01", 2025, 2055
TARGET_S = 30.0  # the target: a 1% gap within 30 s on an idle machine
BUSY_TARGET_S = 60.0  # ... and within 60 s with one core kept busy by another process
TARGET_GAP = 0.01
TIME_LIMIT = float(os.environ.get("RAILGAP_BENCH_TIME_LIMIT", str(TARGET_S)))
#: The web default: /pipeline's instance and its 10 s limit, against a 30 s solve of it.
WEB_AS_OF, WEB_TO, WEB_LIMIT, WEB_REFERENCE_S, WEB_TARGET = "2024-01-15", 2041, 10.0, 30.0, 0.02


def _spin() -> None:
    """Keep one core busy until terminated."""
    x = 0
    while True:
        x += 1


@contextmanager
def one_core_busy() -> Iterator[None]:
    """A busy-loop process for the duration (the 'one core busy' case)."""
    proc = multiprocessing.Process(target=_spin, daemon=True)
    proc.start()
    try:
        yield
    finally:
        proc.terminate()
        proc.join()


def national_targets(label: str, limit: float) -> None:
    """The national instance to the gap: time, gap and objective against greedy, as ratios."""
    result = analysis.optimize(AS_OF, FROM, TO, options={"time_limit_s": limit})
    opt, terms = result.optimised, result.terms
    best, greedy = terms.loc["optimised", "objective"], terms.loc["greedy", "objective"]
    reached = opt.mip_gap <= TARGET_GAP
    print(
        f"  {label:28s} solve {opt.solve_seconds:6.1f} s (limit {limit:g} s; ratio to "
        f"target {opt.solve_seconds / limit:.2f}x{'' if reached else ', gap NOT reached'}), "
        f"gap {100 * opt.mip_gap:.2f}% (ratio to 1%: {opt.mip_gap / TARGET_GAP:.2f}x), "
        f"objective / greedy {best / greedy:.3f} (target <= 1), returned {opt.returned}"
    )


def web_default() -> None:
    """/pipeline's default (10 s) against a 30 s solve of the same instance, as a ratio."""
    objectives = {}
    for limit in (WEB_LIMIT, WEB_REFERENCE_S):
        r = analysis.optimize(WEB_AS_OF, None, WEB_TO, options={"time_limit_s": limit})
        objectives[limit] = r.terms.loc["optimised", "objective"]
        greedy = r.terms.loc["greedy", "objective"]
        print(
            f"  web instance {WEB_AS_OF} to {WEB_TO}, {limit:g} s: objective "
            f"{objectives[limit]:,.0f} (/ greedy {objectives[limit] / greedy:.3f}, target <= 1), "
            f"{r.status}, gap {100 * r.mip_gap:.2f}%, returned {r.optimised.returned}"
        )
    excess = objectives[WEB_LIMIT] / objectives[WEB_REFERENCE_S] - 1
    print(
        f"  web default within {100 * excess:+.2f}% of the 30 s objective (target 2%: ratio "
        f"{excess / WEB_TARGET:.2f}x, <= 1 meets it)"
    )


def pulp_model(model: Model) -> tuple[pulp.LpProblem, list[pulp.LpVariable], float]:
    """The same MIP written the way a PuLP user would: a variable and a row at a time."""
    tic = time.perf_counter()
    lp = model.lp
    cost = np.asarray(lp.col_cost_)
    lower, upper = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
    integer = np.zeros(lp.num_col_, dtype=bool)
    integer[model.integer] = True
    inf = 1e30
    xs = [
        pulp.LpVariable(
            f"x{i}",
            lowBound=lower[i],
            upBound=None if upper[i] >= inf else upper[i],
            cat=pulp.LpBinary if integer[i] else pulp.LpContinuous,
        )
        for i in range(lp.num_col_)
    ]
    prob = pulp.LpProblem("pipeline", pulp.LpMinimize)
    prob += pulp.LpAffineExpression([(xs[i], cost[i]) for i in np.flatnonzero(cost)])
    start = np.asarray(lp.a_matrix_.start_)
    index = np.asarray(lp.a_matrix_.index_)
    value = np.asarray(lp.a_matrix_.value_)
    col = np.repeat(np.arange(lp.num_col_), np.diff(start))
    order = np.argsort(index, kind="stable")
    bounds = np.searchsorted(index[order], np.arange(lp.num_row_ + 1))
    row_lo, row_hi = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    for r in range(lp.num_row_):
        entries = order[bounds[r] : bounds[r + 1]]
        expr = pulp.LpAffineExpression([(xs[col[e]], value[e]) for e in entries])
        if row_lo[r] == row_hi[r]:
            prob += expr == row_lo[r]
        else:
            if row_lo[r] > -inf:
                prob += expr >= row_lo[r]
            if row_hi[r] < inf:
                prob += expr <= row_hi[r]
    return prob, xs, time.perf_counter() - tic


def main() -> None:
    print("targets (ratios <= 1 meet them; the machine may be shared, see the load average):")
    print(f"  load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    national_targets("national, as it is", TARGET_S)
    with one_core_busy():
        national_targets("national, one core busy", BUSY_TARGET_S)
    web_default()
    if os.environ.get("RAILGAP_BENCH_TARGETS_ONLY"):
        return
    tic = time.perf_counter()
    result = analysis.optimize(AS_OF, FROM, TO, options={"time_limit_s": TIME_LIMIT})
    total = time.perf_counter() - tic
    inst, opt, options = result.instance, result.optimised, result.options
    terms = result.terms
    print(
        f"national instance {FROM}-{TO}, monthly, as of {AS_OF}: {len(inst.needs)} needs, "
        f"{opt.n_candidates:,} candidate awards, {len(inst.plants)} plants, "
        f"{len(inst.months)} months"
    )
    print(
        f"  model build        {opt.build_seconds:8.3f} s   (target < 2 s: "
        f"{opt.build_seconds / 2:.2f}x)"
    )
    print(
        f"  HiGHS solve        {opt.solve_seconds:8.2f} s   status {opt.status}, "
        f"MIP gap {100 * opt.mip_gap:.2f}% (target 1% within 30 s: "
        f"{opt.solve_seconds / TARGET_S:.2f}x time, {100 * opt.mip_gap:.2f}% gap)"
    )
    print(f"  returned plan      {opt.returned}: {opt.reason}")
    print(f"  whole run          {total:8.2f} s   (dataset, engines, needs, model, solve)")
    best = terms.loc["optimised", "objective"]
    for plan in ("greedy", "as_procured"):
        other = terms.loc[plan, "objective"]
        print(
            f"  objective          {best:12,.0f} vs {plan:12s} {other:12,.0f} "
            f"({100 * abs(other - best) / other:.1f}% "
            f"{'lower' if best <= other else 'HIGHER'}; ratio {best / other:.3f}, target <= 1)"
        )
    for name in ("jobs_at_risk_months", "overage_vehicle_years", "rate_changes"):
        row = terms[name]
        print(
            f"    {name:22s} optimised {row['optimised']:12,.0f}  greedy "
            f"{row['greedy']:12,.0f}  as procured {row['as_procured']:12,.0f}"
        )

    # The same model through PuLP and CBC.
    cand = opt.cand
    model = build_model(inst, cand, options)
    prob, xs, build = pulp_model(model)
    solver = pulp.PULP_CBC_CMD(
        msg=False, timeLimit=TIME_LIMIT, gapRel=options.mip_gap, threads=options.threads
    )
    tic = time.perf_counter()
    prob.solve(solver)
    seconds = time.perf_counter() - tic
    values = np.array([x.value() or 0.0 for x in xs[: model.n_cand]])
    picked = np.flatnonzero(values > 0.5)
    cbc = evaluate(inst, cand, picked, options.weights).objective if len(picked) else float("nan")
    status = pulp.LpStatus[prob.status]
    print(f"PuLP + CBC ({pulp.__version__}, bundled CBC), same model and limits:")
    print(
        f"  model build        {build:8.2f} s   ({build / max(opt.build_seconds, 1e-9):.0f}x "
        f"HiGHS route's build)"
    )
    print(
        f"  CBC solve          {seconds:8.2f} s   status {status} ({prob.sol_status}), "
        f"objective {cbc:,.0f} ({100 * (cbc - best) / best:+.1f}% vs HiGHS)"
    )
    route = build + seconds
    ours = opt.build_seconds + opt.solve_seconds
    print(
        f"  build + solve      {route:8.2f} s   vs HiGHS route {ours:.2f} s; in the same time "
        f"limit HiGHS's plan is {100 * (cbc - best) / cbc:.1f}% cheaper"
        if cbc == cbc
        else f"  build + solve      {route:8.2f} s   vs HiGHS route {ours:.2f} s; CBC found no plan"
    )


if __name__ == "__main__":
    main()
