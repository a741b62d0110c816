"""The back-cast: the turnover engine run over past years, against the published series.

ORR's average-age and fleet-size series cover domestic passenger operators, so the
comparison leaves out Eurostar's international fleets (``INTERNATIONAL_CLASSES``). Each
published figure is compared with the model on the day it measured (``measured_on``, e.g.
ORR's 31 March), or for its whole year where the source gives no day; the differences and their
causes are discussed in ``docs/validation.md``, whose table :func:`comparison_markdown`
renders (a test fails when they drift apart).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from railgap.dataset import Dataset, as_of
from railgap.dataset.assumptions import Assumptions
from railgap.dataset.dates import parse_partial
from railgap.fleets.turnover import Cohorts, cohorts, fleet_on, fleet_years, year_fraction

#: Classes outside the domestic series ORR publishes (Eurostar e300 and e320).
INTERNATIONAL_CLASSES = frozenset({"373", "374"})
MEASURES = {"average_age_years": "average_age", "fleet_vehicles": "fleet_vehicles"}
#: The dataset holds fleets that ran at any time since this year: earlier counts miss the
#: fleets withdrawn before it, so they are shown but not judged.
FIRST_YEAR = 2000
#: Differences beyond which docs/validation.md must explain the gap.
AGE_TOLERANCE_YEARS = 1.0
FLEET_TOLERANCE_SHARE = 0.05


def domestic_cohorts(dataset: Dataset, a: Assumptions, date: dt.date) -> Cohorts:
    """The domestic fleets' build cohorts as known on ``date``."""
    fleets = as_of(dataset, date)["fleets"]
    domestic = fleets[~fleets["class"].astype(str).isin(INTERNATIONAL_CLASSES)]
    return cohorts(domestic, date, a)


def backcast(
    dataset: Dataset, a: Assumptions, date: dt.date, first: int, last: int
) -> pd.DataFrame:
    """Modelled fleet size and average age by year, domestic fleets only, as known on ``date``."""
    return fleet_years(domestic_cohorts(dataset, a, date), np.arange(first, last + 1))


def measured_day(text: object) -> dt.date | None:
    """The day a published figure measures: its ``measured_on`` (a month: its middle)."""
    if not isinstance(text, str) or not text:
        return None
    year, month, day = parse_partial(text)
    if month is None:
        return dt.date(year, 7, 1)
    return dt.date(year, month, day or 15)


def comparison(dataset: Dataset, a: Assumptions, date: dt.date) -> pd.DataFrame:
    """Each published figure beside the model's, with the difference and whether it is large."""
    published = as_of(dataset, date)["national_series"]
    published = published[published["measure"].isin(list(MEASURES))]
    if published.empty:
        return pd.DataFrame()
    years = published["year"].astype(int)
    c = domestic_cohorts(dataset, a, date)
    model = fleet_years(c, np.arange(int(years.min()), int(years.max()) + 1)).set_index("year")
    columns = {measure: model[column].to_dict() for measure, column in MEASURES.items()}
    measured = [measured_day(v) for v in published["measured_on"]]
    on = fleet_on(c, np.array([year_fraction(d) if d else np.nan for d in measured]))
    modelled = [
        float(on[MEASURES[measure]].iloc[i]) if day else float(columns[measure][year])
        for i, (year, measure, day) in enumerate(
            zip(years, published["measure"], measured, strict=True)
        )
    ]
    frame = pd.DataFrame(
        {
            "year": years.to_numpy(),
            "measured_on": [d.isoformat() if d else "" for d in measured],
            "measure": published["measure"].to_numpy(),
            "published": published["value"].to_numpy(dtype="float64"),
            "modelled": np.round(modelled, 1),
            "scope": published["scope"].to_numpy(),
            "source": published["source"].to_numpy(),
        }
    )
    frame["difference"] = np.round(frame["modelled"] - frame["published"], 1)
    age = frame["measure"] == "average_age_years"
    large = np.where(
        age,
        frame["difference"].abs() > AGE_TOLERANCE_YEARS,
        frame["difference"].abs() > FLEET_TOLERANCE_SHARE * frame["published"],
    )
    frame["explain"] = np.where(
        frame["year"] < FIRST_YEAR, "out of scope", np.where(large, "yes", "")
    )
    return frame.sort_values(["measure", "year", "source"]).reset_index(drop=True)


def comparison_markdown(frame: pd.DataFrame) -> str:
    """The comparison as a Markdown table (the generated part of ``docs/validation.md``)."""
    lines = [
        "| year | measured on | measure | published | modelled | difference | gap to explain "
        "| source |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for row in frame.itertuples(index=False):
        lines.append(
            f"| {row.year} | {str(row.measured_on) or 'whole year'} | {row.measure} | "
            f"{row.published:g} | {row.modelled:g} | "
            f"{row.difference:+g} | {row.explain} | {row.source} |"
        )
    return "\n".join(lines) + "\n"


START = "<!-- comparison:start -->"
END = "<!-- comparison:end -->"


def document_table(text: str) -> str:
    """The generated table inside a validation page's markers."""
    if START not in text or END not in text:
        raise ValueError(f"the page has no {START} ... {END} markers")
    return text.split(START, 1)[1].split(END, 1)[0].strip() + "\n"


def update_document(text: str, table: str) -> str:
    """Replace the generated table inside a validation page's markers."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}{END}{tail}"


#: The as-of date of the back-cast documented in docs/validation.md (all history known).
DOCUMENTED_AS_OF = dt.date(2026, 11, 25)


def validation_markdown(dataset: Dataset, a: Assumptions, date: dt.date = DOCUMENTED_AS_OF) -> str:
    """The generated part of docs/validation.md: the comparison, then the model by year."""
    table = comparison_markdown(comparison(dataset, a, date))
    model = backcast(dataset, a, date, FIRST_YEAR, date.year - 1)
    lines = [
        "",
        f"The model by year (domestic fleets, as known on {date.isoformat()}):",
        "",
        "| year | vehicles in service | average age | retired | entered service |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in model.itertuples(index=False):
        lines.append(
            f"| {row.year} | {row.fleet_vehicles:,.0f} | {row.average_age:.1f} | "
            f"{row.retired_vehicles:,.0f} | {row.delivered_vehicles:,.0f} |"
        )
    return table + "\n".join(lines) + "\n"


def write_document(path: str = "docs/validation.md") -> None:
    """Regenerate the table in docs/validation.md from the embedded dataset."""
    from pathlib import Path

    from railgap.dataset import load_dataset
    from railgap.dataset.assumptions import default_assumptions

    page = Path(path)
    table = validation_markdown(load_dataset(), default_assumptions())
    page.write_text(update_document(page.read_text(encoding="utf-8"), table), encoding="utf-8")
