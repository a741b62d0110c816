"""Plant events scored: the model's answer on each event's date beside what the event says.

For each event in ``plant_events``, the loading engine is run on the dataset as known on
the event's date (``stated``) and, for timing and gap events, 6, 12 and 24 months before
it (``LEADS``). The error is in months for timing kinds (0 when the answer falls inside the
event's period, so an answer in "spring 2020" is right for "after spring 2020"), the model
minus the stated length for gaps, and the ratio model / stated for jobs and headcounts
(a workforce at risk against the outlook's peak, a stated cut against the staff the load
will not need: ``jobs_basis``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from railgap.dataset import Dataset
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import month_label
from railgap.scorecard.answers import Answer, DateAnswers, answers_on, number_or_nan
from railgap.scorecard.periods import (
    COUNT_KINDS,
    LEADS,
    MONTH_KINDS,
    TIMING_KINDS,
    months_before,
    period_bounds,
    period_error,
)

#: Columns of the scored events, one row per event and lead.
EVENT_COLUMNS = [
    "event_id",
    "plant_id",
    "kind",
    "jobs_basis",
    "stated",
    "lead_months",
    "answered_on",
    "period_from",
    "period_to",
    "precision",
    "stated_value",
    "order_id",
    "engine_input",
    "model_answer",
    "error_months",
    "ratio",
    "scored",
    "why",
    "source",
]


def _answer(
    kind: str, order_id: object, plant_id: str, on: DateAnswers, basis: str, a: Assumptions
) -> Answer:
    """The model's answer to one kind of event about one plant.

    Jobs at risk of the workforce are the outlook's peak; a stated cut is the most staff
    the load will not need within ``cut_notice_months``.
    """
    orders = [o for o in order_id.split(";") if o] if isinstance(order_id, str) else []
    order = orders or None
    if kind == "runout_statement":
        return on.run_out(plant_id)
    if kind == "production_end":
        return on.order_months(plant_id, order, end=True) if order else on.run_out(plant_id)
    if kind == "production_start":
        return on.order_months(plant_id, order, end=False) if order else on.first_work(plant_id)
    if kind == "gap_statement":
        return on.gap(plant_id)
    if kind == "jobs_at_risk" and basis == "cut":
        return on.cut(plant_id, int(a.number("cut_notice_months")))
    if kind == "jobs_at_risk":
        return on.jobs(plant_id)
    if kind == "headcount":
        return on.headcount(plant_id)
    raise ValueError(f"unknown event kind {kind!r}")


def _shown(kind: str, value: float) -> str | None:
    """An answer as people read it: a month for timing kinds, a number otherwise."""
    if np.isnan(value):
        return None
    if kind in TIMING_KINDS:
        return month_label(int(value))
    return f"{value:g}"


def jobs_basis(event: Any) -> str:
    """What a jobs-at-risk event counts: ``workforce`` (also when empty) or ``cut``."""
    basis = getattr(event, "jobs_basis", None)
    return basis if isinstance(basis, str) and basis else "workforce"


def score_events(
    dataset: Dataset,
    a: Assumptions,
    events: pd.DataFrame | None = None,
    leads: tuple[int, ...] = LEADS,
    answers: Callable[[dt.date], DateAnswers] | None = None,
) -> pd.DataFrame:
    """Every event (default: the dataset's ``plant_events``) with the model's answers."""
    events = dataset["plant_events"] if events is None else events
    cache: dict[dt.date, DateAnswers] = {}

    def on(date: dt.date) -> DateAnswers:
        if date not in cache:
            cache[date] = answers(date) if answers else answers_on(dataset, a, date)
        return cache[date]

    lo, hi = period_bounds(events)
    rows = []
    for i, e in enumerate(events.itertuples(index=False)):
        stated = dt.date.fromisoformat(str(e.stated))
        kind = str(e.kind)
        basis = jobs_basis(e)
        for lead in leads if kind in TIMING_KINDS + MONTH_KINDS else (0,):
            date = months_before(stated, lead) if lead else stated
            answers_then = on(date)
            if not answers_then.plant_known(str(e.plant_id)):
                answer = Answer(np.nan, f"plant {e.plant_id} not in the dataset on {date}")
            else:
                answer = _answer(kind, e.order_id, str(e.plant_id), answers_then, basis, a)
            stated_value = number_or_nan(e.value)
            error = ratio = np.nan
            if kind in TIMING_KINDS:
                error = period_error(answer.value, int(lo[i]), int(hi[i]))
            elif kind in MONTH_KINDS:
                error = answer.value - stated_value
            elif kind in COUNT_KINDS and stated_value > 0:
                ratio = answer.value / stated_value
            rows.append(
                {
                    "event_id": e.event_id,
                    "plant_id": e.plant_id,
                    "kind": kind,
                    "jobs_basis": basis if kind == "jobs_at_risk" else None,
                    "stated": str(e.stated),
                    "lead_months": lead,
                    "answered_on": date.isoformat(),
                    "period_from": str(e.period_from),
                    "period_to": str(e.period_to),
                    "precision": e.precision,
                    "stated_value": stated_value,
                    "order_id": e.order_id if isinstance(e.order_id, str) else None,
                    "engine_input": e.engine_input == "yes",
                    "model_answer": _shown(kind, answer.value),
                    "error_months": error,
                    "ratio": ratio,
                    "scored": bool(np.isfinite(error) or np.isfinite(ratio)),
                    "why": answer.why,
                    "source": e.source,
                }
            )
    frame = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    # Typed even with no events (a dataset without plant_events), so masks stay masks.
    return frame.astype(
        {
            "scored": bool,
            "engine_input": bool,
            "lead_months": "int64",
            "error_months": "float64",
            "ratio": "float64",
        }
    )
