"""The web app's least-recently-used cache."""

from __future__ import annotations

import threading

import pytest

from railgap.web.cache import LRUCache


def test_least_recently_used_entry_is_dropped_first():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c"), len(cache)) == (1, 3, 2)


def test_errors_are_not_cached():
    cache = LRUCache(4)
    calls = []

    def failing() -> int:
        calls.append(1)
        raise ValueError("no")

    for _ in range(2):
        with pytest.raises(ValueError, match="no"):
            cache.get_or_compute("k", failing)
    assert len(calls) == 2
    assert cache.get_or_compute("k", lambda: 5) == 5
    assert cache.get_or_compute("k", lambda: 6) == 5


def test_threads_share_it_safely():
    cache = LRUCache(50)

    def work(offset: int) -> None:
        for i in range(500):
            cache.put((offset, i % 80), i)
            cache.get((offset, (i * 7) % 80))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 50
    assert cache.hits + cache.misses == 4 * 500


def test_size_must_be_positive():
    with pytest.raises(ValueError, match="maxsize"):
        LRUCache(0)
