"""Operators matched by identity, and a miss that names the nearest operators."""

from __future__ import annotations

import subprocess
import sys

import pytest

import railgap
from railgap.dataset.errors import UnknownOperatorError
from railgap.fleets.operators import aliases, identity, means, names_meant, nearest

NAMES = [
    "Northern Trains",
    "Arriva Rail North (Northern)",
    "Govia Thameslink Railway (Great Northern)",
    "First Capital Connect / Great Northern (GTR)",
    "Northern Rail (Serco-Abellio)",
    "Southern",
]


def test_aliases_and_identity():
    assert aliases("First Capital Connect / Great Northern (GTR)") == [
        "First Capital Connect / Great Northern (GTR)",
        "First Capital Connect",
        "Great Northern",
        "GTR",
    ]
    assert identity("Northern Trains") == identity("northern") == "northern"
    assert identity("Great Western Railway") == "great western"
    assert identity("Rail") == "rail"  # a generic word alone is still a name


def test_northern_is_not_great_northern():
    assert names_meant("Northern", NAMES) == [
        "Arriva Rail North (Northern)",
        "Northern Rail (Serco-Abellio)",
        "Northern Trains",
    ]
    assert names_meant("great northern", NAMES) == [
        "First Capital Connect / Great Northern (GTR)",
        "Govia Thameslink Railway (Great Northern)",
    ]
    assert not means("North", "Arriva Rail North (Northern)")
    assert not means("", "Northern")


def test_a_miss_suggests_the_nearest_names():
    assert nearest("Nrthern", NAMES)[0] == "Northern Trains"
    assert "Great Northern" in nearest("Northen", NAMES, n=10)
    assert nearest("zzz", NAMES) == []


def test_register_filters_by_identity_on_the_real_data():
    northern = railgap.fleet("2026-06-01", operator="Northern")
    classes = set(northern["class"])
    assert {"150", "155", "195", "331"} <= classes
    assert not {"700", "717", "387"} & classes  # Great Northern's
    assert all("Northern" in ops for ops in northern["operators"])
    great = railgap.fleet("2026-06-01", operator="Great Northern")
    assert {"717", "387"} <= set(great["class"])
    assert not {"150", "195"} & set(great["class"])


def test_unknown_operator_is_an_error_naming_the_nearest():
    with pytest.raises(UnknownOperatorError, match=r"nearest: .*Northern"):
        railgap.fleet("2026-06-01", operator="Nrthern")
    # Known from past spells only: a real operator, no fleet now, so an empty table.
    assert railgap.fleet("2026-06-01", operator="Thames Trains").empty


def test_cli_miss_exits_non_zero_with_suggestions():
    result = subprocess.run(
        [sys.executable, "-m", "railgap.cli", "fleet", "--operator", "Nrthern"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "no operator 'Nrthern'" in result.stderr
    assert "nearest:" in result.stderr
    assert result.stdout == ""
