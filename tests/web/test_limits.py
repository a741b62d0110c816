"""The engine limiter: a few computations at once, each within a time limit, 408 past it."""

from __future__ import annotations

import threading
import time

import anyio
import pytest

from railgap.web.limits import EngineLimiter, RequestError


class Work:
    """A computation that takes ``seconds`` and records how many ran at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.ended: list[float] = []
        self.started: list[float] = []

    def __call__(self, seconds: float) -> str:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.started.append(time.monotonic())
        time.sleep(seconds)
        with self.lock:
            self.running -= 1
            self.ended.append(time.monotonic())
        return "done"


def test_no_more_than_the_slots_run_at_once():
    work = Work()
    limiter = EngineLimiter(time_limit_s=10, slots=2)
    answers: list[str] = []

    async def main() -> None:
        async def one() -> None:
            answers.append(await limiter.run(work, 0.15))

        async with anyio.create_task_group() as group:
            for _ in range(6):
                group.start_soon(one)

    anyio.run(main)
    assert answers == ["done"] * 6
    assert work.most == 2


def test_a_timed_out_computation_keeps_its_slot_until_it_ends():
    work = Work()
    limiter = EngineLimiter(time_limit_s=0.5, slots=1)

    async def main() -> str:
        with pytest.raises(RequestError) as timed_out:
            await limiter.run(work, 0.7)
        assert timed_out.value.status == 408
        # The first computation still runs: the next waits for it, then runs within its limit.
        return await limiter.run(work, 0.01)

    assert anyio.run(main) == "done"
    assert work.most == 1
    assert work.started[1] >= work.ended[0]


async def _outcomes(limiter: EngineLimiter, work: Work, first: float, second: float) -> list:
    """Ask for ``first`` seconds of work, then (a moment later) ``second``: each's answer."""
    got: list[object] = []

    async def one(seconds: float) -> None:
        try:
            got.append(await limiter.run(work, seconds))
        except RequestError as exc:
            got.append(exc.status)

    async with anyio.create_task_group() as group:
        group.start_soon(one, first)
        await anyio.sleep(0.05)
        group.start_soon(one, second)
    return got


def test_waiting_for_a_slot_counts_towards_the_limit():
    work = Work()
    # The second waits 0.2 s for the slot, then runs: both within 0.6 s of asking.
    assert anyio.run(_outcomes, EngineLimiter(time_limit_s=0.6, slots=1), work, 0.25, 0.01) == [
        "done",
        "done",
    ]
    # Here the first holds the slot past the second's limit: both are 408s.
    short = EngineLimiter(time_limit_s=0.15, slots=1)
    assert anyio.run(_outcomes, short, work, 0.5, 0.01) == [408, 408]


def test_waiting_requests_are_served_in_turn():
    limiter = EngineLimiter(time_limit_s=5, slots=1)
    order: list[int] = []

    def note(i: int) -> int:
        order.append(i)
        time.sleep(0.02)
        return i

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for i in range(6):
                group.start_soon(limiter.run, note, i)
                await anyio.sleep(0.005)

    anyio.run(main)
    assert order == list(range(6))
    assert limiter.slots.borrowed_tokens == 0


def test_slots_come_back_after_errors_and_timeouts():
    limiter = EngineLimiter(time_limit_s=0.1, slots=2)

    def fail() -> None:
        raise ValueError("engine error")

    async def main() -> None:
        with pytest.raises(ValueError, match="engine error"):
            await limiter.run(fail)
        with pytest.raises(RequestError):
            await limiter.run(time.sleep, 0.3)
        await anyio.sleep(0.4)  # the timed-out computation ends and gives its slot back

    anyio.run(main)
    assert limiter.slots.borrowed_tokens == 0


def test_heavy_work_leaves_a_slot_for_the_rest():
    work = Work()
    limiter = EngineLimiter(time_limit_s=5, slots=2, heavy_slots=1)
    quick: list[float] = []

    async def main() -> None:
        async def light() -> None:
            tic = time.monotonic()
            await limiter.run(time.sleep, 0.01)
            quick.append(time.monotonic() - tic)

        async with anyio.create_task_group() as group:
            group.start_soon(lambda: limiter.run(work, 0.3, heavy=True))
            group.start_soon(lambda: limiter.run(work, 0.3, heavy=True))
            await anyio.sleep(0.05)
            group.start_soon(light)

    anyio.run(main)
    assert work.most == 1  # the second heavy request waited for the first
    assert quick[0] < 0.2  # the light one did not wait behind them
    assert limiter.slots.borrowed_tokens == limiter.heavy_slots.borrowed_tokens == 0


