"""The long fuzz: valid-shaped requests to every endpoint and page, counted by status.

Run with ``make fuzz`` (or ``python benchmarks/fuzz_valid.py [--requests 3000] [--heavy 40]
[--seed N]``). The app runs in-process on the embedded dataset with a throwaway database;
requests come from ``tests/web/fuzzing.py`` with any date in the documented range, then a
sweep of every plant's API and page at the range's edges, then the optimiser and the
backtest (``--heavy`` requests, any horizon). Prints the count of each status and every
request answered 500 or up with the error behind it (a 503 with ``Retry-After``, a long
job still computing, is an answer); exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings

from railgap import store
from railgap.store.location import normalise_url
from railgap.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from web import fuzzing

SAVED = "name: saved\nas_of: 2024-01-15\nlevers:\n  - move: {order: avanti-807-2019, months: 6}\n"


class Errors(logging.Handler):
    """Keeps the exceptions the app logs."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.seen.append(f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--heavy", type=int, default=40)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    url = normalise_url(str(Path(tempfile.mkdtemp(prefix="railgap-fuzz-")) / "db.sqlite"))
    errors = Errors()
    logging.getLogger("railgap.web").addHandler(errors)
    client = TestClient(create_app(db=url), raise_server_exceptions=False)
    token = store.create_token("fuzz", url)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/yaml"}
    saved = [client.post("/api/scenarios", content=SAVED, headers=headers).json()["id"]]
    ids = fuzzing.Ids.embedded(saved=[*saved, 999])
    counts: collections.Counter[int] = collections.Counter()
    failures: list[tuple[str, list[str]]] = []

    def send(call: fuzzing.Call) -> None:
        before = len(errors.seen)
        response = call.send(client, token)
        counts[response.status_code] += 1
        if fuzzing.server_failure(response):
            failures.append((str(call), errors.seen[before:]))

    run = settings(
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    tic = time.perf_counter()

    def fuzz(calls: Any, examples: int) -> None:
        test = settings(run, max_examples=examples)(given(calls)(send))
        (test if args.seed is None else seed(args.seed)(test))()

    fuzz(fuzzing.light_calls(ids, fuzzing.dates()), args.requests)
    for plant in ids.plants:
        for day in (fuzzing.EDGE_DATES[0], dt.date(2024, 1, 15), fuzzing.EDGE_DATES[-1]):
            q = (("as_of", day.isoformat()),)
            for suffix in ("", "/orders", "/sources", "/loading", "/levers"):
                send(fuzzing.Call("GET", f"/api/plants/{plant}{suffix}", q))
            send(fuzzing.Call("GET", f"/plants/{plant}", q))
    if args.heavy:
        fuzz(fuzzing.heavy_calls(ids, fuzzing.dates()), args.heavy)
    seconds = time.perf_counter() - tic
    total = sum(counts.values())
    print(
        f"{total} requests in {seconds:.0f} s: "
        + ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
    )
    for call, seen in failures:
        print(f"server failure on {call}\n    {seen[:1]}")
    print(f"answers of 500: {counts[500]} of {total}; server failures: {len(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
