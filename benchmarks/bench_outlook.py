"""Time the outlook on the embedded dataset: in-process and as a whole command.

Run with ``make bench``. Prints milliseconds and the ratio of each to its target
(in-process under 20 ms; ``railgap outlook --json`` under 1 s, start-up included).
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
from railgap.dates import parse_as_of
from railgap.loading import run_loading

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


if __name__ == "__main__":
    main()
