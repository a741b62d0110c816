"""Malformed imports (generated): always a clear error naming where, and no write."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import embedded_row, snapshot

from railgap.dataset.errors import DataError
from railgap.dataset.schema import schema
from railgap.store import open_engine, revisions
from railgap.store.engine import dispose
from railgap.store.formats import read_import
from railgap.store.location import normalise_url
from railgap.store.reading import read_dataset

COLUMNS = schema("orders").names
INT_COLUMNS = [c.name for c in schema("orders").columns if c.base_type == "int"]
DATE_COLUMNS = [c.name for c in schema("orders").columns if c.base_type == "date"]
REQUIRED = [c.name for c in schema("orders").columns if c.required]


def _valid_rows(count: int) -> list[dict[str, str]]:
    base = embedded_row("orders")
    return [
        {**base, "known_from": f"2027-01-{day:02d}", "source": f"https://example.org/{day}"}
        for day in range(1, count + 1)
    ]


def _text(rows: list[dict[str, str]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def malformed(draw: st.DrawFn) -> tuple[bytes, str]:
    """A small orders CSV with one kind of fault, and the kind."""
    rows = _valid_rows(draw(st.integers(1, 4)))
    target = draw(st.integers(0, len(rows) - 1))
    kind = draw(
        st.sampled_from(
            [
                "wrong_type",
                "missing_column",
                "bad_date",
                "duplicate_key",
                "huge_field",
                "encoding",
                "missing_required",
                "extra_cell",
                "unknown_column",
            ]
        )
    )
    columns = list(COLUMNS)
    if kind == "wrong_type":
        column = draw(st.sampled_from(INT_COLUMNS))
        rows[target][column] = draw(st.sampled_from(["many", "1.5", "1e3", "ten", "--1"]))
    elif kind == "missing_column":
        columns.remove(draw(st.sampled_from(REQUIRED)))
    elif kind == "bad_date":
        column = draw(st.sampled_from(DATE_COLUMNS))
        rows[target][column] = draw(
            st.sampled_from(["2024-13-01", "2024-02-30", "24-01-01", "soon", "2024/01/01"])
        )
    elif kind == "duplicate_key":
        rows.append({**rows[target], "units": "7"})
    elif kind == "huge_field":
        rows[target]["notes"] = "x" * draw(st.integers(10_001, 50_000))
    elif kind == "missing_required":
        rows[target][draw(st.sampled_from(REQUIRED))] = ""
    elif kind == "unknown_column":
        columns.append(draw(st.sampled_from(["colour", "Units", "price"])))
    text = _text(rows, columns)
    if kind == "extra_cell":
        lines = text.splitlines()
        lines[target + 1] += ",surplus"
        text = "\n".join(lines) + "\n"
    if kind == "encoding":
        rows[target]["notes"] = "Café façade — Ünïcode"
        encoding = draw(st.sampled_from(["latin-1", "utf-16", "cp1252"]))
        return _text(rows, columns).encode(encoding, errors="replace"), kind
    return text.encode("utf-8"), kind


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = normalise_url(str(tmp_path_factory.mktemp("malformed") / "m.sqlite"))
    read_dataset(open_engine(url))
    yield url
    dispose(url)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=malformed())
def test_malformed_csv_is_refused_with_where_and_nothing_written(
    seeded: str, tmp_path_factory: pytest.TempPathFactory, case: tuple[bytes, str]
) -> None:
    data, kind = case
    folder = tmp_path_factory.mktemp("in")
    (folder / "orders.csv").write_bytes(data)
    before = snapshot(seeded)
    with pytest.raises(DataError) as caught:
        revisions.write(open_engine(seeded), read_import(folder / "orders.csv"), "fuzz")
    assert snapshot(seeded) == before
    for problem in caught.value.problems:
        assert problem.file == "orders.csv", (kind, str(problem))
        assert problem.line is not None, (kind, str(problem))
        assert problem.message, kind
    if kind in (
        "wrong_type",
        "bad_date",
        "missing_required",
        "huge_field",
        "missing_column",
        "unknown_column",
        "duplicate_key",
    ):
        assert all(p.column for p in caught.value.problems), (kind, caught.value.problems)


def test_a_valid_file_of_the_same_shape_is_accepted(tmp_path: Path) -> None:
    url = normalise_url(str(tmp_path / "ok.sqlite"))
    (tmp_path / "orders.csv").write_text(_text(_valid_rows(3), COLUMNS), encoding="utf-8")
    result = revisions.write(open_engine(url), read_import(tmp_path / "orders.csv"), "fuzz")
    assert result.added == {"orders": 3}
    dispose(url)
