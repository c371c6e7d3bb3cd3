"""The time limit: a hard stop for the worker and everything it started."""

import os
import time

import pytest

from lagropt.solve.timeout import TimeLimit, call_with_timeout


def _write_later(path, delay):
    time.sleep(delay)
    with open(path, "w") as fh:
        fh.write("still alive")
    return "done"


def _nested(path):
    return call_with_timeout(_write_later, path, 1.0, timeout=30)


def test_result_and_exception_come_back():
    assert call_with_timeout(sorted, [3, 1, 2], timeout=5) == [1, 2, 3]
    with pytest.raises(ZeroDivisionError):
        call_with_timeout(lambda: 1 / 0, timeout=5)


def test_timeout_stops_the_worker_and_its_own_workers(tmp_path):
    marker = tmp_path / "marker"
    started = time.monotonic()
    with pytest.raises(TimeLimit):
        call_with_timeout(_nested, str(marker), timeout=0.3)
    assert time.monotonic() - started < 1.0
    time.sleep(1.5)                        # the grandchild would have written by now
    assert not marker.exists()


def test_no_limit_runs_in_process():
    assert call_with_timeout(os.getpid, timeout=None) == os.getpid()
