"""clients/concurrent.py: the page fetched ahead in a worker thread."""

import threading

import pytest

from clients.concurrent import ahead, bounded


class Source:
    """Pages 1..count, each fetch noted with the thread that made it; ``fail_at`` raises on
    that page; ``gate`` (an Event) holds each fetch after the first until it is set."""

    def __init__(self, count, fail_at=None, gate=None):
        self.count, self.fail_at, self.gate = count, fail_at, gate
        self.fetched = []  # (page, thread id)
        self.started = threading.Event()

    def __iter__(self):
        for page in range(1, self.count + 1):
            if page > 1:
                self.started.set()
                if self.gate:
                    assert self.gate.wait(5)
            self.fetched.append((page, threading.get_ident()))
            if page == self.fail_at:
                raise ValueError("page %d could not be read" % page)
            yield page


def test_first_page_in_the_caller_s_thread_the_next_ones_ahead():
    source = Source(3)
    assert list(ahead(source)) == [1, 2, 3]
    me = threading.get_ident()
    assert source.fetched[0] == (1, me)
    assert all(thread != me for _page, thread in source.fetched[1:])


def test_the_next_page_is_fetched_while_the_caller_works_on_this_one():
    gate = threading.Event()
    source = Source(2, gate=gate)
    pages = ahead(source)
    assert next(pages) == 1
    # The caller is "saving" page 1: the fetch of page 2 has started meanwhile.
    assert source.started.wait(5)
    gate.set()
    assert next(pages) == 2


def test_a_failing_page_is_raised_after_the_page_before_it():
    source = Source(3, fail_at=2)
    pages = ahead(source)
    assert next(pages) == 1  # given whole: the caller saves it before the error comes
    with pytest.raises(ValueError, match="page 2"):
        next(pages)


def test_no_fetch_past_the_limit():
    source = Source(10)
    assert list(ahead(source, limit=3)) == [1, 2, 3]
    assert [page for page, _thread in source.fetched] == [1, 2, 3]


def test_stopping_early_waits_for_the_fetch_in_flight_and_settles():
    gate = threading.Event()
    source = Source(5, gate=gate)
    settled = []
    pages = ahead(source, settle=lambda: settled.append(threading.get_ident()))
    assert next(pages) == 1
    assert source.started.wait(5)
    threading.Timer(0.2, gate.set).start()
    pages.close()  # the caller stops (out of time): page 2's fetch is waited for
    assert [page for page, _thread in source.fetched] == [1, 2]
    assert settled == [threading.get_ident()], "settled once, in the caller's thread"


def test_prepare_refused_fetches_in_the_caller_s_thread():
    source = Source(3)
    answers = iter([True, False, True])
    assert list(ahead(source, prepare=lambda: next(answers))) == [1, 2, 3]
    me = threading.get_ident()
    assert [thread == me for _page, thread in source.fetched] == [True, False, True]


def test_empty_source():
    assert list(ahead(Source(0))) == []


def test_bounded_never_more_than_the_bound_at_once_and_in_order():
    lock, state = threading.Lock(), {"now": 0, "most": 0}

    def fetch(item):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        threading.Event().wait(0.02)
        with lock:
            state["now"] -= 1
        if item == 5:
            raise ValueError("item 5 is bad")
        return item * 10

    got = list(bounded(range(12), fetch, 3))
    assert [item for item, _result, _error in got] == list(range(12))
    assert [result for item, result, _error in got if item != 5] == [
        item * 10 for item in range(12) if item != 5]
    assert str(got[5][2]) == "item 5 is bad" and got[5][1] is None
    assert state["most"] == 3


def test_bounded_one_runs_in_the_caller_s_thread():
    me = threading.get_ident()
    assert [result for _item, result, _error in bounded([1, 2], lambda item: (
        threading.get_ident() == me), 1)] == [True, True]


def test_bounded_stopped_early_starts_nothing_more():
    started = []
    items = bounded(range(10), started.append, 2)
    next(items)
    items.close()
    assert len(started) <= 3, "the two first, and the one started when the first was taken"
