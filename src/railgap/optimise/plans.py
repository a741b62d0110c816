"""Plans (a choice of candidate awards), what they cost, and the two baseline plans.

Every plan is measured by :func:`evaluate` on the same terms as the MIP's objective, from
the plant loads it makes, exactly as the loading engine counts them:

- **jobs-at-risk-months**: at GB plants, in months whose load is below the minimum viable
  rate, the headcount less the labour the load needs (headcount x load / capacity);
- **over-age vehicle-years**: vehicles in service after their due date, times the years
  late; a need due in the horizon and left unmet counts as over-age to a year past it (one
  due after the horizon may be left for later at no cost);
- **rate changes**: the sum over plants and months of |load(t) - load(t-1)|.

Baselines:

- :func:`as_procured`: the expected pipeline. A need an open tender is expected to
  procure (:mod:`railgap.optimise.tenders`) is awarded at the tender's expected award (the
  first candidate month at or after it), at the plant that builds the tender's earlier
  needs, else a shortlisted bidder's, else the capable plant with the most spare capacity
  over the build. Every other need is awarded at its latest on-time month (just in time,
  the way renewals have been bought: when the old fleet is due), to the capable plant with
  the most spare capacity. If no plant has room, the next months are tried.
- :func:`greedy`: earliest deadline first: needs in order of due date, each given the
  candidate that is on time (or least late) and relieves most jobs at risk, within spare
  capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from railgap.optimise.inputs import Instance
from railgap.optimise.model import Candidates
from railgap.optimise.options import Weights
from railgap.plants import loading


@dataclass(frozen=True)
class Terms:
    """A plan's objective terms and weighted total."""

    jobs_at_risk_months: float
    overage_vehicle_years: float
    rate_changes: float
    objective: float
    unmet_needs: int

    def as_dict(self) -> dict[str, float]:
        """The terms as a plain dict."""
        return dict(self.__dict__)


def new_load(inst: Instance, cand: Candidates, picked: np.ndarray) -> np.ndarray:
    """Vehicle-equivalents a month the picked candidates add at each plant (P, T)."""
    n_p, n_t = inst.firm.shape
    mask = np.zeros(len(cand), dtype=bool)
    mask[picked] = True
    take = mask[cand.entry_col]
    cols = cand.entry_col[take]
    flat = cand.plant[cols] * n_t + cand.entry_t[take]
    load = np.bincount(flat, weights=cand.ve_rate[cols], minlength=n_p * n_t)
    return load.reshape(n_p, n_t)


def jobs_at_risk(inst: Instance, load: np.ndarray) -> np.ndarray:
    """Jobs at risk per plant and month for a total load (the loading engine's rule).

    Counted at GB plants in the months they are open.
    """
    emp = np.where(inst.gb[:, None], inst.employees, 0.0)
    at_risk = loading.jobs_at_risk(load, inst.capacity, inst.viable, emp)
    return np.where(inst.open_, at_risk, 0.0)


def evaluate(inst: Instance, cand: Candidates, picked: np.ndarray, weights: Weights) -> Terms:
    """The objective terms of a plan (module docstring)."""
    total = inst.firm + new_load(inst, cand, picked)
    jobs = float(jobs_at_risk(inst, total).sum())
    met = np.zeros(len(inst.needs), dtype=bool)
    met[cand.need[picked]] = True
    overage = float(cand.overage[picked].sum() + cand.unmet_overage[~met].sum())
    changes = float(np.abs(np.diff(total, axis=1)).sum())
    objective = weights.jobs * jobs + weights.overage * overage + weights.smooth * changes
    due_inside = inst.needs["due_month"].to_numpy() <= inst.last_month
    return Terms(jobs, overage, changes, objective, int((~met & due_inside).sum()))


def _fits(inst: Instance, cand: Candidates, spare: np.ndarray, options: np.ndarray) -> np.ndarray:
    """Which of the given candidates fit in the spare capacity (P, T) in every month."""
    mask = np.zeros(len(cand), dtype=bool)
    mask[options] = True
    take = mask[cand.entry_col]
    cols = cand.entry_col[take]
    short = cand.ve_rate[cols] > spare[cand.plant[cols], cand.entry_t[take]] + 1e-9
    bad = np.zeros(len(cand), dtype=bool)
    bad[cols[short]] = True
    return np.asarray(~bad[options])


def _window_sum(
    inst: Instance, cand: Candidates, options: np.ndarray, values: np.ndarray
) -> np.ndarray:
    """Sum of a (P, T) array over each candidate's plant and production months."""
    mask = np.zeros(len(cand), dtype=bool)
    mask[options] = True
    take = mask[cand.entry_col]
    cols = cand.entry_col[take]
    sums = np.bincount(
        cols, weights=values[cand.plant[cols], cand.entry_t[take]], minlength=len(cand)
    )
    return np.asarray(sums[options])


