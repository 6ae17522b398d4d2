"""The answer cache keeps what clients ask for within a bound."""
from __future__ import annotations

from remit.extensions import db
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


def test_a_newer_version_of_the_day_lets_the_older_ones_values_go(app):
    """An import every few minutes must not leave every earlier version's values in memory until the
    LRU pushes them out: the values of the version before go when one of the next is kept."""
    from remit.services.versions import Version

    cache = VersionedCache(size=100, budget=1000)
    first, second = Version("1:1:t1:None:2026-12-06", "2026-12-06"), Version("2:2:t2:None:2026-12-06", "2026-12-06")
    other_day = Version("1:1:t1:None:2026-12-07", "2026-12-07")
    for corridor in ("CA-GT", "US-MX"):
        cache.get((corridor, first), lambda corridor=corridor: f"{corridor} v1")
    cache.get(("CA-GT", other_day), lambda: "tomorrow v1")
    assert cache.peek(("US-MX", first)) == "US-MX v1" and cache._weight == 8 + 8 + 11
    cache.get(("CA-GT", second), lambda: "CA-GT v2")
    assert cache.peek(("CA-GT", first)) is None and cache.peek(("US-MX", first)) is None
    assert cache.peek(("CA-GT", second)) == "CA-GT v2"
    assert cache.peek(("CA-GT", other_day)) == "tomorrow v1"  # another day's version is another slot
    assert cache._weight == 8 + 11 and len(cache._items) == 2


def test_the_data_version_is_read_once_a_snapshot(app):
    from sqlalchemy import event

    from remit.services.snapshot import snapshot
    from remit.services.versions import data_version

    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with snapshot():
            first = data_version()
            assert data_version() == first and data_version().day == first.day
        version_reads = [s for s in statements if "import_runs" in s]
        expected = 1 if db.engine.pool.__class__.__name__ not in ("StaticPool", "SingletonThreadPool") else 3
        assert len(version_reads) == expected, statements
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
