"""railgap: an open, sourced model of the British passenger rolling-stock pipeline.

The Python API returns pandas DataFrames::

    import railgap
    railgap.outlook(as_of="2024-01-15")          # one row per plant
    railgap.plant("hitachi_newton_aycliffe")     # one plant's months, orders and sources
    railgap.fleet(as_of="2024-01-15")            # the fleet register, with ages
    railgap.forecast(to_year=2060)               # fleet size, age, retirements, demand
    railgap.run_simulation(as_of="2024-01-15")   # Monte Carlo: chances of a gap per plant
    railgap.optimize(as_of="2024-01-15")         # the smooth procurement timetable
    railgap.backtest()                           # every as-of answer against what happened

Heavy modules are imported on first use, so ``import railgap`` and the CLI stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from railgap._version import __version__

__all__ = [
    "__version__",
    "backtest",
    "compare_scenarios",
    "fleet",
    "forecast",
    "load_dataset",
    "optimize",
    "outlook",
    "plant",
    "run_scenario",
    "run_simulation",
]

if TYPE_CHECKING:
    from railgap.analysis import (
        backtest,
        compare_scenarios,
        fleet,
        forecast,
        optimize,
        outlook,
        plant,
        run_scenario,
        run_simulation,
    )
    from railgap.dataset import load_dataset


def __getattr__(name: str) -> Any:
    """Import the public API lazily."""
    if name in (
        "backtest",
        "compare_scenarios",
        "fleet",
        "forecast",
        "optimize",
        "outlook",
        "plant",
        "run_scenario",
        "run_simulation",
    ):
        from railgap import analysis

        return getattr(analysis, name)
    if name == "load_dataset":
        from railgap.dataset import load_dataset

        return load_dataset
    raise AttributeError(f"module 'railgap' has no attribute {name!r}")
