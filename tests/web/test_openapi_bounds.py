"""The OpenAPI schema states every parameter's format and bounds (issue 16).

A fuzzer working from the schema (schemathesis) can only send valid-shaped input when the
schema says what that is: dates with their format and range, numbers with their limits,
strings with their length, choices or pattern.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from railgap.dataset.dates import DATE_PATTERN, EARLIEST, LATEST, parse_as_of
from railgap.dataset.errors import DateError
from railgap.web.app import create_app

SCHEMA = create_app().openapi()


def _parameters() -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                yield f"{method.upper()} {path} {parameter['name']}", parameter


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a parameter's schema, each with the outer keywords.

    Both apply (JSON Schema reads the outer keywords beside the alternatives); where they
    name the same keyword the outer one, which the parameter states, is the stricter.
    """
    outer = {k: v for k, v in schema.items() if k != "anyOf"}
    options = schema.get("anyOf", [{}])
    return [{**o, **outer} for o in options if o.get("type") != "null"]


PARAMETERS = dict(_parameters())


def test_the_schema_has_parameters():
    assert len(PARAMETERS) > 50


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_every_parameter_states_its_bounds(name: str):
    parameter = PARAMETERS[name]
    assert parameter.get("description"), f"{name} has no description"
    for schema in _branches(parameter["schema"]):
        kind = schema.get("type")
        if kind in ("integer", "number"):
            assert "minimum" in schema, (name, schema)
            assert "maximum" in schema, (name, schema)
        elif kind == "string":
            assert "enum" in schema or "maxLength" in schema, (name, schema)
        elif kind == "array":
            assert "maxItems" in schema, (name, schema)
            assert schema["items"].get("pattern") or schema["items"].get("enum"), (name, schema)
        else:
            assert kind == "boolean" or "enum" in schema, (name, schema)


DATE_PARAMETERS = sorted(n for n, p in PARAMETERS.items() if p["name"] == "as_of")


def test_every_as_of_is_a_date_parameter():
    assert len(DATE_PARAMETERS) >= 12


@pytest.mark.parametrize("name", DATE_PARAMETERS)
def test_a_date_states_its_format_and_range(name: str):
    schema = PARAMETERS[name]["schema"]
    assert schema["format"] == "date"
    assert schema["pattern"] == DATE_PATTERN
    assert schema["formatMinimum"] == EARLIEST.isoformat()
    assert schema["formatMaximum"] == LATEST.isoformat()
    assert f"{EARLIEST.isoformat()} to {LATEST.isoformat()}" in PARAMETERS[name]["description"]


def _accepted(text: str) -> bool:
    try:
        parse_as_of(text)
    except DateError:
        return False
    return True


def test_the_stated_pattern_is_the_range_the_server_accepts():
    for year in range(1700, 2201):
        for text in (f"{year:04d}-01-01", f"{year:04d}-06-15", f"{year:04d}-12-31"):
            assert bool(re.fullmatch(DATE_PATTERN, text)) == _accepted(text), text


def test_the_pattern_refuses_what_is_not_a_date():
    for text in (
        "2024-13-01",
        "2024-00-10",
        "2024-01-32",
        "２０２４-01-15",
        "2024-1-5",
        "24-01-01",
    ):
        assert not re.fullmatch(DATE_PATTERN, text), text
    assert re.fullmatch(DATE_PATTERN, (LATEST - dt.timedelta(days=1)).isoformat())


@pytest.mark.parametrize("path", ["/api/plants/{plant_id}", "/api/data/{table}"])
def test_path_ids_state_their_shape(path: str):
    (parameter,) = [p for p in SCHEMA["paths"][path]["get"]["parameters"] if p["in"] == "path"]
    schema = parameter["schema"]
    assert schema.get("pattern") or schema.get("enum"), schema
