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


def test_threads_asking_for_one_value_at_once_build_it_once(app):
    import threading

    cache = VersionedCache(size=8)
    started, release = threading.Event(), threading.Event()
    built: list[str] = []

    def build():
        built.append(threading.current_thread().name)
        started.set()
        release.wait(5)
        return "summaries"

    answers: list[str] = []

    def ask():
        with app.app_context():
            answers.append(cache.get(("summaries", "v1"), build))

    first = threading.Thread(target=ask, name="first")
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=ask, name=f"other {i}") for i in range(4)]
    for thread in others:
        thread.start()
    release.set()
    for thread in [first, *others]:
        thread.join(5)
    assert built == ["first"] and answers == ["summaries"] * 5


def test_a_failed_build_is_tried_again_by_those_who_waited(app):
    import threading

    cache = VersionedCache(size=8)
    calls: list[int] = []
    inside, release = threading.Event(), threading.Event()

    def failing():
        calls.append(1)
        inside.set()
        release.wait(5)
        raise RuntimeError("database away")

    def ask_failing():
        with app.app_context():
            try:
                cache.get(("k",), failing)
            except RuntimeError:
                pass

    got: list[str] = []

    def ask():
        with app.app_context():
            got.append(cache.get(("k",), lambda: calls.append(2) or "built"))

    first = threading.Thread(target=ask_failing)
    first.start()
    assert inside.wait(5)
    second = threading.Thread(target=ask)
    second.start()
    release.set()
    first.join(5)
    second.join(5)
    assert calls == [1, 2] and got == ["built"]
