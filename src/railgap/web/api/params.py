"""The API's parameters and bodies, with their formats and bounds (stated in the OpenAPI schema)."""

from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel, Field

from railgap.scenarios.spec import MAX_SCENARIO_BYTES

Format = Annotated[
    Literal["json", "csv"], Query(description="json (default) or csv (for spreadsheets).")
]
AsOf = Annotated[
    str | None,
    Query(
        description="See the world as known on this date (YYYY-MM-DD); default today.",
        max_length=10,
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
    Query(max_length=MAX_PLANTS, description="A plant that must build (repeatable)."),
]
MustNotUse = Annotated[
    list[str] | None,
    Query(max_length=MAX_PLANTS, description="A plant that may not build (repeatable)."),
]
ScenarioId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A saved scenario's id.")]
PlantId = Annotated[
    str, Path(max_length=200, description="Plant id, e.g. hitachi_newton_aycliffe.")
]

#: Scenario text may be posted as YAML (or JSON, which is YAML) in the request body.
SCENARIO_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A scenario file (YAML): name, as_of, levers. See docs/scenarios.md.",
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "text/plain": {"schema": {"type": "string"}},
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
