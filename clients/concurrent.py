"""Calls made in worker threads while the caller's thread, the one with the database, goes
on with its own work. Pure Python: no Odoo import. The work handed to a thread must not
touch the ORM or a cursor; what it cannot do itself (take a call budget, save a token) is
done in the caller's thread by the ``prepare`` and ``settle`` functions given here.

``ahead()`` fetches the next page of a paged sync while the caller saves the current one;
``bounded()`` runs a few downloads at a time while the caller stores those done."""

from collections import deque
from concurrent.futures import ThreadPoolExecutor


def ahead(pages, limit=None, prepare=None, settle=None):
    """Yield the items of ``pages``, each next one fetched in a worker thread while the
    caller works on the one just yielded.

    The first item is read in the caller's thread (a page source reads its cursor there).
    ``prepare()`` runs in the caller's thread before a fetch is handed to the worker (it
    takes the call's budget); when it returns False that fetch is made in the caller's
    thread, once it asks for the next item, as without this helper. ``settle()`` runs in the
    caller's thread after each fetch and at the end. No fetch starts after ``limit`` items.
    When the caller stops early (``close()``, an error) the fetch in flight is waited for
    and its page dropped: no fetch runs after the loop. An error of a fetch is raised when
    the caller asks for that item, after it has finished with the item before."""
    pages = iter(pages)
    done, item = _next(pages)
    if done:
        return
    count, future = 1, None
    pool = ThreadPoolExecutor(1, thread_name_prefix="fetch-ahead")
    try:
        while True:
            if limit and count >= limit:
                yield item
                return
            if prepare is None or prepare():
                future = pool.submit(_next, pages)
            yield item
            if future is None:
                done, item = _next(pages)
            else:
                try:
                    done, item = future.result()
                finally:
                    future = None
                    if settle:
                        settle()
            if done:
                return
            count += 1
    finally:
        if future is not None:
            future.exception()  # a call in flight cannot be recalled: wait for its end
            if settle:
                settle()
        pool.shutdown(wait=True)
        close = getattr(pages, "close", None)
        if close:
            close()


def _next(pages):
    """``(True, None)`` at the end of ``pages``, else ``(False, next item)``."""
    try:
        return False, next(pages)
    except StopIteration:
        return True, None


def bounded(items, fetch, bound):
    """Yield ``(item, result, error)`` for each of ``items``, in their order: ``fetch(item)``
    runs in at most ``bound`` worker threads at once (in the caller's thread when ``bound``
    is 1), and its exception is given as ``error`` (``result`` None). The next fetch starts
    when the caller takes a result, so that at most ``bound`` results wait in memory. When
    the caller stops early the fetches not started are dropped and those in flight are
    waited for. ``items`` and ``fetch`` must not touch the ORM: give plain values."""
    items = iter(items)
    if bound <= 1:
        for item in items:
            result, error = _call(fetch, item)
            yield item, result, error
        return
    pool = ThreadPoolExecutor(bound, thread_name_prefix="download")
    waiting = deque()
    try:
        for item in items:
            waiting.append((item, pool.submit(_call, fetch, item)))
            if len(waiting) >= bound:
                break
        while waiting:
            item, future = waiting.popleft()
            result, error = future.result()
            following = next(items, _END)
            if following is not _END:
                waiting.append((following, pool.submit(_call, fetch, following)))
            yield item, result, error
    finally:
        for _item, future in waiting:
            future.cancel()
        pool.shutdown(wait=True)


_END = object()


def _call(fetch, item):
    """``(result, None)``, or ``(None, the exception)``."""
    try:
        return fetch(item), None
    except Exception as exc:  # noqa: BLE001 - handed to the caller, who decides
        return None, exc
