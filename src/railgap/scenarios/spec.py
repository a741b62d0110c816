"""Scenarios: named levers applied to the dataset as known on a date.

A scenario is a small YAML file::

    name: West Coast order
    description: ...
    as_of: 2024-01-15
    base: do_nothing.yaml          # optional: apply that scenario's levers first
    levers:
      - vary_order: {order: avanti-807-2019, units: 10, from: 2024-03}
      - assumption: {name: min_viable_share, value: 0.1}

Levers (each a one-key mapping): ``vary_order`` and ``exercise_option`` (add or remove units
on an existing order), ``direct_order`` and ``award_tender`` (a new order with its plants),
``move`` (shift an order's planned dates), ``plant`` (capacity, staff, closure from a date)
and ``assumption`` (override a named assumption). Each lever is a pure function from
(resolved tables, assumptions) to new ones; nothing is written anywhere.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from railgap.dataset.dates import parse_as_of, parse_partial, window_problem
from railgap.dataset.errors import DataError, DateError, Problem

#: Largest scenario file read (bytes): a scenario is a handful of levers.
MAX_SCENARIO_BYTES = 256_000
#: Deepest nesting and most YAML nodes (aliases expanded) a scenario may have: a few levers
#: nest four or five levels; anything far beyond is a mistake or an attack ("billion laughs").
MAX_YAML_DEPTH = 32
MAX_YAML_NODES = 50_000
#: Largest order a lever may add or remove (units) and longest train (cars): bigger than any
#: GB order so far by an order of magnitude, small enough to keep the schedule finite.
MAX_LEVER_UNITS = 10_000
MAX_CARS_PER_UNIT = 30
Stage = Literal["bodyshell", "assembly", "test", "full"]
#: Lever fields holding partial dates (text: YYYY, YYYY-MM or YYYY-MM-DD).
PARTIAL_FIELDS = ("first_delivery", "last_delivery", "build_start", "build_end")


class Lever(BaseModel):
    """Base of every lever: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _dates_as_text(cls, value: Any, info: Any) -> Any:
        # Delivery and build dates may be written as partial dates (2026-01), full YAML dates
        # or a year alone (which YAML reads as a number).
        if info.field_name in PARTIAL_FIELDS:
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
        return value

    @field_validator(
        "first_delivery",
        "last_delivery",
        "build_start",
        "build_end",
        "from_",
        "signed",
        "date",
        "closed",
        mode="after",
        check_fields=False,
    )
    @classmethod
    def _in_range(cls, value: Any) -> Any:
        if value is None:
            return value
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        try:
            parse_partial(text)
        except DateError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("last_delivery", "build_end", mode="after", check_fields=False)
    @classmethod
    def _forwards(cls, value: Any, info: ValidationInfo) -> Any:
        # Fields are validated in order: the window's start (when valid) is already read.
        first = "first_delivery" if info.field_name == "last_delivery" else "build_start"
        start = info.data.get(first)
        if value is not None and start is not None:
            problem = window_problem(str(start), str(value), first)
            if problem:
                raise ValueError(problem)
        return value


class PlantShare(Lever):
    """A plant's part of a new order: which stage it does for what share of the vehicles.

    ``build_start`` and ``build_end`` (``YYYY-MM``), when given, state the months of this
    work at the plant, as a work package's own dates do; else they are derived from the
    order's deliveries.
    """

    plant: str
    stage: Stage = "full"
    share: Annotated[float, Field(gt=0, le=1)] = 1.0
    build_start: str | None = None
    build_end: str | None = None


class VaryOrder(Lever):
    """Add (or, negative, remove) units on an existing order from a date."""

    order: str
    units: Annotated[int, Field(ge=-MAX_LEVER_UNITS, le=MAX_LEVER_UNITS)]
    from_: dt.date = Field(alias="from")
    first_delivery: str | None = None
    last_delivery: str | None = None

    @field_validator("units")
    @classmethod
    def _nonzero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("units must not be zero")
        return value


class ExerciseOption(VaryOrder):
    """Exercise an option: further units of an existing order (positive only).

    ``order`` is the parent order, or an ``open_option`` row of the orders table, whose
    units are then the default (and the most that can be exercised).
    """

    units: Annotated[int, Field(le=MAX_LEVER_UNITS)] | None = None  # type: ignore[assignment]

    @field_validator("units")
    @classmethod
    def _positive(cls, value: int | None) -> int | None:
        if value is not None and value <= 0:
            raise ValueError("an option adds units: units must be positive")
        return value


