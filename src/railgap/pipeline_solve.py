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

from railgap.pipeline_model import Model
from railgap.pipeline_options import Options


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


def relax(model: Model, options: Options) -> SolveResult:
    """Solve the linear relaxation: its optimum is a lower bound on every plan's objective."""
    h = _highs(options, options.time_limit_s)
    tic = time.perf_counter()
    h.passModel(model.lp)
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


def columns(lp: highspy.HighsLp, keep: np.ndarray) -> highspy.HighsLp:
    """The LP with only the columns in ``keep`` (a mask), rows unchanged."""
    start = np.asarray(lp.a_matrix_.start_)
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
    sub.a_matrix_.index_ = np.asarray(lp.a_matrix_.index_)[take]
    sub.a_matrix_.value_ = np.asarray(lp.a_matrix_.value_)[take]
    return sub


def solve(
    model: Model,
    options: Options,
    start: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    time_limit: float | None = None,
) -> SolveResult:
    """Solve the MIP with HiGHS within the time limit and gap; never raises on an outcome.

    ``start`` (a value for every variable) is given to HiGHS as a starting solution;
    ``allowed`` (a mask over candidates) keeps only those candidates: a restricted MIP,
    built without the other columns, whose values come back at full length.
    """
    keep = np.ones(model.lp.num_col_, dtype=bool)
    if allowed is not None:
        keep[: model.n_cand] = allowed
    lp = model.lp if allowed is None else columns(model.lp, keep)
    integer = np.flatnonzero(np.isin(np.flatnonzero(keep), model.integer)).astype(np.int32)
    h = _highs(options, options.time_limit_s if time_limit is None else time_limit)
    tic = time.perf_counter()
    h.passModel(lp)
    if len(integer):
        kinds = np.full(len(integer), 1, dtype=np.uint8)
        h.changeColsIntegrality(len(integer), integer, kinds)
    if start is not None and len(start) == model.lp.num_col_:
        values = start[keep]
        h.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)
    h.run()
    seconds = time.perf_counter() - tic
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    found = info.primal_solution_status == highspy.kSolutionStatusFeasible
    values = np.zeros(model.lp.num_col_)
    if found:
        values[keep] = np.asarray(h.getSolution().col_value, dtype="float64")
    return SolveResult(
        status=status,
        mip_gap=float(info.mip_gap) if found else float("inf"),
        objective=float(info.objective_function_value) if found else float("nan"),
        bound=float(info.mip_dual_bound),
        seconds=seconds,
        values=values if found else np.zeros(0),
    )


def chosen(result: SolveResult, model: Model) -> np.ndarray:
    """Indices of the candidates the solution takes."""
    if not result.has_solution:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(result.values[: model.n_cand] > 0.5)
