"""The answer cache keeps what clients ask for within a bound."""
from __future__ import annotations

from remit.services.versions import VersionedCache


def test_the_cache_keeps_within_its_count_and_its_budget(app):
    cache = VersionedCache(size=3, budget=10)
    for key, text in (("a", "xxxx"), ("b", "xxxx"), ("c", "xx")):
        assert cache.get((key,), lambda text=text: text) == text
    assert [cache.peek((k,)) for k in "abc"] == ["xxxx", "xxxx", "xx"]  # 10 characters: all kept
    cache.get(("d",), lambda: "xxx")  # 13 > 10: the least recently used goes
    assert [cache.peek((k,)) for k in "abcd"] == [None, "xxxx", "xx", "xxx"]
    assert cache.get(("e",), lambda: "x" * 11) == "x" * 11 and cache.peek(("e",)) is None  # too big to keep
    cache.get(("f",), lambda: "y")
    cache.get(("g",), lambda: "z")
    assert [cache.peek((k,)) for k in "bcdfg"] == [None, None, "xxx", "y", "z"]  # at most 3 values
