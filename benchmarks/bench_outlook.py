"""Time the outlook and the forecast on the embedded dataset, in-process and as commands.

Run with ``make bench``. Prints milliseconds and the ratio of each to its target:
outlook in-process under 20 ms, ``railgap outlook --json`` under 1 s (start-up included),
the full 2025-2060 forecast in-process under 20 ms.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import railgap
from railgap.analysis import get_assumptions, get_dataset
from railgap.dataset import as_of
from railgap.dataset.dates import parse_as_of
from railgap.fleets.turnover import forecast
from railgap.plants.deliveries import order_years
from railgap.plants.loading import run_loading

AS_OF = "2024-01-15"
RAILGAP = Path(sys.executable).with_name("railgap")


def best_of(fn, repeat: int) -> tuple[float, float]:
    """Best and median wall time of ``fn`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    dataset = get_dataset()
    a = get_assumptions()
    date = parse_as_of(AS_OF)
    resolved = as_of(dataset, date)
    rows = sum(len(frame) for frame in dataset.tables.values())
    engine = best_of(lambda: run_loading(resolved, a), 30)
    full = best_of(lambda: railgap.outlook(AS_OF), 30)
    cold = best_of(
        lambda: subprocess.run(
            [str(RAILGAP), "outlook", "--json", "--as-of", AS_OF], check=True, capture_output=True
        ),
        5,
    )
    fleets = resolved["fleets"]
    years = order_years(resolved, date, a)
    turnover = best_of(lambda: forecast(fleets, date, a, 2025, 2060, years), 30)
    whole = best_of(lambda: railgap.forecast(2025, 2060, as_of=AS_OF), 30)
    cli = best_of(
        lambda: subprocess.run(
            [str(RAILGAP), "forecast", "--json", "--from", "2025", "--to", "2060"],
            check=True,
            capture_output=True,
        ),
        3,
    )
    print(f"dataset: {rows} rows, hash {dataset.digest}")
    print(
        f"loading engine (resolved dataset)      best {engine[0]:7.1f} ms"
        f"  median {engine[1]:7.1f} ms"
    )
    print(
        f"outlook in-process (as-of + engine)    best {full[0]:7.1f} ms  median {full[1]:7.1f} ms"
        f"  target 20 ms  ratio {full[1] / 20:.2f}"
    )
    print(
        f"`railgap outlook --json` whole process best {cold[0]:7.1f} ms  median {cold[1]:7.1f} ms"
        f"  target 1000 ms  ratio {cold[1] / 1000:.2f}"
    )
    report("forecast engine 2025-2060 (resolved)", turnover, 20)
    report("forecast in-process (as-of + engine)", whole, None)
    report("`railgap forecast --json` process", cli, 1000)


def report(label: str, timing: tuple[float, float], target_ms: float | None) -> None:
    """Print one timing line: best and median, and the median's ratio to its target."""
    line = f"{label:<39}best {timing[0]:7.1f} ms  median {timing[1]:7.1f} ms"
    if target_ms is not None:
        line += f"  target {target_ms:g} ms  ratio {timing[1] / target_ms:.2f}"
    print(line)


if __name__ == "__main__":
    main()
