"""Valid-shaped requests to every endpoint and page: hypothesis strategies for fuzzing.

Each request is one a careful user could send: dates within the documented range
(:data:`~railgap.dataset.dates.EARLIEST` to :data:`~railgap.dataset.dates.LATEST`), real
plant, order, tender, manufacturer, operator and table ids, every lever kind with values
within its documented limits, every assumption within its stated range (``RANGES``). Such a
request may be refused (a 4xx saying why: "from" after "to", a lever on an order not yet
known on the scenario's date), never answered with a 500.

Used by ``tests/web/test_fuzz_valid.py`` (bounded, in the suite) and
``benchmarks/fuzz_valid.py`` (the long run, ``make fuzz``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import yaml
from fastapi.testclient import TestClient
from hypothesis import strategies as st

from railgap.dataset import load_dataset
from railgap.dataset.assumptions import RANGES, STAGES, TRACTIONS, default_assumptions
from railgap.dataset.dates import EARLIEST, LATEST
from railgap.scenarios.spec import MAX_CARS_PER_UNIT, MAX_LEVER_UNITS

#: Dates where the model's edges are: the range's ends, the days next to them, the years
#: before any plant or window is known, the turn of the century and around today.
EDGE_DATES = (
    EARLIEST,
    EARLIEST + dt.timedelta(days=1),
    dt.date(1899, 12, 31),
    dt.date(1989, 12, 31),
    dt.date(1990, 1, 1),
    dt.date(1999, 12, 31),
    dt.date(2000, 1, 1),
    dt.date(2007, 12, 31),
    dt.date(2008, 1, 1),
    dt.date(2024, 1, 15),
    dt.date(2095, 12, 31),
    dt.date(2099, 12, 1),
    dt.date(2100, 11, 30),
    dt.date(2100, 12, 1),
    LATEST - dt.timedelta(days=1),
    LATEST,
)


@dataclass(frozen=True)
class Ids:
    """The real ids a request may name: plants, orders, tenders, manufacturers and so on."""

    plants: tuple[str, ...]
    orders: tuple[str, ...]
    tenders: tuple[str, ...]
    manufacturers: tuple[str, ...]
    operators: tuple[str, ...]
    tables: tuple[str, ...]
    saved: tuple[int, ...] = ()

    @classmethod
    def embedded(cls, saved: Sequence[int] = ()) -> Ids:
        """Every id of the embedded dataset (all revisions), and saved scenarios' ids."""
        data = load_dataset()

        def ids(table: str, column: str) -> tuple[str, ...]:
            return tuple(sorted({str(v) for v in data[table][column].dropna()}))

        return cls(
            plants=ids("plants", "plant_id"),
            orders=ids("orders", "order_id"),
            tenders=ids("tenders", "tender_id"),
            manufacturers=ids("manufacturers", "manufacturer_id"),
            operators=ids("orders", "operator"),
            tables=tuple(sorted(data.tables)),
            saved=tuple(saved),
        )


