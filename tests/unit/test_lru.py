"""The one thread-safe LRU map behind the page, fragment and findings caches."""

from __future__ import annotations

import threading

from webapp.lru import LRU


def test_the_least_recently_used_goes_first_and_reads_count_as_use():
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert (cache.hits, cache.misses) == (3, 1)


def test_none_is_kept_as_a_value_and_told_apart_from_missing():
    cache: LRU[str, None] = LRU(4)
    missing = object()
    cache.put("no story", None)
    assert cache.get("no story", missing) is None
    assert cache.get("never put", missing) is missing
    cache.clear()
    assert cache.get("no story", missing) is missing


def test_threads_share_it_without_losing_count_or_size():
    cache: LRU[int, int] = LRU(50)

    def work(offset: int) -> None:
        for i in range(500):
            cache.put((offset + i) % 80, i)
            cache.get(i % 80)

    threads = [threading.Thread(target=work, args=(n * 7,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.hits + cache.misses == 8 * 500
    assert len(cache._items) == 50
