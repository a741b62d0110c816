"""Long jobs: answers that take longer than one request may wait (the calibrated backtest).

A request starts the job, or joins the one already running for the same question, and waits
for it up to its time limit. If the job is not done by then the request is answered 503
with ``Retry-After`` (a page that reloads itself, or JSON naming the wait) and the job goes
on, so a later request finds the answer ready. Jobs run one at a time in their own thread,
outside the engine's request slots; at most :data:`MAX_QUEUED_JOBS` wait, and a question
past that is refused (503) rather than queued without end.
"""

import asyncio
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from railgap.web.limits import RequestError

T = TypeVar("T")

#: Jobs that may wait behind the one running; a new question past that is refused (503).
MAX_QUEUED_JOBS = 4
#: How soon a client told "still computing" should ask again (seconds).
RETRY_AFTER_S = 5


class StillComputing(RequestError):
    """503: the answer is being computed; ask again in ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int = RETRY_AFTER_S) -> None:
        super().__init__(503, "computing", message)
        self.retry_after = retry_after


class LongJobs:
    """Runs each long question once, in turn, in a background thread; requests wait a while."""

    def __init__(self, workers: int = 1, max_queued: int = MAX_QUEUED_JOBS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="railgap-job")
        self._workers = workers
        self._max_queued = max_queued
        self._jobs: dict[Hashable, tuple[float, Future[Any]]] = {}
        self._lock = threading.Lock()

    def submit(self, key: Hashable, compute: Callable[[], T]) -> Future[T]:
        """The job answering ``key``: the one running or waiting, else a new one.

        A finished job is forgotten (its answer lives in the caller's cache), so asking
        again after an error computes again. Raises :class:`StillComputing` when
        :data:`MAX_QUEUED_JOBS` are already waiting.
        """
        with self._lock:
            self._jobs = {k: v for k, v in self._jobs.items() if not v[1].done()}
            if key in self._jobs:
                return self._jobs[key][1]
            if len(self._jobs) >= self._workers + self._max_queued:
                raise StillComputing(
                    f"{len(self._jobs)} long answers are being computed; ask again later",
                    retry_after=30,
                )
            future = self._pool.submit(compute)
            self._jobs[key] = (time.monotonic(), future)
            return future

    def started(self, key: Hashable) -> float | None:
        """When the job for ``key`` was asked for (``time.monotonic()``), if it is unfinished."""
        with self._lock:
            job = self._jobs.get(key)
            return job[0] if job is not None and not job[1].done() else None

    async def wait(self, key: Hashable, future: Future[T], limit_s: float, what: str) -> T:
        """The job's answer, or :class:`StillComputing` if it is not done within ``limit_s``.

        The job's own error (an unknown plant, say) is raised as it was.
        """
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), limit_s)
        except TimeoutError:
            started = self.started(key)
            waited = 0 if started is None else round(time.monotonic() - started)
            raise StillComputing(
                f"{what} is being computed (asked for {waited} s ago); "
                f"ask again in {RETRY_AFTER_S} s"
            ) from None

    def shutdown(self) -> None:
        """Drop the waiting jobs; the running one ends on its own (a thread cannot be stopped)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
