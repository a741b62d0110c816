"""Named, versioned assumptions: the figures engines use that no dataset row gives."""

from __future__ import annotations

import math
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


#: The range each assumption's value (or each value of a table) must lie in, inclusive:
#: (least, most, whole numbers only). Every source of assumptions (the packaged file, a
#: ``--assumptions`` file, a scenario's ``assumption`` lever, a flag) is checked against it
#: where it is read. An assumption not named here must be finite and not negative.
RANGES: dict[str, tuple[float, float, bool]] = {
    "year_only_month": (1, 12, True),
    "signing_to_first_delivery_months": (0, 240, False),
    "delivery_to_service_months": (0, 240, False),
    "delivery_rate_vehicles_per_month": (0.01, 10_000, False),
    "assembly_lead_months": (0, 240, False),
    "handover_lag_months": (0, 240, False),
    "bodyshell_lead_months": (0, 240, False),
    "stage_share": (0, 1, False),
    "min_viable_share": (0, 1, False),
    "min_work_run_months": (1, 60, True),
    "cut_notice_months": (1, 120, True),
    "supply_chain_jobs_per_direct_job": (0, 100, False),
    "outlook_horizon_months": (1, 1200, True),
    "service_life_years": (1, 150, False),
    "fleet_growth_per_year": (0, 1, False),
    "fleet_growth_scenarios": (0, 1, False),
    "diesel_only_out_by_year": (0, 2100, True),
    "uncertainty_min_observations": (0, 10_000, True),
    "open_tender_bidder_years": (0, 300, False),
    "recent_fleet_years": (0, 300, False),
    "traction_family": (1, 2, True),
    "capability_from_manufacturer": (0, 1, True),
    "early_replacement_years": (0, 150, False),
}


def range_problem(name: str, value: Any) -> str | None:
    """What is wrong with one value of assumption ``name`` (``None`` when it is in range)."""
    low, high, whole = RANGES.get(name, (0, math.inf, False))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is not a number"
    if not math.isfinite(value):
        return f"{value} is not a finite number"
    if whole and value != int(value):
        return f"{value} is not a whole number"
    if not low <= value <= high:
        most = "" if math.isinf(high) else f" and at most {high:g}"
        return f"{value:g} is out of range: must be at least {low:g}{most}"
    if name == "diesel_only_out_by_year" and 0 < value < 1800:
        return f"{value:g} is not a year from 1800 (or 0 for no such policy)"
    return None


class Assumption(BaseModel):
    """One assumption: value, unit and a public source or stated reasoning."""

    model_config = ConfigDict(extra="forbid")
    value: float | int | dict[str, float]
    unit: str
    source: str | None = None
    reasoning: str = Field(min_length=1)


FIELD_PREFIX = "assumptions."


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
            "min_work_run_months",
            "cut_notice_months",
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
        problems = [
            f"{FIELD_PREFIX}{name}.value{'.' + key if key else ''}: {problem}"
            for name, item in self.assumptions.items()
            for key, value in (
                item.value.items() if isinstance(item.value, dict) else [("", item.value)]
            )
            if (problem := range_problem(name, value)) is not None
        ]
        if problems:
            raise ValueError("; ".join(problems))
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

    def with_overrides(self, overrides: dict[str, Any], where: str = "overrides") -> Assumptions:
        """Return a copy with some values replaced; the version is marked as modified.

        ``where`` names the overrides' source in errors (a scenario file and lever).
        """
        data = self.model_dump()
        for key, value in overrides.items():
            if key not in data["assumptions"]:
                raise DataError([Problem(where, None, key, "is not a known assumption")])
            if isinstance(value, dict) != isinstance(data["assumptions"][key]["value"], dict):
                kind = (
                    "a table" if isinstance(data["assumptions"][key]["value"], dict) else "a number"
                )
                raise DataError([Problem(where, None, key, f"takes {kind}")])
            data["assumptions"][key]["value"] = value
        if not self.version.endswith("+modified"):
            data["version"] = f"{self.version}+modified"
        return parse_assumptions(data, where)


def parse_assumptions(data: Any, where: str) -> Assumptions:
    """Validate loaded YAML data as an assumptions file."""
    try:
        return Assumptions.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or None
            message = str(err["msg"]).removeprefix("Value error, ")
            if field is None and message.startswith(FIELD_PREFIX):
                # The range checks: one problem per value, each naming its field.
                for part in message.split("; "):
                    name, _, said = part.partition(": ")
                    problems.append(Problem(where, None, name, said))
                continue
            problems.append(Problem(where, None, field, message))
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
