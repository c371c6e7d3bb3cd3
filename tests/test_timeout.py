"""The time limit: a hard stop for the worker and everything it started."""

import os
import time

import pytest
import sympy as sp

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


def test_set_default_timeout_applies_to_every_solve():
    import sympy as sp

    import lagropt
    from lagropt import get_default_timeout, set_default_timeout

    x, y, z = sp.symbols("x y z", real=True)
    hard = lagropt.maximize(x ** 7 * y ** 5 + x * y ** 3 - z ** 4 * x + sp.sin(x * y),
                            [sp.Eq(x ** 6 + y ** 6 + z ** 2, 1)])
    before = get_default_timeout()
    try:
        set_default_timeout(0.3)
        assert get_default_timeout() == 0.3
        started = time.monotonic()
        sol = hard.solve(numeric=False)                 # no timeout given: the default applies
        assert time.monotonic() - started < 1.3
        assert sol.status == "timeout" and "0.3 s" in sol.message
        with pytest.raises(ValueError):
            set_default_timeout(0)
        assert get_default_timeout() == 0.3            # a refused value changes nothing
    finally:
        set_default_timeout(before)
    assert get_default_timeout() == before == 5.0


def test_equations_come_back_from_the_worker_unevaluated():
    """The worker's result is unpickled without re-deciding its equations: Eq(x, x) written
    unevaluated in a derivation must not come back as True."""
    from lagropt.solve.timeout import call_with_timeout

    x = sp.Symbol("x")
    made = call_with_timeout(lambda: [sp.Eq(x, x, evaluate=False), sp.Eq(sp.Integer(1), 2,
                                                                         evaluate=False)],
                             timeout=30)
    assert all(isinstance(e, sp.Equality) for e in made)
    assert made[0].lhs == x and made[1].rhs == 2
