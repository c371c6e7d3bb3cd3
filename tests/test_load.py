"""The same answers on a busy machine: the textbook problems solved again beside four processes
that keep both cores busy. The solver's budget counts CPU seconds of its own work, so load may
make it slower on the clock but must not change a status, a point or a value."""

import ctypes
import signal
import subprocess
import sys

import pytest

from test_textbook import CASES, check_case

HOGS = 4


def _die_with_parent():
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)    # PR_SET_PDEATHSIG


@pytest.fixture(scope="module")
def busy_machine():
    """Four processes spinning for as long as the module's tests run (two per core here)."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"],
                             preexec_fn=_die_with_parent) for _ in range(HOGS)]
    try:
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


@pytest.mark.parametrize("name", list(CASES))
def test_textbook_under_load(busy_machine, name):
    assert all(hog.poll() is None for hog in busy_machine)   # the load is really there
    check_case(CASES[name], CASES[name].problem.solve())