def _place(inst: Instance, cand: Candidates, spare: np.ndarray, pick: int) -> None:
    rows = cand.entry_col == pick
    spare[cand.plant[pick], cand.entry_t[rows]] -= cand.ve_rate[pick]


def _by_need(cand: Candidates, n_needs: int) -> list[np.ndarray]:
    order = np.argsort(cand.need, kind="stable")
    bounds = np.searchsorted(cand.need[order], np.arange(n_needs + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(n_needs)]


def greedy(inst: Instance, cand: Candidates) -> np.ndarray:
    """Earliest-deadline-first plan: the candidates it picks (module docstring)."""
    spare = np.maximum(inst.capacity[:, None] - inst.firm, 0.0)
    load = inst.firm.copy()
    picked = []
    options_of = _by_need(cand, len(inst.needs))
    due = inst.needs["due_month"].to_numpy()
    emp = np.where(inst.gb[:, None], inst.employees, 0.0)
    for n in np.argsort(due, kind="stable"):
        options = options_of[n]
        if not len(options):
            continue
        options = options[_fits(inst, cand, spare, options)]
        if not len(options):
            continue
        # Room below the viable rate each candidate's months would fill, in job terms.
        gap = np.where(load < inst.viable[:, None], emp, 0.0)
        relief = _window_sum(inst, cand, options, gap)
        key = np.lexsort((cand.award[options], -relief, np.round(cand.overage[options], 6)))
        pick = int(options[key[0]])
        picked.append(pick)
        _place(inst, cand, spare, pick)
        load[cand.plant[pick], cand.entry_t[cand.entry_col == pick]] += cand.ve_rate[pick]
    return np.array(sorted(picked), dtype=np.int64)


def as_procured(inst: Instance, cand: Candidates) -> np.ndarray:
    """Expected-pipeline plan: tenders' needs at their expected award, the rest just in time."""
    spare = np.maximum(inst.capacity[:, None] - inst.firm, 0.0)
    picked = []
    options_of = _by_need(cand, len(inst.needs))
    latest = inst.needs["latest_award"].to_numpy()
    earliest = inst.needs["earliest_award"].to_numpy()
    tenders = inst.procurement
    builder: dict[int, int] = {}  # plant building each tender's first need placed
    for n in np.argsort(inst.needs["due_month"].to_numpy(), kind="stable"):
        options = options_of[n]
        k = int(tenders.tender[n])
        start = int(tenders.award[n]) if k >= 0 else max(int(latest[n]), int(earliest[n]))
        options = options[cand.award[options] >= start]
        if not len(options):
            continue
        options = options[_fits(inst, cand, spare, options)]
        if not len(options):
            continue
        room = _window_sum(inst, cand, options, spare)
        plant = cand.plant[options]
        same = plant == builder.get(k, -1)
        shortlisted = tenders.shortlisted[n, plant]
        key = np.lexsort((-room, ~shortlisted, ~same, cand.award[options]))
        pick = int(options[key[0]])
        picked.append(pick)
        _place(inst, cand, spare, pick)
        if k >= 0:
            builder.setdefault(k, int(cand.plant[pick]))
    return np.array(sorted(picked), dtype=np.int64)


def rounded(inst: Instance, cand: Candidates, weight: np.ndarray) -> np.ndarray:
    """Round a relaxed solution (``weight``: a value per candidate) to a plan.

    Needs the relaxation takes most surely go first, each to its heaviest candidate that
    fits the spare capacity. A need whose relaxed candidates add up to less than half is left unmet.
    """
    spare = np.maximum(inst.capacity[:, None] - inst.firm, 0.0)
    picked = []
    options_of = _by_need(cand, len(inst.needs))
    total = np.bincount(cand.need, weights=weight, minlength=len(inst.needs))
    top = np.array([weight[o].max() if len(o) else 0.0 for o in options_of])
    for n in np.lexsort((-total, -top)):
        options = options_of[n]
        if not len(options) or total[n] < 0.5:
            continue
        options = options[np.argsort(-weight[options], kind="stable")]
        options = options[_fits(inst, cand, spare, options)]
        if not len(options):
            continue
        pick = int(options[0])
        picked.append(pick)
        _place(inst, cand, spare, pick)
    return np.array(sorted(picked), dtype=np.int64)


def fits_alone(inst: Instance, cand: Candidates, spare: np.ndarray) -> np.ndarray:
    """Which candidates fit the spare capacity (P, T) alone, in every month they build."""
    short = cand.ve_rate[cand.entry_col] > spare[cand.plant[cand.entry_col], cand.entry_t] + 1e-9
    bad = np.zeros(len(cand), dtype=bool)
    bad[cand.entry_col[short]] = True
    return ~bad
