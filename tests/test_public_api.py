"""The notebook face: ``dir(railgap)`` lists the public functions, each importable."""

from __future__ import annotations

from pathlib import Path

import railgap

ROOT = Path(__file__).parents[1]


def test_dir_lists_the_public_functions():
    listed = [name for name in dir(railgap) if not name.startswith("_")]
    assert listed == sorted(n for n in railgap.__all__ if not n.startswith("_"))
    for name in ("outlook", "plant", "fleet", "forecast", "run_simulation", "optimize",
                 "changes", "run_scenario", "compare_scenarios", "backtest"):  # fmt: skip
        assert name in listed
        assert callable(getattr(railgap, name))
    assert "TYPE_CHECKING" not in dir(railgap)


def test_readme_documents_the_progress_callbacks():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "run_simulation(progress=f)" in text
    assert "optimize(progress=f)" in text
    assert "examples/newton_aycliffe.ipynb" in text
