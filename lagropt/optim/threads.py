"""Elementwise updates of large parameter vectors, split across threads.

An update rule is elementwise, so the parameter vector can be cut into contiguous parts that
are updated independently: the result is bit for bit that of one pass. NumPy releases the
GIL inside its loops, so the parts run in parallel on threads. Only vectors of at least
``PARALLEL_MIN`` elements are split (below that, starting a thread costs more than it saves).

The number of threads defaults to the cores this process may use, as torch's does;
:func:`set_num_threads` changes it (1: no threads), e.g. on a shared machine.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

__all__ = ["for_parts", "get_num_threads", "set_num_threads"]

PARALLEL_MIN = 1 << 18       # elements from which an update is split across threads


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                         # not on Linux
        return os.cpu_count() or 1


_settings = {"threads": _available_cores(), "pool": None, "pid": None}


def get_num_threads() -> int:
    """The number of threads a large update is split across."""
    return _settings["threads"]


def set_num_threads(count: int) -> None:
    """Split large updates across ``count`` threads (1: run them on the calling thread)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"the number of threads must be an integer >= 1, got {count!r}")
    _settings["threads"] = count
    _shutdown()


def _shutdown() -> None:
    pool = _settings["pool"]
    if pool is not None and _settings["pid"] == os.getpid():
        pool.shutdown(wait=True)
    _settings["pool"] = None


def _pool(workers: int) -> ThreadPoolExecutor:
    # a forked child (the solver's workers) inherits the pool object but not its threads
    if _settings["pool"] is None or _settings["pid"] != os.getpid():
        _settings["pool"] = ThreadPoolExecutor(workers, thread_name_prefix="lagropt-step")
        _settings["pid"] = os.getpid()
    return _settings["pool"]


def for_parts(n: int, update) -> None:
    """Call ``update(part)`` for contiguous slices ``part`` covering range(n): one slice on
    the calling thread when n < PARALLEL_MIN or one thread is set, else one per thread, the
    first on the calling thread and the rest on the pool; exceptions are raised here."""
    threads = min(_settings["threads"], max(1, n // (PARALLEL_MIN // 2)))
    if n < PARALLEL_MIN or threads == 1:
        update(slice(None))
        return
    bounds = [n * k // threads for k in range(threads + 1)]
    parts = [slice(lo, hi) for lo, hi in pairwise(bounds)]
    pool = _pool(_settings["threads"] - 1)
    futures = [pool.submit(update, part) for part in parts[1:]]
    try:
        update(parts[0])
    finally:
        errors = [error for error in (f.exception() for f in futures) if error is not None]
    if errors:
        raise errors[0]
