"""Limits on what one request may cost: body size, engine time and concurrent engine runs.

Each limit answers with a 4xx and a JSON body that says which limit was met, never with a
traceback: 413 for a body over :data:`MAX_BODY_BYTES`, 408 when the engine takes longer than
the app's time limit (waiting for a free engine slot included), 401 for a write without a
valid token, 415 for a scenario body of a type a page could post cross-site, 429 for a
client with too many requests in flight.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Largest request body accepted (bytes): a few scenario files.
MAX_BODY_BYTES = 1_000_000
#: Default time limit for the engine's work on one request (seconds).
DEFAULT_TIME_LIMIT_S = 20.0
#: Longest solver time one web request may give the optimiser, seconds (its whole run must
#: also fit the time limit above).
MAX_WEB_SOLVE_S = 10.0
#: Engine computations run at once; more wait (within the time limit) for a slot.
ENGINE_SLOTS = 2
#: Of those, how many may run heavy work (the optimiser) at once.
HEAVY_SLOTS = 1
#: Token checks run at once, apart from the engine's slots (a check is one indexed read).
AUTH_SLOTS = 4
#: Longest a token check may take, waiting included (seconds).
AUTH_TIME_LIMIT_S = 5.0

T = TypeVar("T")


class RequestError(Exception):
    """A request refused with an HTTP status (a limit, a missing token, an unknown id)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


async def _reply(
    send: Send, status: int, code: str, message: str, retry_after: bool = False
) -> None:
    body = json.dumps({"error": code, "detail": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    if retry_after:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` (413), by header or as they stream in."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Content-Length first, then count the bytes received."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body is larger than {self.max_bytes:,} bytes"
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    await _reply(send, 400, "bad_request", "Content-Length is not a number")
                    return
                if too_big:
                    await _reply(send, 413, "body_too_large", message)
                    return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > self.max_bytes:
                    raise RequestError(413, "body_too_large", message)
            return msg

        async def tracked(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counted, tracked)
        except RequestError as exc:
            if not started:
                await _reply(send, exc.status, exc.code, str(exc))


#: Requests one client (address) may have in flight at once; more get 429 at once.
MAX_PER_CLIENT = 8


class PerClientLimitMiddleware:
    """Refuse a client's requests beyond ``max_in_flight`` at once (429, Retry-After: 1).

    A dozen connections from one address, each holding a slow request, could otherwise
    fill every engine slot and queue, and push everyone else's answers past the time limit.
    The count is per remote address; static files are not counted.
    """

    def __init__(self, app: ASGIApp, max_in_flight: int = MAX_PER_CLIENT) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.in_flight: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request against its client while it runs."""
        if scope["type"] != "http" or str(scope.get("path", "")).startswith("/static/"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = str(client[0]) if client else "unknown"
        if self.in_flight.get(key, 0) >= self.max_in_flight:
            await _reply(
                send,
                429,
                "too_many_requests",
                f"at most {self.max_in_flight} requests at once from one client; retry shortly",
                retry_after=True,
            )
            return
        self.in_flight[key] = self.in_flight.get(key, 0) + 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight[key] -= 1
            if not self.in_flight[key]:
                del self.in_flight[key]


class _GaveUp(Exception):
    """Raised in a thread whose request gave up before it started (nobody sees it)."""


class EngineLimiter:
    """Runs engine work in worker threads: a few at once, in turn, each within a time limit.

    Requests wait for a slot first come, first served. A slot is held until the work really
    ends, even when its request has timed out: Python cannot stop a thread, so a timed-out
    computation still counts, and no number of timed-out requests can run more than
    ``slots`` computations at once. Heavy work (the optimiser) also needs one of
    ``heavy_slots``, so it can never take every slot from the rest of the API.
    """

    def __init__(
        self,
        time_limit_s: float = DEFAULT_TIME_LIMIT_S,
        slots: int = ENGINE_SLOTS,
        heavy_slots: int = HEAVY_SLOTS,
    ):
        self.time_limit_s = time_limit_s
        self.slots = anyio.CapacityLimiter(slots)
        self.heavy_slots = anyio.CapacityLimiter(heavy_slots)
        self.auth_slots = anyio.CapacityLimiter(AUTH_SLOTS)

    async def check(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a quick check (a token's) in a thread of its own lane, not an engine slot.

        Writes then never wait behind engine work: a queue of slow computations cannot make
        a token check time out. 408 past :data:`AUTH_TIME_LIMIT_S`.
        """
        try:
            with anyio.fail_after(AUTH_TIME_LIMIT_S):
                return await anyio.to_thread.run_sync(fn, *args, limiter=self.auth_slots)
        except TimeoutError:
            raise RequestError(408, "time_limit", "the token check took too long") from None

    async def run(self, fn: Callable[..., T], *args: Any, heavy: bool = False) -> T:
        """Run ``fn(*args)`` in a worker thread; 408 past the time limit.

        Waiting for a slot counts towards the limit. A thread past it is left to finish on
        its own, holding its slots, and its result dropped.
        """
        token = object()
        held: list[anyio.CapacityLimiter] = []
        # The slots pass to the thread when it starts; if the request gives up first, the
        # request gives them back and the thread, when it starts, does nothing.
        claim = threading.Lock()
        taken = [False]

        def take() -> bool:
            with claim:
                first = not taken[0]
                taken[0] = True
                return first

        def give_back() -> None:
            while held:
                held.pop().release_on_behalf_of(token)

        def work() -> T:
            if not take():
                raise _GaveUp
            try:
                return fn(*args)
            finally:
                # If the event loop has ended there is nothing left to share.
                with contextlib.suppress(RuntimeError):
                    anyio.from_thread.run_sync(give_back)

        try:
            with anyio.fail_after(self.time_limit_s):
                for lane in (self.heavy_slots, self.slots) if heavy else (self.slots,):
                    await lane.acquire_on_behalf_of(token)
                    held.append(lane)
                return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except TimeoutError:
            raise RequestError(
                408,
                "time_limit",
                f"the answer took longer than the {self.time_limit_s:g} s time limit",
            ) from None
        finally:
            if take():  # the thread never started: the slots are still the request's
                give_back()
