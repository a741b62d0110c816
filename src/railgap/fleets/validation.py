"""The back-cast: the turnover engine run over past years, against the published series.

ORR's average-age and fleet-size series cover domestic passenger operators, so the
comparison leaves out Eurostar's international fleets (``INTERNATIONAL_CLASSES``). Each
published figure is compared with the model on the day it measured (``measured_on``, e.g.
ORR's 31 March), or for its whole year where the source gives no day; the differences and their
causes are discussed in ``docs/validation.md``, whose table :func:`comparison_markdown`
renders (a test fails when they drift apart).

Two flows are compared too (:func:`flow_comparison`): new vehicles entering service per
calendar year (DfT's written answers, 1998-2007) against the vehicles the back-cast puts into
service that year, and new vehicles ordered (DfT's answer of March 2019, 1997-2018) against
the orders in ``orders`` for the domestic fleets, summed over the periods of
``ORDER_PERIODS``.
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
#: The flows: new vehicles entering service per year, and ordered per period.
DELIVERED = "new_vehicles_delivered"
ORDERED = "new_vehicles_ordered"
DELIVERED_TOLERANCE_SHARE = 0.20
ORDERED_TOLERANCE_SHARE = 0.10
#: Ordering eras compared as sums (single years are lumpy: one franchise's order can be
#: half a year's total): the privatisation boom, the lull, the renewal.
ORDER_PERIODS = ((1997, 2002), (2003, 2011), (2012, 2017))
#: Order statuses that ordered nothing (an option not taken up) or whose vehicles were never
#: ordered in the end (cancelled).
NOT_ORDERED = ("cancelled", "open_option")


def tolerance(measure: str, published: float) -> float:
    """The largest difference from a published figure that counts as within."""
    shares = {
        "fleet_vehicles": FLEET_TOLERANCE_SHARE,
        DELIVERED: DELIVERED_TOLERANCE_SHARE,
        ORDERED: ORDERED_TOLERANCE_SHARE,
    }
    if measure == "average_age_years":
        return AGE_TOLERANCE_YEARS
    return shares[measure] * abs(published)


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
    frame.insert(1, "period", frame["year"].astype(str))
    frame = pd.concat([frame, flow_comparison(dataset, a, date)], ignore_index=True)
    frame["difference"] = np.round(frame["modelled"] - frame["published"], 1)
    limit = [tolerance(m, v) for m, v in zip(frame["measure"], frame["published"], strict=True)]
    large = frame["difference"].abs().to_numpy() > np.array(limit)
    stock = frame["measure"].isin(list(MEASURES)).to_numpy()
    frame["explain"] = np.where(
        stock & (frame["year"] < FIRST_YEAR), "out of scope", np.where(large, "yes", "")
    )
    return frame.sort_values(["measure", "year", "source"]).reset_index(drop=True)


def domestic_orders(dataset: Dataset, date: dt.date) -> pd.DataFrame:
    """Orders for the domestic fleets as known on ``date``, with vehicles and year ordered.

    An order counts when a domestic fleet row names it (``fleets.order_id``): that leaves out
    London Underground, metro, tram and Eurostar orders, which DfT's figures do not cover, and
    orders with no fleet yet. Its year is that of ``signed``, else of the first day it was
    public (an order is signed by the time it is announced at the latest).
    """
    resolved = as_of(dataset, date)
    fleets = resolved["fleets"]
    fleets = fleets[~fleets["class"].astype(str).isin(INTERNATIONAL_CLASSES)]
    named = {
        part.strip()
        for text in fleets["order_id"].dropna().astype(str)
        for part in text.split(";")
        if part.strip()
    }
    orders = resolved["orders"]
    orders = orders[orders["order_id"].isin(named) & ~orders["status"].isin(NOT_ORDERED)]
    history = dataset["orders"]
    history = history[history["_known_by"].to_numpy() <= np.datetime64(date, "ns")]
    first_public = history.groupby("order_id")["known_from_y"].min()
    year = orders["signed_y"].to_numpy(dtype="float64")
    public = first_public.reindex(orders["order_id"]).to_numpy(dtype="float64")
    return pd.DataFrame(
        {
            "order_id": orders["order_id"].to_numpy(),
            "vehicles": (orders["units"] * orders["cars_per_unit"]).to_numpy(dtype="float64"),
            "year": np.where(np.isnan(year), public, year).astype("int64"),
            "year_basis": np.where(np.isnan(year), "first public", "signed"),
        }
    )


def flow_comparison(dataset: Dataset, a: Assumptions, date: dt.date) -> pd.DataFrame:
    """New vehicles entering service per year and ordered per period, published and modelled."""
    published = as_of(dataset, date)["national_series"]
    rows: list[dict[str, object]] = []
    delivered = published[published["measure"] == DELIVERED]
    if len(delivered):
        years = delivered["year"].astype(int)
        model = backcast(dataset, a, date, int(years.min()), int(years.max()))
        entered = dict(zip(model["year"], model["delivered_vehicles"], strict=True))
        for year, value, scope, source in zip(
            years, delivered["value"], delivered["scope"], delivered["source"], strict=True
        ):
            rows.append(
                {
                    "year": int(year),
                    "period": str(year),
                    "measured_on": "",
                    "measure": DELIVERED,
                    "published": float(value),
                    "modelled": round(float(entered[year]), 1),
                    "scope": scope,
                    "source": source,
                }
            )
    ordered = published[published["measure"] == ORDERED].drop_duplicates("year")
    if len(ordered):
        by_year = ordered.set_index(ordered["year"].astype(int))
        model_years = domestic_orders(dataset, date).groupby("year")["vehicles"].sum()
        for first, last in ORDER_PERIODS:
            span = range(first, last + 1)
            if not all(y in by_year.index for y in span):
                continue
            rows.append(
                {
                    "year": last,
                    "period": f"{first}-{last}",
                    "measured_on": "",
                    "measure": ORDERED,
                    "published": float(by_year.loc[list(span), "value"].sum()),
                    "modelled": float(model_years.reindex(list(span)).fillna(0.0).sum()),
                    "scope": f"sum of {len(span)} calendar years: {by_year['scope'].loc[first]!s}",
                    "source": "; ".join(pd.unique(by_year.loc[list(span), "source"])),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "year", "period", "measured_on", "measure", "published", "modelled", "scope", "source",
        ],
    )


def comparison_markdown(frame: pd.DataFrame) -> str:
    """The comparison as a Markdown table (the generated part of ``docs/validation.md``)."""
    lines = [
        "| year | measured on | measure | published | modelled | difference | gap to explain "
        "| source |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for row in frame.itertuples(index=False):
        span = "whole period" if "-" in str(row.period) else "whole year"
        lines.append(
            f"| {row.period} | {str(row.measured_on) or span} | {row.measure} | "
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
