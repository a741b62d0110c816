"""docs/backtest.md is the scorecard of the embedded dataset, and explains every worst case."""

from __future__ import annotations

from pathlib import Path

import pytest

import railgap
from railgap.views.backtest import (
    document_part,
    scorecard_markdown,
)

PAGE = Path(__file__).parents[2] / "docs" / "backtest.md"


@pytest.fixture(scope="module")
def result(documented: railgap.scorecard.Backtest) -> railgap.scorecard.Backtest:
    return documented


def test_the_page_is_the_scorecard_of_the_embedded_dataset(result):
    stale = "docs/backtest.md is stale: regenerate with railgap.views.backtest.write_document()"
    assert document_part(PAGE.read_text(encoding="utf-8")) == scorecard_markdown(result), stale


def test_every_worst_case_is_explained(result):
    misses = PAGE.read_text(encoding="utf-8").split("## The misses", 1)[1]
    unexplained = [e for e in result.worst["event_id"] if f"`{e}`" not in misses]
    assert unexplained == [], "explain these in docs/backtest.md's misses section"


def test_every_event_off_by_more_than_six_months_is_explained(result):
    from railgap.scorecard.summary import misses

    text = PAGE.read_text(encoding="utf-8").split("## The misses", 1)[1]
    off = misses(result.events)
    assert len(off) >= len(result.worst[result.worst["error_months"].abs() > 6])
    unexplained = [e for e in off["event_id"] if f"`{e}`" not in text]
    assert unexplained == [], "explain these in docs/backtest.md's misses section"
