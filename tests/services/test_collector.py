"""The garbage collector spared while imports and plans run, and restored after."""
from __future__ import annotations

import gc
import threading

from remit.services.collector import collections_spared


def test_the_collector_is_spared_while_work_runs_and_restored_after():
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with collections_spared(20_000):
        assert gc.get_threshold() == (max(before[0], 20_000), *before[1:])
        assert gc.get_freeze_count() > 0  # the objects alive before are out of its way
        garbage = []
        garbage.append(garbage)  # a cycle made meanwhile is still collected
        del garbage
        assert gc.collect() >= 1
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_work_in_several_threads_shares_one_setting_until_the_last_ends():
    before = gc.get_threshold()
    inside, release = threading.Event(), threading.Event()

    def other():
        with collections_spared(50_000):
            inside.set()
            release.wait(5)

    with collections_spared(20_000):
        thread = threading.Thread(target=other)
        thread.start()
        assert inside.wait(5)
        assert gc.get_threshold()[0] == max(before[0], 50_000)  # the highest asked
    # the first has ended; the other still runs: still spared, still frozen
    assert gc.get_threshold()[0] == max(before[0], 50_000)
    assert gc.get_freeze_count() > 0
    release.set()
    thread.join(5)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_objects_frozen_by_something_else_stay_frozen():
    gc.freeze()
    try:
        with collections_spared(20_000):
            pass
        assert gc.get_freeze_count() > 0  # not unfrozen by the work's end
    finally:
        gc.unfreeze()
