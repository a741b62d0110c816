"""Load test of ``railgap serve`` on loopback: concurrent clients on the outlook endpoint.

Run with ``make bench`` (or ``python benchmarks/bench_serve.py [--clients 32] [--seconds 20]``).
Starts ``railgap serve`` as a subprocess on a free 127.0.0.1 port with a throwaway database,
then runs N keep-alive HTTP/1.1 clients (asyncio streams, one connection each) for a fixed
time against ``/api/outlook?as_of=2024-01-15``, and a shorter mixed phase over twelve dates
(each date's first request computes, later ones are cached). Prints requests, errors,
throughput and p50/p95/p99 latency, and the ratio of p95 to its 50 ms target. Traffic goes
to loopback only; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TARGET_P95_MS = 50.0
OUTLOOK = "/api/outlook?as_of=2024-01-15"
DATES = [f"{year}-01-15" for year in range(2015, 2027)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, db: Path) -> subprocess.Popen[bytes]:
    railgap = Path(sys.executable).with_name("railgap")
    command = [str(railgap), "serve", "--port", str(port), "--db", str(db)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                message = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(message) from None
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("railgap serve did not start within 60 s")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    body = await reader.readexactly(length)
    return status, body


async def client(port: int, paths: list[str], stop: float, out: list[float], errors: list[str]):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    try:
        while time.perf_counter() < stop:
            path = paths[i % len(paths)]
            i += 1
            request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
            start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            try:
                status, body = await read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                errors.append(f"{type(exc).__name__}")
                break
            out.append((time.perf_counter() - start) * 1000)
            if status != 200 or not body.startswith(b"{"):
                errors.append(f"status {status}")
    finally:
        writer.close()


async def load(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.perf_counter() + seconds
    began = time.perf_counter()
    tasks = [client(port, paths, stop, latencies, errors) for _ in range(clients)]
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0

    return {
        "requests": len(latencies),
        "errors": len(errors),
        "rps": len(latencies) / elapsed,
        "mean": statistics.fmean(latencies) if latencies else 0.0,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "max": ordered[-1] if ordered else 0.0,
    }


def show(name: str, r: dict[str, float], clients: int, seconds: float) -> None:
    print(
        f"{name}: {clients} clients x {seconds:g} s: {r['requests']:.0f} requests, "
        f"{r['errors']:.0f} errors, {r['rps']:.0f} req/s; latency ms p50 {r['p50']:.1f}, "
        f"p95 {r['p95']:.1f}, p99 {r['p99']:.1f}, max {r['max']:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    clients = max(1, min(args.clients, 256))
    seconds = max(1.0, min(args.seconds, 120.0))
    port = free_port()
    with tempfile.TemporaryDirectory() as home:
        server = start_server(port, Path(home) / "bench.sqlite")
        try:
            # Warm the cache for the measured date (the first answer computes).
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{OUTLOOK}", timeout=60):
                pass
            outlook = asyncio.run(load(port, [OUTLOOK], clients, seconds))
            show(f"GET {OUTLOOK}", outlook, clients, seconds)
            mixed_paths = [f"/api/outlook?as_of={d}" for d in DATES]
            mixed = asyncio.run(load(port, mixed_paths, clients, min(seconds, 5.0)))
            show(
                f"GET /api/outlook over {len(DATES)} dates (first of each computed)",
                mixed,
                clients,
                min(seconds, 5.0),
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    ratio = outlook["p95"] / TARGET_P95_MS
    print(
        f"outlook p95 {outlook['p95']:.1f} ms / target {TARGET_P95_MS:.0f} ms = {ratio:.2f}"
        f" ({'met' if ratio <= 1 and outlook['errors'] == 0 else 'NOT met'}); "
        f"errors {outlook['errors']:.0f} (target 0); cores {os.cpu_count()}"
    )


if __name__ == "__main__":
    main()