class NewOrder(Lever):
    """What every new order a lever places gives: size, plants and delivery dates."""

    operator: str | None = None
    units: Annotated[int, Field(gt=0, le=MAX_LEVER_UNITS)]
    cars_per_unit: Annotated[int, Field(gt=0, le=MAX_CARS_PER_UNIT)]
    first_delivery: str | None = None
    last_delivery: str | None = None
    plants: list[PlantShare] = Field(min_length=1)

    def order_row(
        self, order_id: str, cls: str, manufacturer: str, signed: dt.date
    ) -> dict[str, Any]:
        """The orders-table row this lever adds (``known_from`` is set by the caller)."""
        return {
            "order_id": order_id,
            "class": cls,
            "manufacturer_id": manufacturer,
            "operator": self.operator,
            "units": self.units,
            "cars_per_unit": self.cars_per_unit,
            "signed": signed.isoformat(),
            "planned_first_delivery": self.first_delivery,
            "planned_last_delivery": self.last_delivery,
        }


class DirectOrder(NewOrder):
    """A new order placed directly: class, manufacturer, plants, units and dates."""

    order_id: str | None = None
    class_: str = Field(alias="class")
    manufacturer: str
    signed: dt.date

    def as_order(self, index: int) -> tuple[dict[str, Any], str]:
        """The order row and a note saying what the lever does."""
        order_id = self.order_id or f"scenario-{index}-{self.class_}".lower().replace(" ", "-")
        row = self.order_row(order_id, self.class_, self.manufacturer, self.signed)
        return row, f"direct order {order_id}: {self.units} x {self.cars_per_unit} {self.class_}"


class AwardTender(NewOrder):
    """A tender awarded: winner, plants, award date, units and delivery dates.

    For a tender of the tenders table, what is left out comes from it: the date from its
    expected award (never before the scenario's date), units from its stated range (the
    fewest), vehicles per unit from the tender or its segment's recent fleets, the first
    delivery from its expected first delivery, and the plants from where the winner built
    its latest GB order.
    """

    tender: str
    winner: str
    date: dt.date | None = None
    class_: str | None = Field(default=None, alias="class")
    units: Annotated[int, Field(gt=0, le=MAX_LEVER_UNITS)] | None = None  # type: ignore[assignment]
    cars_per_unit: Annotated[int, Field(gt=0, le=MAX_CARS_PER_UNIT)] | None = None  # type: ignore[assignment]
    plants: list[PlantShare] | None = Field(default=None, min_length=1)  # type: ignore[assignment]

    def as_order(self, index: int) -> tuple[dict[str, Any], str]:
        """The order row and a note saying what the lever does."""
        if self.date is None or self.units is None or self.plants is None:
            raise ValueError("complete the award from the tenders table first")
        order_id = f"scenario-{self.tender}-{self.winner}"
        row = self.order_row(order_id, self.class_ or self.tender, self.winner, self.date)
        size = f"{self.units} x {self.cars_per_unit}"
        return row, f"tender {self.tender} awarded to {self.winner}: {size}"


class Move(Lever):
    """Shift an order's planned dates (signing, deliveries, service, build) by months."""

    order: str
    months: Annotated[int, Field(ge=-1200, le=1200)]


class PlantLever(Lever):
    """Change a plant from a date: capacity, headcount, or closure."""

    plant: str
    from_: dt.date | None = Field(default=None, alias="from")
    capacity: Annotated[float, Field(gt=0, le=10_000)] | None = None
    employees: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    closed: dt.date | None = None


class AssumptionLever(Lever):
    """Override one named assumption."""

    name: str
    value: float | dict[str, float]


LEVERS: dict[str, type[Lever]] = {
    "vary_order": VaryOrder,
    "exercise_option": ExerciseOption,
    "direct_order": DirectOrder,
    "award_tender": AwardTender,
    "move": Move,
    "plant": PlantLever,
    "assumption": AssumptionLever,
}


