"""Schemathesis from the OpenAPI schema on the embedded dataset: requests and 500s counted.

Run with ``make fuzz`` (or ``python benchmarks/fuzz_schema.py [--examples 30]``). Each
operation gets ``--examples`` generated cases (the schema's formats and bounds make most
of them valid-shaped: dates in range, numbers within their limits); the backtest and the
optimiser get a fifth as many (seconds each). Prints requests and statuses per operation;
exits 1 on any answer of 500 or up (but a 503 with ``Retry-After``: still computing).
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from railgap.store.location import normalise_url
from railgap.web.app import create_app

HEAVY = ("/api/backtest", "/api/optimize")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=30)
    args = parser.parse_args()
    url = normalise_url(str(Path(tempfile.mkdtemp(prefix="railgap-schema-")) / "db.sqlite"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(db=url))
    counts: collections.Counter[int | str] = collections.Counter()
    failures: list[str] = []
    tic = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        examples = args.examples // 5 if operation.path in HEAVY else args.examples

        @settings(
            max_examples=max(examples, 1),
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            later = False
            try:
                response = case.call(timeout=60)
                status: int | str = response.status_code
                # A 503 with Retry-After asks again later (a long job computing): documented.
                later = status == 503 and "retry-after" in response.headers
            except requests.exceptions.Timeout:
                status = "no answer in 60 s"
            counts[status] += 1
            if isinstance(status, int) and status >= 500 and not later:
                failures.append(f"{case.method} {case.formatted_path} {case.query}")

        before = sum(counts.values())
        call()
        print(f"{operation.method.upper():5} {operation.path}: {sum(counts.values()) - before}")
    total = sum(counts.values())
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(counts.items(), key=str))
    print(f"{total} requests in {time.perf_counter() - tic:.0f} s: {statuses}")
    for line in failures:
        print(f"500 on {line}")
    print(f"answers of 500: {len(failures)} of {total}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
