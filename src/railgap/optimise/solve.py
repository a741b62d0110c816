"""Solving the pipeline MIP with HiGHS: the relaxation, restricted and full MIPs.

Every function returns the solver's status and gap in a :class:`SolveResult` instead of
raising; :func:`chosen` extracts the awards a solution takes.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np

from railgap.optimise.model import Model
from railgap.optimise.options import Options

#: The status when HiGHS refuses the model's arrays (e.g. a coefficient over 1e15).
MODEL_REFUSED = "Model refused by HiGHS"


@dataclass(frozen=True)
class SolveResult:
    """The solver's answer: status in words, gap, objective, bound, time and values."""

    status: str
    mip_gap: float
    objective: float
    bound: float
    seconds: float
    values: np.ndarray  # empty when no solution was found

    @property
    def has_solution(self) -> bool:
        """Whether a feasible solution was found (optimal or not)."""
        return self.values.size > 0


def new_highs() -> highspy.Highs:
    """A HiGHS instance, without the banner HiGHS prints to stdout when it starts.

    The banner would corrupt ``--json`` and ``--csv`` output, so standard output is
    pointed at the null device (at the file-descriptor level) while HiGHS starts.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with Path(os.devnull).open("w", encoding="utf-8") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def _highs(options: Options, time_limit: float) -> highspy.Highs:
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit), 0.1))
    h.setOptionValue("mip_rel_gap", float(options.mip_gap))
    h.setOptionValue("threads", int(options.threads))
    h.setOptionValue("random_seed", 0)
    return h


def relax(model: Model, options: Options, time_limit: float | None = None) -> SolveResult:
    """Solve the linear relaxation: its optimum is a lower bound on every plan's objective.

    ``time_limit`` (seconds; default the options' whole limit) bounds the LP solve.
    """
    h = _highs(options, options.time_limit_s if time_limit is None else time_limit)
    tic = time.perf_counter()
    if h.passModel(model.lp) == highspy.HighsStatus.kError:
        nan = float("nan")
        return SolveResult(MODEL_REFUSED, float("inf"), nan, float("-inf"), 0.0, np.zeros(0))
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    found = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    values = np.asarray(h.getSolution().col_value, dtype="float64")
    objective = float(info.objective_function_value) if found else float("nan")
    return SolveResult(
        status=status,
        mip_gap=0.0 if found else float("inf"),
        objective=objective,
        bound=objective if found else float("-inf"),
        seconds=time.perf_counter() - tic,
        values=values if found else np.zeros(0),
    )


def matrix(lp: highspy.HighsLp) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The LP's column-wise matrix as typed arrays: starts, row indices and values.

    Typed, because HiGHS hands back an empty matrix (a model with no nonzero, e.g. nothing
    left to order) as empty lists, which NumPy would read as floats.
    """
    a = lp.a_matrix_
    return (
        np.asarray(a.start_, dtype=np.int64),
        np.asarray(a.index_, dtype=np.int64),
        np.asarray(a.value_, dtype=np.float64),
    )


def columns(lp: highspy.HighsLp, keep: np.ndarray) -> highspy.HighsLp:
    """The LP with only the columns in ``keep`` (a mask), rows unchanged."""
    start, index, value = matrix(lp)
    cols = np.flatnonzero(keep)
    counts = np.diff(start)[cols]
    owner = np.repeat(np.arange(len(cols)), counts)
    take = (
        start[cols][owner]
        + np.arange(int(counts.sum()))
        - np.repeat(np.cumsum(counts) - counts, counts)
    )
    sub = highspy.HighsLp()
    sub.num_col_ = len(cols)
    sub.num_row_ = lp.num_row_
    sub.col_cost_ = np.asarray(lp.col_cost_)[cols]
    sub.col_lower_ = np.asarray(lp.col_lower_)[cols]
    sub.col_upper_ = np.asarray(lp.col_upper_)[cols]
    sub.row_lower_ = lp.row_lower_
    sub.row_upper_ = lp.row_upper_
    sub.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    sub.a_matrix_.start_ = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    sub.a_matrix_.index_ = index[take]
    sub.a_matrix_.value_ = value[take]
    return sub


#: Largest violation of a row, a bound or integrality a plan may have (HiGHS's own
#: feasibility tolerance is 1e-7; scaled rows may be off by a little more).
FEASIBILITY_TOL = 1e-6


#: An absolute gap this small counts as closed whatever the relative gap (HiGHS's own rule).
ABSOLUTE_GAP = 1e-6


def relative_gap(objective: float, bound: float) -> float:
    """How far a plan's objective is above a lower bound, relative to it (inf: no plan)."""
    if not objective < np.inf:
        return float("inf")
    return max((objective - bound) / max(abs(objective), 1e-9), 0.0)


def within_gap(objective: float, bound: float, options: Options) -> bool:
    """Whether a plan is within ``mip_gap`` of the bound (or within :data:`ABSOLUTE_GAP`)."""
    if not objective < np.inf:
        return False
    return objective - bound <= options.mip_gap * abs(objective) + ABSOLUTE_GAP


def violation(model: Model, values: np.ndarray) -> float:
    """The largest amount by which ``values`` break a row, a bound or integrality."""
    lp = model.lp
    start, index, value = matrix(lp)
    column = np.repeat(np.arange(lp.num_col_), np.diff(start))
    activity = np.bincount(
        index,
        weights=value * values[column],
        minlength=lp.num_row_,
    )
    parts = [
        np.asarray(lp.row_lower_) - activity,
        activity - np.asarray(lp.row_upper_),
        np.asarray(lp.col_lower_) - values,
        values - np.asarray(lp.col_upper_),
        np.abs(values[model.integer] - np.round(values[model.integer])),
    ]
    return float(max((p.max() for p in parts if p.size), default=0.0))


def feasible(model: Model, values: np.ndarray) -> bool:
    """Whether ``values`` (one per variable) meet every row, bound and integrality."""
    return values.size == model.lp.num_col_ and violation(model, values) <= FEASIBILITY_TOL


def _run(
    model: Model,
    options: Options,
    keep: np.ndarray,
    start: np.ndarray | None,
    time_limit: float,
) -> tuple[str, np.ndarray, float, float]:
    """One HiGHS run: status, values at full length (empty if none), objective and bound."""
    lp = model.lp if keep.all() else columns(model.lp, keep)
    integer = np.flatnonzero(np.isin(np.flatnonzero(keep), model.integer)).astype(np.int32)
    h = _highs(options, time_limit)
    if h.passModel(lp) == highspy.HighsStatus.kError:
        return MODEL_REFUSED, np.zeros(0), float("nan"), float("nan")
    if len(integer):
        kinds = np.full(len(integer), 1, dtype=np.uint8)
        h.changeColsIntegrality(len(integer), integer, kinds)
    if start is not None and feasible(model, start):
        values = start[keep]
        h.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    values = np.zeros(0)
    if info.primal_solution_status == highspy.kSolutionStatusFeasible:
        values = np.zeros(model.lp.num_col_)
        values[keep] = np.asarray(h.getSolution().col_value, dtype="float64")
    reported = float(info.objective_function_value)
    # With no integer variable left HiGHS solves an LP and gives no MIP bound: its optimum
    # is its own bound.
    bound = float(info.mip_dual_bound) if len(integer) or status != "Optimal" else reported
    return status, values, reported, bound


def solve(
    model: Model,
    options: Options,
    start: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    time_limit: float | None = None,
) -> SolveResult:
    """Solve the MIP with HiGHS within the time limit and gap; never raises on an outcome.

    ``start`` (a value for every variable) is given to HiGHS as a starting solution when it
    is feasible; ``allowed`` (a mask over candidates) keeps only those candidates: a
    restricted MIP, built without the other columns, whose values come back at full length.

    The answer is checked, not taken on trust: the objective is that of the values HiGHS
    returns, and values that break a row or whose objective is not the one HiGHS reports
    (HiGHS 1.x can return its starting solution's values with a better plan's objective)
    are solved again without the start. The gap is recomputed from the objective and the
    bound, and "Optimal" is kept only when it is within ``mip_gap``.
    """
    keep = np.ones(model.lp.num_col_, dtype=bool)
    if allowed is not None:
        keep[: model.n_cand] = allowed
    limit = options.time_limit_s if time_limit is None else time_limit
    tic = time.perf_counter()
    status, values, reported, bound = _run(model, options, keep, start, limit)
    cost = np.asarray(model.lp.col_cost_)

    def consistent(found: np.ndarray, claimed: float) -> bool:
        if not feasible(model, found):
            return False
        return abs(float(cost @ found) - claimed) <= 1e-6 * max(1.0, abs(claimed))

    if values.size and not consistent(values, reported):
        left = limit - (time.perf_counter() - tic)
        again = _run(model, options, keep, None, max(left, 0.1))
        if again[1].size and consistent(again[1], again[2]):
            status, values, reported, bound = again
        elif not feasible(model, values):
            values = np.zeros(0)
    seconds = time.perf_counter() - tic
    if not values.size:
        return SolveResult(status, float("inf"), float("nan"), bound, seconds, values)
    objective = float(cost @ values)
    gap = relative_gap(objective, bound)
    if status == "Optimal" and not within_gap(objective, bound, options):
        status = "Feasible (gap above the target)"
    return SolveResult(status, gap, objective, bound, seconds, values)


def chosen(result: SolveResult, model: Model) -> np.ndarray:
    """Indices of the candidates the solution takes."""
    if not result.has_solution:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(result.values[: model.n_cand] > 0.5)