@dataclass(frozen=True)
class Call:
    """One HTTP request: method, path, query, and a body (scenario text or JSON)."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    text: str | None = None
    json: Any = None
    token: bool = False
    heavy: bool = field(default=False, compare=False)

    def send(self, client: TestClient, token: str = "") -> httpx.Response:
        """Send the request with ``client`` (a bearer ``token`` when it writes)."""
        headers = {"authorization": f"Bearer {token}"} if self.token else {}
        if self.text is not None:
            headers["content-type"] = "application/yaml"
            return client.request(
                self.method, self.path, params=self.params, content=self.text, headers=headers
            )
        if self.json is not None:
            return client.request(
                self.method, self.path, params=self.params, json=self.json, headers=headers
            )
        return client.request(self.method, self.path, params=self.params, headers=headers)

    def __str__(self) -> str:
        """The request as a line to paste into a bug report."""
        query = "&".join(f"{k}={v}" for k, v in self.params)
        line = f"{self.method} {self.path}{'?' + query if query else ''}"
        if self.text is not None:
            line += f"\n{self.text}"
        if self.json is not None:
            line += f"\n{self.json!r}"
        return line


def server_failure(response: httpx.Response) -> bool:
    """A 5xx that is not a documented "ask again later" (a 503 with ``Retry-After``).

    Such a 503 says a long job is still being computed (``computing``) or the database
    cannot serve; anything else from 500 up is a failure of the server.
    """
    if response.status_code < 500:
        return False
    return not (response.status_code == 503 and "retry-after" in response.headers)


def dates(pool: Sequence[dt.date] | None = None) -> st.SearchStrategy[dt.date]:
    """Dates in the documented range, often at its edges (or only from ``pool``)."""
    if pool is not None:
        return st.sampled_from(list(pool))
    return st.one_of(st.sampled_from(EDGE_DATES), st.dates(EARLIEST, LATEST))


def partial_dates(days: st.SearchStrategy[dt.date]) -> st.SearchStrategy[str]:
    """Partial dates as data cells and levers write them: YYYY, YYYY-MM or YYYY-MM-DD."""
    return st.builds(
        lambda d, precision: d.isoformat()[:precision],
        days,
        st.sampled_from([4, 7, 10]),
    )


def _number(low: float, high: float, whole: bool) -> st.SearchStrategy[float | int]:
    if whole:
        return st.integers(int(low), int(high))
    edges = st.sampled_from(sorted({low, high, (low + high) / 2}))
    return st.one_of(edges, st.floats(low, high, allow_nan=False, allow_infinity=False))


def assumption_values(name: str) -> st.SearchStrategy[Any]:
    """Values within the stated range of assumption ``name`` (a table's: each of its keys)."""
    if name == "diesel_only_out_by_year":
        return st.one_of(st.just(0), st.integers(1800, 2100))
    low, high, whole = RANGES[name]
    value = default_assumptions().assumptions[name].value
    if isinstance(value, dict):
        if name == "traction_family":
            return st.fixed_dictionaries({k: st.sampled_from([1, 2]) for k in TRACTIONS})
        keys = STAGES if name == "stage_share" else tuple(value)
        return st.fixed_dictionaries({k: _number(low, high, whole) for k in keys})
    return _number(low, high, whole)


def _units() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(1, 40), st.integers(1, MAX_LEVER_UNITS))


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _without_none(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def plant_shares(ids: Ids, days: st.SearchStrategy[dt.date]) -> st.SearchStrategy[Any]:
    """A new order's plants: one to three of {plant, stage, share, build_start, build_end}."""
    month = days.map(lambda d: d.isoformat()[:7])
    share = st.builds(
        _without_none,
        plant=st.sampled_from(ids.plants),
        stage=st.sampled_from(STAGES),
        share=st.one_of(st.just(1.0), st.floats(0.01, 1.0)),
        build_start=_optional(month),
        build_end=_optional(month),
    )
    return st.lists(share, min_size=1, max_size=3)


def levers(ids: Ids, days: st.SearchStrategy[dt.date]) -> st.SearchStrategy[dict[str, Any]]:
    """Any lever of every kind, its values within the documented limits."""
    partial = partial_dates(days)
    units = _units()
    cars = st.integers(1, MAX_CARS_PER_UNIT)
    vary = dict(
        order=st.sampled_from(ids.orders),
        from_=days,
        first_delivery=_optional(partial),
        last_delivery=_optional(partial),
    )

    def named(kind: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
        def build(**values: Any) -> dict[str, Any]:
            body = _without_none(**values)
            if "from_" in body:
                body["from"] = body.pop("from_")
            if "class_" in body:
                body["class"] = body.pop("class_")
            return {kind: body}

        return st.builds(build, **fields)

    kinds = [
        named("vary_order", units=st.one_of(units, units.map(lambda u: -u)), **vary),
        named("exercise_option", units=_optional(units), **vary),
        named(
            "direct_order",
            class_=st.sampled_from(["999", "9xx", "Class 999/1"]),
            manufacturer=st.sampled_from(ids.manufacturers),
            units=units,
            cars_per_unit=cars,
            signed=days,
            plants=plant_shares(ids, days),
            operator=_optional(st.sampled_from(ids.operators)),
            first_delivery=_optional(partial),
            last_delivery=_optional(partial),
        ),
        named(
            "award_tender",
            tender=st.sampled_from(ids.tenders),
            winner=st.sampled_from(ids.manufacturers),
            date=_optional(days),
            units=_optional(units),
            cars_per_unit=_optional(cars),
            plants=_optional(plant_shares(ids, days)),
            first_delivery=_optional(partial),
            last_delivery=_optional(partial),
        ),
        named("move", order=st.sampled_from(ids.orders), months=st.integers(-1200, 1200)),
        named(
            "plant",
            plant=st.sampled_from(ids.plants),
            from_=_optional(days),
            capacity=_optional(st.floats(0.01, 10_000)),
            employees=_optional(st.integers(0, 1_000_000)),
            closed=_optional(days),
        ),
        st.sampled_from(sorted(RANGES)).flatmap(
            lambda name: assumption_values(name).map(
                lambda value: {"assumption": {"name": name, "value": value}}
            )
        ),
    ]
    return st.one_of(kinds)


LEVER_KINDS = (
    "vary_order",
    "exercise_option",
    "direct_order",
    "award_tender",
    "move",
    "plant",
    "assumption",
)


def scenarios(
    ids: Ids, days: st.SearchStrategy[dt.date], max_levers: int = 3
) -> st.SearchStrategy[str]:
    """Scenario YAML: a name, an as-of date and up to ``max_levers`` levers of any kind."""
    return st.builds(
        lambda as_of, chosen: yaml.safe_dump(
            {"name": "fuzzed", "as_of": as_of, "levers": chosen}, sort_keys=False
        ),
        days,
        st.lists(levers(ids, days), max_size=max_levers),
    )


def _query(**values: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[tuple[str, str], ...]]:
    """Query parameters, each given or left out; values as a browser would write them."""

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    return st.fixed_dictionaries({}, optional=values).map(
        lambda chosen: tuple((k.rstrip("_"), text(v)) for k, v in chosen.items())
    )


def _get(
    path: str, heavy: bool = False, **params: st.SearchStrategy[Any]
) -> st.SearchStrategy[Call]:
    return _query(**params).map(lambda q: Call("GET", path, q, heavy=heavy))


def _years(low: int, high: int) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from([low, high]), st.integers(low, high))


FORMATS = st.sampled_from(["json", "csv"])


#: The scenario page's chart kinds and the image formats.
SCENARIO_KINDS = st.sampled_from(["scenario-jobs", "scenario-loading", "scenario-gap-chance"])
IMAGES = st.sampled_from(["png", "svg"])


def light_calls(
    ids: Ids, days: st.SearchStrategy[dt.date], quick: bool = False
) -> st.SearchStrategy[Call]:
    """Requests to every endpoint and page answered in about a second or less.

    ``quick`` draws the Monte Carlo's sizes and seeds and the forecast's years from a few
    values each (their ends among them), so that a bounded run's answers are mostly cached.
    """
    plant = st.sampled_from(ids.plants)
    saved = st.sampled_from(ids.saved) if ids.saved else st.integers(1, 3)
    text = scenarios(ids, days)
    fmt = FORMATS
    years = (lambda lo, hi: st.sampled_from([lo, 2000, 2030, hi])) if quick else _years
    life = st.builds(
        lambda t, y: f"{t}={y:g}",
        st.sampled_from(TRACTIONS),
        st.sampled_from(RANGES["service_life_years"][:2])
        if quick
        else _number(*RANGES["service_life_years"][:2], False),
    )
    sim = dict(
        draws=st.sampled_from([1, 10, 50]) if quick else st.integers(1, 200),
        seed=st.sampled_from([0, 2024]) if quick else st.integers(0, 2**31 - 1),
        months=st.sampled_from([12, 120, 360]) if quick else _years(12, 360),
        table=st.sampled_from(["plants", "months"]),
        format=fmt,
    )

    def plant_path(suffix: str) -> st.SearchStrategy[str]:
        return plant.map(lambda p: f"/api/plants/{p}{suffix}")

    plant_api = st.sampled_from(["", "/orders", "/sources", "/loading", "/levers"]).flatmap(
        lambda suffix: st.builds(
            lambda path, q: Call("GET", path, q),
            plant_path(suffix),
            _query(as_of=days, format=fmt),
        )
    )
    return st.one_of(
        _get("/api/outlook", as_of=days, all=st.booleans(), format=fmt),
        plant_api,
        _get("/api/fleet", as_of=days, operator=st.sampled_from(ids.operators), format=fmt),
        _get(
            "/api/forecast",
            as_of=days,
            from_=years(1950, 2100),
            to=years(1950, 2100),
            life=life,
            format=fmt,
        ),
        _get("/api/loading", as_of=days, table=st.sampled_from(["months", "windows"]), format=fmt),
        _get("/api/tenders", as_of=days, format=fmt),
        _get("/api/data"),
        st.sampled_from(ids.tables).flatmap(
            lambda t: _get(f"/api/data/{t}", as_of=days, format=fmt)
        ),
        _get("/api/simulate", as_of=days, **sim),
        st.builds(
            lambda t, q: Call("POST", "/api/simulate", q, text=t),
            text,
            _query(**sim),
        ),
        st.builds(
            lambda t, q: Call("POST", "/api/scenarios/run", q, text=t),
            text,
            _query(months=st.booleans(), all=st.booleans(), format=fmt),
        ),
        st.builds(
            lambda t, kind, image, q: Call(
                "POST", f"/api/scenarios/charts/{kind}.{image}", q, text=t
            ),
            text,
            SCENARIO_KINDS,
            IMAGES,
            _query(all=st.booleans()),
        ),
        st.builds(
            lambda i, kind, image: Call("GET", f"/api/scenarios/{i}/charts/{kind}.{image}"),
            saved,
            SCENARIO_KINDS,
            IMAGES,
        ),
        st.builds(
            lambda ts, xs, q: Call(
                "POST", "/api/scenarios/compare", q, json={"scenarios": ts, "ids": xs}
            ),
            st.lists(scenarios(ids, days, max_levers=2), max_size=2),
            st.lists(saved, max_size=2),
            _query(format=fmt),
        ).filter(lambda c: bool(c.json["scenarios"] or c.json["ids"])),
        text.map(lambda t: Call("POST", "/api/scenarios", text=t, token=True)),
        _get("/api/scenarios"),
        saved.map(lambda i: Call("GET", f"/api/scenarios/{i}")),
        st.builds(
            lambda i, q: Call("GET", f"/api/scenarios/{i}/run", q),
            saved,
            _query(months=st.booleans(), all=st.booleans(), format=fmt),
        ),
        _get("/", as_of=days),
        plant.flatmap(lambda p: _get(f"/plants/{p}", as_of=days)),
        st.builds(
            lambda p, kind, q: Call("GET", f"/plants/{p}/brief.{kind}", q),
            plant,
            st.sampled_from(["html", "xlsx"]),
            st.one_of(_query(as_of=days), saved.map(lambda i: (("scenario", str(i)),))),
        ),
        _get("/scenarios", all=st.booleans()),
        saved.map(lambda i: Call("GET", f"/scenarios/{i}")),
        _get("/data"),
        st.sampled_from(ids.tables).flatmap(lambda t: _get(f"/data/{t}", as_of=days)),
        st.sampled_from(["/healthz", "/openapi.json", "/docs", "/static/plotly.min.js"]).map(
            lambda p: Call("GET", p)
        ),
    )


def heavy_calls(
    ids: Ids, days: st.SearchStrategy[dt.date], horizon: int | None = None
) -> st.SearchStrategy[Call]:
    """The optimiser (API and page) and the backtest: seconds to minutes each.

    ``horizon`` (years), when given, keeps the optimiser's horizon that short after the
    as-of year so that a bounded run stays quick; else any years in the documented range.
    """
    weights = st.lists(
        st.builds(
            lambda k, v: f"{k}={v}",
            st.sampled_from(["jobs", "overage", "smooth"]),
            st.integers(0, 100),
        ),
        max_size=3,
        unique_by=lambda s: s.split("=")[0],
    ).map(",".join)
    table = st.sampled_from(["timetable", "plants", "terms", "gaps", "tenders", "loading"])

    def optimise(day: dt.date) -> st.SearchStrategy[Call]:
        if horizon is None:
            years = dict(from_=_years(1990, 2100), to=_years(1990, 2100))
        else:
            first = max(day.year, 1990)
            years = dict(to=st.integers(first, min(first + horizon, 2100)))
        api = _query(
            as_of=st.just(day),
            weights=weights,
            time_limit=st.just(1),
            table=table,
            format=FORMATS,
            **years,
        )
        page = _query(as_of=st.just(day), weights=weights, **{"to": years["to"]})
        return st.one_of(
            api.map(lambda q: Call("GET", "/api/optimize", q, heavy=True)),
            page.map(lambda q: Call("GET", "/pipeline", q, heavy=True)),
        )

    calls = [days.flatmap(optimise)]
    if horizon is None:
        calls += [
            _get(
                "/api/backtest",
                heavy=True,
                plant=st.sampled_from(ids.plants),
                calibration=st.booleans(),
                draws=st.integers(1, 50),
                seed=st.integers(0, 2**31 - 1),
                format=FORMATS,
            ),
            _get("/backtest", heavy=True, plant=st.sampled_from(ids.plants)),
        ]
    return st.one_of(calls)
