"""The API's parameters and bodies, with their formats and bounds (stated in the OpenAPI schema)."""

from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel, Field

from railgap.dataset.dates import DATE_PATTERN, EARLIEST, LATEST
from railgap.dataset.schema import ID_PATTERN, TABLES
from railgap.scenarios.spec import MAX_SCENARIO_BYTES

Format = Annotated[
    Literal["json", "csv"], Query(description="json (default) or csv (for spreadsheets).")
]
#: How the schema states a date parameter: its format, its pattern (years EARLIEST to
#: LATEST) and its bounds (``formatMinimum``/``formatMaximum``, as JSON Schema validators
#: such as ajv read them). Stated, not enforced by FastAPI: the server's own date parser
#: refuses what they exclude with a message saying why.
DATE_SCHEMA: dict[str, Any] = {
    "format": "date",
    "pattern": DATE_PATTERN,
    "formatMinimum": EARLIEST.isoformat(),
    "formatMaximum": LATEST.isoformat(),
    "examples": ["2024-01-15"],
}
DATES = f"YYYY-MM-DD, {EARLIEST.isoformat()} to {LATEST.isoformat()}"


def date_query(description: str) -> Any:
    """A date query parameter: ``description``, then its format and range."""
    return Query(
        description=f"{description} ({DATES}).", max_length=10, json_schema_extra=DATE_SCHEMA
    )


AsOf = Annotated[str | None, date_query("See the world as known on this date; default today")]
#: Ids in paths and queries, as the dataset's schemas define them.
ID_SCHEMA: dict[str, Any] = {"pattern": ID_PATTERN.pattern}
OPERATOR = "Keep fleets whose current operators contain this text (case-insensitive)."
Operator = Annotated[str | None, Query(max_length=200, description=OPERATOR)]
#: A table's name: one of TABLES (another is a 404 naming them).
TableName = Annotated[
    str,
    Path(
        max_length=100,
        description="A dataset table (see /api/data).",
        json_schema_extra={"enum": list(TABLES)},
    ),
]
#: Most draws one web request may ask for (the CLI allows far more).
MAX_WEB_DRAWS = 20_000
Draws = Annotated[
    int,
    Query(ge=1, le=MAX_WEB_DRAWS, description=f"Futures drawn (at most {MAX_WEB_DRAWS:,})."),
]
Seed = Annotated[
    int, Query(ge=0, le=2**31 - 1, description="Random seed: the same seed, the same answer.")
]
Months = Annotated[int, Query(ge=12, le=360, description="Months from the as-of date.")]
SimTable = Annotated[
    Literal["plants", "months"],
    Query(description="CSV only: the per-plant summary, or one row per month and plant."),
]
AllPlants = Annotated[
    bool,
    Query(
        description="Also list plants closed (or never opened) by the date with nothing to build."
    ),
]
UkShare = Annotated[
    float, Query(ge=0, le=1, description="Least share of awarded vehicles built in GB (0-1).")
]
Budget = Annotated[
    float | None,
    Query(ge=1, le=1e6, description="Most contract value awarded a year, GBP million."),
]
#: Most plants one request may name as must-use or must-not-use.
MAX_PLANTS = 40
MustUse = Annotated[
    list[str] | None,
    Query(
        max_length=MAX_PLANTS,
        description="A plant id that must build (repeatable, at most 40).",
        json_schema_extra={"items": {"type": "string", **ID_SCHEMA}},
    ),
]
MustNotUse = Annotated[
    list[str] | None,
    Query(
        max_length=MAX_PLANTS,
        description="A plant id that may not build (repeatable, at most 40).",
        json_schema_extra={"items": {"type": "string", **ID_SCHEMA}},
    ),
]
ScenarioId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A saved scenario's id.")]
PlantId = Annotated[
    str,
    Path(
        max_length=200,
        description="Plant id, e.g. hitachi_newton_aycliffe (see /api/outlook?all=true).",
        json_schema_extra=ID_SCHEMA,
    ),
]
#: Years of the forecast (the fleet back-cast starts in 1950) and of the optimiser.
FORECAST_YEARS = (1950, 2100)
OPTIMISER_YEARS = (1990, 2100)
_WEIGHT = r"(jobs|overage|smooth)=[0-9]+(\.[0-9]*)?"
#: Optimiser weights as the schema states them (the parser also reads 1e3 and .5).
WEIGHTS_PATTERN = rf"^({_WEIGHT}(,{_WEIGHT})*)?$"

#: Scenario text may be posted as YAML (or JSON, which is YAML) in the request body.
SCENARIO_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A scenario file (YAML): name, as_of, levers. See docs/scenarios.md.",
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}
CSV = {"text/csv": {"schema": {"type": "string"}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown plant, table or scenario"},
    408: {"description": "Took longer than the time limit"},
    413: {"description": "Body too large"},
    422: {"description": "Invalid input: the body names file, line and field"},
}


class Compare(BaseModel):
    """Scenarios to compare: uploaded YAML texts and/or saved scenarios' ids."""

    scenarios: list[Annotated[str, Field(max_length=MAX_SCENARIO_BYTES)]] = Field(
        default_factory=list, max_length=8
    )
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(default_factory=list, max_length=8)
