"""The optimiser's weights and options, named and validated (one object, overridable).

Weights turn the three objective terms into one number; their units are those of the terms:

- ``jobs``: per job-month at risk (a GB plant's staff not needed while its load is below
  the minimum viable rate, as the loading engine counts them);
- ``overage``: per vehicle-year of fleet kept in service past its due date (or never
  replaced within the horizon);
- ``smooth``: per vehicle-equivalent a month of change in a plant's monthly load.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from railgap.dataset.errors import DataError, Problem

NonNegative = Annotated[float, Field(ge=0, le=1e6)]
#: A plain decimal number in the digits 0-9 (no nan, inf or digit separators), as weights
#: are written.
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


class Weights(BaseModel):
    """Weights of the objective's terms (see the module docstring for units)."""

    model_config = ConfigDict(extra="forbid")
    jobs: NonNegative = 1.0
    overage: NonNegative = 10.0
    smooth: NonNegative = 1.0


class Options(BaseModel):
    """What the optimiser may do and how hard it tries."""

    model_config = ConfigDict(extra="forbid")
    weights: Weights = Field(default_factory=Weights)
    #: Largest lot a need is split into, in vehicles.
    lot_vehicles: Annotated[float, Field(gt=0)] = 240.0
    #: Awards are considered every this many months (1 = any month); None: 3 for horizons
    #: up to 20 years, 6 beyond (the relaxation of the finer grid takes ~30 s nationally).
    award_step_months: Annotated[int, Field(ge=1, le=12)] | None = None
    #: How many months after its latest on-time award a need may still be awarded (late).
    max_delay_months: Annotated[int, Field(ge=0, le=240)] = 60
    #: Least share of the awarded vehicles built at GB plants (0 = no constraint).
    uk_share: Annotated[float, Field(ge=0, le=1)] = 0.0
    #: Most contract value awarded in any calendar year, GBP million (None = no limit).
    budget_gbp_m_per_year: Annotated[float, Field(gt=0)] | None = None
    #: Plants that must build at least one need, and plants that may build none.
    must_use: list[str] = Field(default_factory=list)
    must_not_use: list[str] = Field(default_factory=list)
    #: Solver limits.
    time_limit_s: Annotated[float, Field(gt=0, le=86400)] = 30.0
    mip_gap: Annotated[float, Field(ge=0, le=1)] = 0.01
    threads: Annotated[int, Field(ge=1, le=64)] = 2


def parse_weights(text: str | None, base: Weights | None = None) -> Weights:
    """Parse ``jobs=1,overage=0.1,smooth=0.01`` over ``base`` (default weights).

    Raises :class:`DataError` naming the weight that is unknown or not a number.
    """
    values = (base or Weights()).model_dump()
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in values:
            raise DataError(
                [Problem("--weights", None, name or part, f"is not one of {', '.join(values)}")]
            )
        if not NUMBER.fullmatch(value.strip()):
            raise DataError([Problem("--weights", None, name, f"'{value}' is not a number")])
        values[name] = float(value)
    try:
        return Weights.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise DataError([Problem("--weights", None, field, err["msg"])]) from None


#: The horizon's last year when none is given: 2040, or this many years after the as-of
#: year when that is later (16 years: as of January 2024, 2024-2040).
DEFAULT_TO_YEAR = 2040
DEFAULT_HORIZON_YEARS = 16


def default_to_year(as_of_year: int) -> int:
    """The last year of the horizon when none is given (see :data:`DEFAULT_TO_YEAR`)."""
    return min(max(DEFAULT_TO_YEAR, as_of_year + DEFAULT_HORIZON_YEARS), 2100)


def award_step(options: Options, n_months: int) -> int:
    """The award grid in months: as set, else 3 up to a 20-year horizon and 6 beyond."""
    if options.award_step_months is not None:
        return options.award_step_months
    return 3 if n_months <= 240 else 6
