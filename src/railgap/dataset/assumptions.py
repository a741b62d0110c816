"""Named, versioned assumptions: the figures engines use that no dataset row gives."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from railgap.dataset.errors import DataError, Problem

STAGES = ("bodyshell", "assembly", "test", "full")
TRACTIONS = (
    "dmu",
    "demu",
    "emu_ac",
    "emu_dc",
    "emu_dual",
    "bimode",
    "trimode",
    "battery",
    "loco_diesel",
    "loco_electric",
    "hst",
)


class Assumption(BaseModel):
    """One assumption: value, unit and a public source or stated reasoning."""

    model_config = ConfigDict(extra="forbid")
    value: float | int | dict[str, float]
    unit: str
    source: str | None = None
    reasoning: str = Field(min_length=1)


class Assumptions(BaseModel):
    """The assumptions file: a name, a version and the named assumptions."""

    model_config = ConfigDict(extra="forbid")
    name: str
    version: str
    assumptions: dict[str, Assumption]

    @model_validator(mode="after")
    def _check(self) -> Assumptions:
        required = {
            "year_only_month",
            "signing_to_first_delivery_months",
            "delivery_to_service_months",
            "delivery_rate_vehicles_per_month",
            "assembly_lead_months",
            "handover_lag_months",
            "bodyshell_lead_months",
            "stage_share",
            "min_viable_share",
            "supply_chain_jobs_per_direct_job",
            "outlook_horizon_months",
            "service_life_years",
            "fleet_growth_per_year",
            "diesel_only_out_by_year",
            "traction_family",
            "capability_from_manufacturer",
            "early_replacement_years",
        }
        missing = sorted(required - set(self.assumptions))
        if missing:
            raise ValueError(f"missing assumptions: {', '.join(missing)}")
        shares = self.assumptions["stage_share"].value
        if not isinstance(shares, dict) or set(shares) != set(STAGES):
            raise ValueError(f"stage_share must give a share for each of {', '.join(STAGES)}")
        lives = self.assumptions["service_life_years"].value
        if not isinstance(lives, dict) or set(lives) != set(TRACTIONS):
            raise ValueError(
                f"service_life_years must give a life for each of {', '.join(TRACTIONS)}"
            )
        families = self.assumptions["traction_family"].value
        if not isinstance(families, dict) or set(families) != set(TRACTIONS):
            raise ValueError(
                f"traction_family must give a family for each of {', '.join(TRACTIONS)}"
            )
        if any(v not in (1, 2) for v in families.values()):
            raise ValueError("traction_family codes must be 1 (electric) or 2 (self-powered)")
        for name, item in self.assumptions.items():
            values = item.value.values() if isinstance(item.value, dict) else [item.value]
            if any(v < 0 for v in values):
                raise ValueError(f"assumption {name} must not be negative")
        if not 1 <= self.number("year_only_month") <= 12:
            raise ValueError("year_only_month must be a month, 1 to 12")
        if self.number("delivery_rate_vehicles_per_month") <= 0:
            raise ValueError("delivery_rate_vehicles_per_month must be positive")
        return self

    def number(self, name: str) -> float:
        """Return a scalar assumption's value."""
        value = self.assumptions[name].value
        if isinstance(value, dict):
            raise TypeError(f"assumption {name} is a table, not a number")
        return float(value)

    def table(self, name: str) -> dict[str, float]:
        """Return a table-valued assumption (e.g. ``stage_share``)."""
        value = self.assumptions[name].value
        if not isinstance(value, dict):
            raise TypeError(f"assumption {name} is a number, not a table")
        return value

    @property
    def label(self) -> str:
        """``name@version``, the stamp every output carries."""
        return f"{self.name}@{self.version}"

    def with_overrides(self, overrides: dict[str, Any]) -> Assumptions:
        """Return a copy with some values replaced; the version is marked as modified."""
        data = self.model_dump()
        for key, value in overrides.items():
            if key not in data["assumptions"]:
                raise DataError([Problem("assumptions", None, key, "is not a known assumption")])
            if isinstance(value, dict) != isinstance(data["assumptions"][key]["value"], dict):
                kind = (
                    "a table" if isinstance(data["assumptions"][key]["value"], dict) else "a number"
                )
                raise DataError([Problem("assumptions", None, key, f"takes {kind}")])
            data["assumptions"][key]["value"] = value
        if not self.version.endswith("+modified"):
            data["version"] = f"{self.version}+modified"
        return parse_assumptions(data, "overrides")


def parse_assumptions(data: Any, where: str) -> Assumptions:
    """Validate loaded YAML data as an assumptions file."""
    try:
        return Assumptions.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(where, None, ".".join(str(p) for p in err["loc"]) or None, err["msg"])
            for err in exc.errors()
        ]
        raise DataError(problems) from None


def read_assumptions(path: str | Path) -> Assumptions:
    """Read an assumptions YAML file, reporting the file (and line) of any problem."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text("utf-8"))
    except FileNotFoundError:
        raise DataError([Problem(str(file), None, None, "does not exist")]) from None
    except UnicodeDecodeError:
        raise DataError([Problem(str(file), None, None, "is not UTF-8 text")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataError([Problem(str(file), line, None, f"is not valid YAML: {exc}")]) from None
    return parse_assumptions(data, file.name)


@cache
def default_assumptions() -> Assumptions:
    """Return the packaged assumptions."""
    path = resources.files("railgap.data").joinpath("assumptions.yaml")
    return read_assumptions(Path(str(path)))