def test_token_checks_do_not_wait_behind_engine_work():
    """Every engine slot busy for a second: a token check still answers at once."""
    limiter = EngineLimiter(time_limit_s=10, slots=1)
    release = threading.Event()
    finished: dict[str, float] = {}

    def slow() -> str:
        release.wait(5)
        return "engine"

    async def main() -> None:
        start = time.perf_counter()

        async def engine() -> None:
            await limiter.run(slow)
            finished["engine"] = time.perf_counter() - start

        async def check() -> None:
            assert await limiter.check(lambda: True)
            finished["check"] = time.perf_counter() - start
            release.set()

        async with anyio.create_task_group() as group:
            group.start_soon(engine)
            await anyio.sleep(0.05)  # the engine slot is now held
            group.start_soon(check)

    anyio.run(main)
    assert finished["check"] < finished["engine"]
    assert finished["check"] < 1.0


def test_one_client_cannot_hold_more_than_its_share_of_requests():
    from railgap.web.limits import PerClientLimitMiddleware

    gate = anyio.Event()
    statuses: dict[str, list[int]] = {"a": [], "b": []}

    async def slow_app(scope, receive, send) -> None:
        await gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limited = PerClientLimitMiddleware(slow_app, max_in_flight=3)

    async def request(client: str) -> None:
        scope = {"type": "http", "path": "/api/outlook", "client": (client, 1), "headers": []}

        async def receive() -> dict:
            return {"type": "http.request", "body": b""}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                statuses[client].append(message["status"])
                if message["status"] == 429:
                    assert (b"retry-after", b"1") in message["headers"]

        await limited(scope, receive, send)

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(request, "a")
            await anyio.sleep(0.05)
            group.start_soon(request, "b")  # another client is not held up
            await anyio.sleep(0.05)
            gate.set()

    anyio.run(main)
    assert sorted(statuses["a"]) == [200, 200, 200, 429, 429]
    assert statuses["b"] == [200]
    assert limited.in_flight == {}


def test_one_client_holds_at_most_its_share_of_engine_slots():
    """Client a queues four computations: client b still finds a slot at once."""
    from railgap.web.limits import CURRENT_CLIENT

    limiter = EngineLimiter(time_limit_s=10, slots=2, client_slots=1)
    work = Work()
    waited: dict[str, float] = {}

    async def as_client(name: str, seconds: float) -> None:
        CURRENT_CLIENT.set(name)  # each task has its own context
        start = time.monotonic()
        await limiter.run(work, seconds)
        waited.setdefault(name, time.monotonic() - start - seconds)

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(4):
                group.start_soon(as_client, "a", 0.3)
            await anyio.sleep(0.05)
            group.start_soon(as_client, "b", 0.0)

    anyio.run(main)
    assert work.most == 2
    assert waited["b"] < 0.2  # not behind a's queue
    assert limiter.slots.borrowed_tokens == 0
    assert limiter.clients.lanes == {}  # idle clients are forgotten


def test_a_body_without_an_accepted_type_is_a_415_before_it_is_read():
    from railgap.web.limits import ContentTypeMiddleware

    reached: list[str] = []

    async def app(scope, receive, send) -> None:
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    checked = ContentTypeMiddleware(app)

    def status(headers: list[tuple[bytes, bytes]]) -> int:
        got: list[int] = []

        async def receive() -> dict:
            raise AssertionError("the body was read")

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                got.append(message["status"])

        scope = {"type": "http", "path": "/api/x", "method": "POST", "headers": headers}
        anyio.run(checked, scope, receive, send)
        return got[0]

    length = (b"content-length", b"10")
    assert status([length]) == 415  # no type at all
    assert status([length, (b"content-type", b"text/plain;charset=UTF-8")]) == 415
    assert status([(b"transfer-encoding", b"chunked"), (b"content-type", b"text/plain")]) == 415
    assert status([length, (b"content-type", b"application/json; charset=utf-8")]) == 200
    assert status([length, (b"content-type", b"Application/YAML")]) == 200
    assert status([]) == 200  # no body, nothing to refuse
    assert reached == ["/api/x"] * 3
