"""A malformed plant_events CSV imported into a database: refused, named, nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_helpers import embedded_row, snapshot, write_csv

from railgap.dataset.errors import DataError
from railgap.dataset.schema import schema
from railgap.store import open_engine, revisions
from railgap.store.engine import dispose
from railgap.store.formats import read_import
from railgap.store.location import normalise_url
from railgap.store.reading import read_dataset

COLUMNS = schema("plant_events").names


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = normalise_url(str(tmp_path_factory.mktemp("events") / "e.sqlite"))
    read_dataset(open_engine(url))
    yield url
    dispose(url)


def _event(**changes: str) -> dict[str, str]:
    row = embedded_row("plant_events")
    return {**row, "known_from": "2027-01-05", "source": "https://example.org/e", **changes}


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"kind": "rumour"}, "kind"),
        ({"period_from": "2024-13"}, "period_from"),
        ({"period_from": "2024-06", "period_to": "2024-01"}, "period_to"),
        ({"kind": "runout_statement", "engine_input": "yes"}, "engine_input"),
        ({"precision": ""}, "precision"),
    ],
)
def test_a_bad_event_is_refused_naming_file_row_and_field(
    seeded: str, tmp_path: Path, changes: dict[str, str], column: str
) -> None:
    path = write_csv(tmp_path / "plant_events.csv", [_event(), _event(**changes)], COLUMNS)
    before = snapshot(seeded)
    with pytest.raises(DataError) as caught:
        revisions.write(open_engine(seeded), read_import(path), "events")
    assert snapshot(seeded) == before
    assert [(p.file, p.line, p.column) for p in caught.value.problems] == [
        ("plant_events.csv", 3, column)
    ]


def test_an_event_about_an_unknown_plant_is_refused(seeded: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plant_events.csv", [_event(plant_id="no_such_plant")], COLUMNS)
    before = snapshot(seeded)
    with pytest.raises(DataError, match="no_such_plant"):
        revisions.write(open_engine(seeded), read_import(path), "events")
    assert snapshot(seeded) == before


def test_a_good_event_is_imported(seeded: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plant_events.csv", [_event(notes="a later revision")], COLUMNS)
    result = revisions.write(open_engine(seeded), read_import(path), "events")
    assert result.added == {"plant_events": 1}
