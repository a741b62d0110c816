"""Long jobs: started once, waited for a while, 503 ``computing`` past that, then ready."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from fastapi.testclient import TestClient

from railgap.web.app import create_app
from railgap.web.jobs import LongJobs, StillComputing


def _gate() -> tuple[threading.Event, list[int]]:
    return threading.Event(), []


def test_a_question_asked_twice_is_computed_once():
    jobs = LongJobs()
    release, calls = _gate()

    def compute() -> int:
        calls.append(1)
        release.wait(5)
        return 42

    first = jobs.submit("q", compute)
    second = jobs.submit("q", compute)
    assert first is second
    release.set()
    assert first.result(5) == 42
    assert calls == [1]
    jobs.shutdown()


def test_a_slow_job_is_503_computing_and_goes_on():
    jobs = LongJobs()
    release, _ = _gate()
    job = jobs.submit("q", lambda: release.wait(5) and "done")
    with pytest.raises(StillComputing) as caught:
        asyncio.run(jobs.wait("q", job, 0.05, "the answer"))
    assert caught.value.status == 503
    assert caught.value.code == "computing"
    assert caught.value.retry_after > 0
    assert "the answer is being computed" in str(caught.value)
    assert not job.done()  # the wait gave up, the job did not
    release.set()
    assert asyncio.run(jobs.wait("q", job, 5, "the answer")) == "done"
    jobs.shutdown()


def test_the_queue_is_bounded():
    jobs = LongJobs(workers=1, max_queued=2)
    release, _ = _gate()
    for key in ("a", "b", "c"):  # one running, two waiting
        jobs.submit(key, lambda: release.wait(5))
    with pytest.raises(StillComputing):
        jobs.submit("d", lambda: None)
    jobs.submit("a", lambda: None)  # joining a job already asked for is not a new one
    release.set()
    deadline = time.monotonic() + 5
    while jobs.started("c") is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert jobs.submit("d", lambda: 1).result(5) == 1  # room again once they finished
    jobs.shutdown()


def test_a_failed_job_raises_its_error_and_is_asked_again():
    jobs = LongJobs()
    tries: list[int] = []

    def compute() -> int:
        tries.append(1)
        if len(tries) == 1:
            raise ValueError("broken")
        return 7

    with pytest.raises(ValueError, match="broken"):
        asyncio.run(jobs.wait("q", jobs.submit("q", compute), 5, "it"))
    assert asyncio.run(jobs.wait("q", jobs.submit("q", compute), 5, "it")) == 7
    jobs.shutdown()


@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """The app on the embedded dataset (read already) with a time limit no backtest fits in."""
    db = f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'railgap.sqlite'}"
    app = create_app(db=db, time_limit_s=0.2)
    app.state.service.dataset()
    return TestClient(app)


def test_the_backtest_api_says_computing_then_answers(impatient: TestClient):
    params = {"calibration": "false", "plant": "caf_newport"}
    first = impatient.get("/api/backtest", params=params)
    assert first.status_code == 503
    assert first.json()["error"] == "computing"
    assert int(first.headers["retry-after"]) > 0
    deadline = time.monotonic() + 300
    while (r := impatient.get("/api/backtest", params=params)).status_code == 503:
        assert time.monotonic() < deadline, "the backtest job never finished"
        time.sleep(0.5)
    assert r.status_code == 200
    assert {e["plant_id"] for e in r.json()["events"]} == {"caf_newport"}


def test_the_backtest_page_reloads_itself_while_computing(impatient: TestClient):
    page = impatient.get("/backtest", params={"plant": "siemens_goole"})
    assert page.status_code == 503
    assert int(page.headers["retry-after"]) > 0
    assert '<meta http-equiv="refresh"' in page.text
    assert 'id="computing"' in page.text


def test_an_unknown_plant_is_404_before_any_job(impatient: TestClient):
    r = impatient.get("/api/backtest", params={"plant": "no_such_plant"})
    assert r.status_code == 404
    assert "no_such_plant" in r.text
