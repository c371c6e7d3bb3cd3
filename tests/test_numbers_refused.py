"""Numbers that are right or refused (issue 15, item 4): each numeric path either gives an
answer checked against an independent computation, or stops with a one-line error naming the
problem."""

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt.errors import ProblemError

x, y = sp.symbols("x y", real=True)


def run_cli(*args):
    """``python -m lagropt ARGS``: (exit code, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "lagropt", *args], capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


def assert_one_line(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr


# -- subject_to=None -----------------------------------------------------------------------

def test_subject_to_none_means_no_constraints():
    p = lagropt.minimize((x - 1) ** 2 + (y + 2) ** 2, subject_to=None)
    assert p.constraints == ()
    sol = p.solve()
    assert sol.status == "optimal"
    assert sp.simplify(sol.value) == 0
    assert sol.x[x] == 1 and sol.x[y] == -2
    assert lagropt.Problem(x ** 2, "min", None).constraints == ()


@pytest.mark.parametrize("bad", [5, 1.5, "x >= 1", {x: 1}])
def test_subject_to_that_is_no_constraint_list_is_refused_in_one_line(bad):
    with pytest.raises(ProblemError, match="subject_to must be a constraint or a list") as e:
        lagropt.minimize(x ** 2, subject_to=bad)
    assert "\n" not in str(e.value)
