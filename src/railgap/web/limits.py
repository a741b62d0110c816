"""Limits on what one request may cost: body size, engine time and concurrent engine runs.

Each limit answers with a 4xx and a JSON body that says which limit was met, never with a
traceback: 413 for a body over :data:`MAX_BODY_BYTES`, 408 when the engine takes longer than
the app's time limit (waiting for a free engine slot included), 401 for a write without a
valid token, 415 for a body of a type a page could post cross-site (or of no stated type),
429 for a client with too many requests in flight.

Cheap refusals come first: the body's type and size are checked before it is read, and a
scenario's shape before it may take an engine slot. One client (remote address) holds at
most :data:`CLIENT_ENGINE_SLOTS` engine slots and :data:`CLIENT_QUICK_SLOTS` quick-lane
threads at once, so a dozen connections from one place cannot take the server from others.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from contextvars import ContextVar
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
#: Of those, how many one client may hold at once: the rest are always free for others.
CLIENT_ENGINE_SLOTS = ENGINE_SLOTS - 1
#: Quick work run at once, apart from the engine's slots: token checks, parsing a scenario,
#: one read or write of the store.
AUTH_SLOTS = 4
#: Of those, how many one client may hold at once.
CLIENT_QUICK_SLOTS = 2
#: Longest a token check or a scenario's parse may take, waiting included (seconds).
AUTH_TIME_LIMIT_S = 5.0
#: Body types the API reads (JSON, and YAML for scenarios). Others, and a body without a
#: type, are refused with 415 before the body is read: a form, multipart or text/plain post
#: (or one with no type) is what any web page may send cross-site without a preflight.
ACCEPTED_TYPES = frozenset(
    {"application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}
)

#: The client (remote address) of the request being served, set by
#: :class:`PerClientLimitMiddleware`; ``None`` outside a request.
CURRENT_CLIENT: ContextVar[str | None] = ContextVar("railgap_client", default=None)

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


def _has_body(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"transfer-encoding":
            return True
        if name == b"content-length" and value.strip() not in (b"", b"0"):
            return True
    return False


class ContentTypeMiddleware:
    """Refuse a request body whose type is not in ``accepted`` (415), before it is read."""

    def __init__(self, app: ASGIApp, accepted: frozenset[str] = ACCEPTED_TYPES) -> None:
        self.app = app
        self.accepted = accepted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass bodiless requests and accepted types on; answer 415 to the rest."""
        headers = list(scope.get("headers", [])) if scope["type"] == "http" else []
        if scope["type"] != "http" or not _has_body(headers):
            await self.app(scope, receive, send)
            return
        given = dict(headers).get(b"content-type", b"").decode("latin-1")
        media = given.split(";", 1)[0].strip().lower()
        if media not in self.accepted:
            await _reply(
                send,
                415,
                "unsupported_media_type",
                "send the body as application/yaml (a scenario) or application/json "
                f"(got {media or 'no content type'})",
            )
            return
        await self.app(scope, receive, send)


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
        named = CURRENT_CLIENT.set(key)
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT_CLIENT.reset(named)
            self.in_flight[key] -= 1
            if not self.in_flight[key]:
                del self.in_flight[key]


class _GaveUp(Exception):
    """Raised in a thread whose request gave up before it started (nobody sees it)."""


class _ClientLanes:
    """One capacity limiter per client, made when first needed and dropped when idle.

    Used from the event loop's thread only (slots are given back there), so no lock.
    """

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self.lanes: dict[str, anyio.CapacityLimiter] = {}

    def lane(self, client: str | None) -> anyio.CapacityLimiter | None:
        """The client's limiter (``None`` outside a request: nothing to share)."""
        if client is None:
            return None
        return self.lanes.setdefault(client, anyio.CapacityLimiter(self.per_client))

    def tidy(self, client: str | None) -> None:
        """Forget the client's limiter once nobody holds or waits for it."""
        lane = self.lanes.get(client or "")
        if lane is not None:
            stats = lane.statistics()
            if not stats.borrowed_tokens and not stats.tasks_waiting:
                del self.lanes[client or ""]


class EngineLimiter:
    """Runs engine work in worker threads: a few at once, in turn, each within a time limit.

    Requests wait for a slot first come, first served. A slot is held until the work really
    ends, even when its request has timed out: Python cannot stop a thread, so a timed-out
    computation still counts, and no number of timed-out requests can run more than
    ``slots`` computations at once. Heavy work (the optimiser) also needs one of
    ``heavy_slots``, so it can never take every slot from the rest of the API; and one
    client's work needs one of its own ``client_slots`` first, so one client's queue waits
    in its own lane and never fills the shared one.
    """

    def __init__(
        self,
        time_limit_s: float = DEFAULT_TIME_LIMIT_S,
        slots: int = ENGINE_SLOTS,
        heavy_slots: int = HEAVY_SLOTS,
        client_slots: int = CLIENT_ENGINE_SLOTS,
    ):
        self.time_limit_s = time_limit_s
        self.slots = anyio.CapacityLimiter(slots)
        self.heavy_slots = anyio.CapacityLimiter(heavy_slots)
        self.auth_slots = anyio.CapacityLimiter(AUTH_SLOTS)
        self.clients = _ClientLanes(max(1, client_slots))
        self.quick_clients = _ClientLanes(CLIENT_QUICK_SLOTS)

    async def check(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a quick check (a token's, a scenario's shape, a job's start) in the quick lane.

        Writes then never wait behind engine work: a queue of slow computations cannot make
        a token check time out. 408 past :data:`AUTH_TIME_LIMIT_S`.
        """
        return await self.quick(fn, *args, time_limit_s=AUTH_TIME_LIMIT_S)

    async def quick(self, fn: Callable[..., T], *args: Any, time_limit_s: float | None = None) -> T:
        """Run ``fn(*args)`` (a parse, one read or write of the store) in the quick lane.

        The lane has :data:`AUTH_SLOTS` threads, at most :data:`CLIENT_QUICK_SLOTS` of them
        one client's. 408 past ``time_limit_s`` (default: the engine's time limit).
        """
        limit = self.time_limit_s if time_limit_s is None else time_limit_s
        lanes = [self.auth_slots]
        return await self._run(fn, args, lanes, self.quick_clients, limit, "the request")

    async def run(self, fn: Callable[..., T], *args: Any, heavy: bool = False) -> T:
        """Run ``fn(*args)`` in a worker thread; 408 past the time limit.

        Waiting for a slot counts towards the limit. A thread past it is left to finish on
        its own, holding its slots, and its result dropped.
        """
        lanes = [self.heavy_slots, self.slots] if heavy else [self.slots]
        return await self._run(fn, args, lanes, self.clients, self.time_limit_s, "the answer")

    async def _run(
        self,
        fn: Callable[..., T],
        args: tuple[Any, ...],
        lanes: list[anyio.CapacityLimiter],
        clients: _ClientLanes,
        time_limit_s: float,
        what: str,
    ) -> T:
        token = object()
        client = CURRENT_CLIENT.get()
        own = clients.lane(client)
        wanted = ([own] if own is not None else []) + lanes
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
            clients.tidy(client)

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
            with anyio.fail_after(time_limit_s):
                for lane in wanted:
                    await lane.acquire_on_behalf_of(token)
                    held.append(lane)
                return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except TimeoutError:
            raise RequestError(
                408,
                "time_limit",
                f"{what} took longer than the {time_limit_s:g} s time limit",
            ) from None
        finally:
            if take():  # the thread never started: the slots are still the request's
                give_back()
