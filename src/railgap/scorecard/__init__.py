"""The backtest engine (``railgap backtest``): every as-of answer scored against what happened.

- :mod:`~railgap.scorecard.events`: each sourced plant event (``plant_events``) beside the
  model's answer on the event's date and 6, 12 and 24 months before, with the error;
  :mod:`~railgap.scorecard.answers` says what the model answered and why.
- :mod:`~railgap.scorecard.summary`: median and P90 errors, share within 3 months, by kind,
  plant and lead; the worst cases.
- :mod:`~railgap.scorecard.national`: the back-cast against every published national point.
- :mod:`~railgap.scorecard.calibration`: the Monte Carlo's chances of a gap against what
  happened (Brier score, base rate, reliability table).
- :mod:`~railgap.scorecard.run`: all of it on one dataset (:func:`run_backtest`).

Runs the engines (plants, fleets, montecarlo) on the dataset as known on each date; reads
``plant_events`` only to score, never as engine input.
"""

from __future__ import annotations

from railgap.scorecard.run import Backtest, run_backtest, truth_date

__all__ = ["Backtest", "run_backtest", "truth_date"]