class Scenario(BaseModel):
    """A scenario file: name, description, as-of date, optional base, levers."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=5000)] = ""
    as_of: dt.date
    base: str | None = None
    levers: list[dict[str, Any]] = Field(default_factory=list, max_length=200)

    @field_validator("as_of")
    @classmethod
    def _as_of_in_range(cls, value: dt.date) -> dt.date:
        try:
            parse_as_of(value.isoformat())
        except DateError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("levers")
    @classmethod
    def _levers(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for item in value:
            if not isinstance(item, dict) or len(item) != 1:
                raise ValueError("each lever is a mapping with one key, e.g. {vary_order: {...}}")
            (kind,) = item
            if kind not in LEVERS:
                raise ValueError(f"unknown lever '{kind}' (levers: {', '.join(LEVERS)})")
        return value


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The YAML line (1-based) of the deepest node a validation error location reaches."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if getattr(k, "value", None) == str(part)]
            if not match:
                break
            node = match[0]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _problems(
    where: str, exc: ValidationError, node: yaml.Node | None, prefix: tuple[Any, ...]
) -> DataError:
    problems = []
    for err in exc.errors():
        loc = (*prefix, *err["loc"])
        field = ".".join(str(p) for p in loc) or None
        problems.append(Problem(where, _line_of(node, loc), field, err["msg"]))
    return DataError(problems)


def _check_shape(node: yaml.Node | None, where: str) -> None:
    """Refuse YAML nested deeper than MAX_YAML_DEPTH or with more than MAX_YAML_NODES nodes.

    Nodes are counted as loading would expand them, so aliases that multiply ("billion
    laughs") are refused before anything is built from them.
    """
    if node is None:
        return
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    count = 0
    while stack:
        current, depth = stack.pop()
        count += 1
        if depth > MAX_YAML_DEPTH:
            line = current.start_mark.line + 1
            msg = f"is nested deeper than {MAX_YAML_DEPTH} levels"
            raise DataError([Problem(where, line, None, msg)])
        if count > MAX_YAML_NODES:
            msg = f"has more than {MAX_YAML_NODES:,} YAML nodes (aliases expanded)"
            raise DataError([Problem(where, None, None, msg)])
        if isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))


def parse_scenario(text: str, where: str) -> tuple[Scenario, list[tuple[str, Lever]]]:
    """Parse scenario YAML text into the scenario and its typed levers (base not applied).

    Every problem names ``where``, the YAML line and the field (``levers.2.vary_order.units``).
    Text larger than MAX_SCENARIO_BYTES, nested deeper than MAX_YAML_DEPTH or expanding to
    more than MAX_YAML_NODES nodes is refused.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SCENARIO_BYTES:
        raise DataError([Problem(where, None, None, f"is larger than {MAX_SCENARIO_BYTES} bytes")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        _check_shape(node, where)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataError([Problem(where, line, None, f"is not valid YAML: {exc}")]) from None
    except (ValueError, RecursionError) as exc:  # e.g. an impossible date YAML reads itself
        raise DataError([Problem(where, None, None, f"cannot be read: {exc}")]) from None
    if not isinstance(data, dict):
        raise DataError([Problem(where, 1, None, "must be a mapping with name, as_of and levers")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _problems(where, exc, node, ()) from None
    levers = []
    for index, item in enumerate(scenario.levers):
        ((kind, body),) = item.items()
        try:
            levers.append((kind, LEVERS[kind].model_validate(body or {})))
        except ValidationError as exc:
            raise _problems(where, exc, node, ("levers", index, kind)) from None
    return scenario, levers


def read_scenario(path: str | Path) -> tuple[Scenario, list[tuple[str, Lever]]]:
    """Read a scenario file and its chain of bases; return it and all levers, bases first."""
    return _read(Path(path), seen=())


def _read(path: Path, seen: tuple[Path, ...]) -> tuple[Scenario, list[tuple[str, Lever]]]:
    where = str(path)
    resolved = path.resolve()
    if resolved in seen:
        raise DataError([Problem(where, None, "base", "scenarios form a cycle of bases")])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(where, None, None, f"cannot be read: {exc.strerror}")]) from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise DataError([Problem(where, None, None, f"is larger than {MAX_SCENARIO_BYTES} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError([Problem(where, None, None, "is not UTF-8 text")]) from None
    scenario, levers = parse_scenario(text, where)
    if scenario.base:
        _, base_levers = _read(path.parent / scenario.base, (*seen, resolved))
        levers = base_levers + levers
    return scenario, levers


def inlined_text(path: str | Path) -> str:
    """A scenario file as one YAML text with its bases' levers written in, bases first.

    For where a ``base`` cannot be followed (the server's scenario routes take one text):
    the chain is read and checked first (:func:`read_scenario`), so problems name the file.
    """
    read_scenario(path)
    top = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    top.pop("base", None)
    top["levers"] = _raw_levers(Path(path))
    return yaml.safe_dump(top, sort_keys=False, allow_unicode=True)


def _raw_levers(path: Path) -> list[Any]:
    """The levers of a checked scenario file and its bases, as YAML data, bases first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    own = list(data.get("levers") or [])
    base = data.get("base")
    return [*_raw_levers(path.parent / base), *own] if base else own
