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
    railgap.changes("2024-01-01", "2024-06-30")  # rows that became known, what they moved

Heavy modules are imported on first use, so ``import railgap`` and the CLI stay fast.

Answers are typed for notebooks (:mod:`railgap.analysis.typed`): every model month is a
monthly ``pandas.Period`` (``period[M]``, missing as ``NaT``), text is ``str`` with NaN for
missing, and the dtypes do not depend on the date asked about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from railgap._version import __version__

#: The public API: ``dir(railgap)`` and tab completion list it; each is imported lazily.
__all__ = [
    "__version__",
    "backtest",
    "changes",
    "compare_scenarios",
    "fleet",
    "forecast",
    "get_assumptions",
    "get_dataset",
    "load_dataset",
    "optimize",
    "order_loads",
    "outlook",
    "plant",
    "run_scenario",
    "run_simulation",
]

_API = frozenset(__all__) - {"__version__", "load_dataset"}
#: Functions that return the dataset or the assumptions as they are, untyped.
_AS_STORED = frozenset({"get_assumptions", "get_dataset"})

if TYPE_CHECKING:
    from railgap.analysis import (
        backtest,
        changes,
        compare_scenarios,
        fleet,
        forecast,
        get_assumptions,
        get_dataset,
        optimize,
        order_loads,
        outlook,
        plant,
        run_scenario,
        run_simulation,
    )
    from railgap.dataset import load_dataset


def __getattr__(name: str) -> Any:
    """Import the public API lazily."""
    if name in _API:
        from railgap import analysis
        from railgap.analysis.typed import typed_function

        function = getattr(analysis, name)
        if name not in _AS_STORED:
            function = typed_function(function)
        globals()[name] = function
        return function
    if name == "load_dataset":
        from railgap.dataset import load_dataset

        return load_dataset
    raise AttributeError(f"module 'railgap' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API (and dunder names), for ``dir()`` and tab completion."""
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})
