"""What the elimination does with trigonometric equations it cannot isolate
(lagropt/solver/system.py: _never_zero, the sympy.solve memo).

The expected answers are derived by hand in the comment beside each test.
"""

from __future__ import annotations

import sympy as sp

import lagropt.solver.system as system
from lagropt.solver.system import _never_zero, solve_system

x, y, lam = sp.symbols("x y lambda", real=True)


def test_an_equation_whose_range_excludes_zero_has_no_real_solution():
    # sin lies in [-1, 1], so sin(x - y) - 2 sqrt(2) lies in [-1 - 2 sqrt(2), 1 - 2 sqrt(2)],
    # below 0 (HS77's irregular points meet it); sin(x)^2 + 2 >= 2. The others can vanish:
    # sin(x - y) = 1/2 at x - y = pi/6; cos(x) = 0 at pi/2; x sin(y) = 1 at (2, pi/6);
    # x + sin(x)^2 + 2 = 0 somewhere in [-3, -2] (sin(2)^2 > 0 at -2, sin(3)^2 - 1 < 0 at -3).
    assert _never_zero(sp.sin(x - y) - 2 * sp.sqrt(2), [x, y])
    assert _never_zero(sp.sin(x) ** 2 + 2, [x])
    for eq in (sp.sin(x - y) - sp.Rational(1, 2), sp.cos(x), x * sp.sin(y) - 1,
               x + sp.sin(x) ** 2 + 2):
        assert not _never_zero(eq, [x, y])


def test_such_a_branch_is_infeasible_without_calling_sympy_solve(monkeypatch):
    monkeypatch.setattr(system, "_sympy_solve", _must_not_be_called)
    (branch,) = solve_system([sp.sin(x - y) - 2 * sp.sqrt(2), sp.cos(x - y)], [x, y])
    assert branch.status == "infeasible" and "no real solution" in branch.note


def test_sympy_solve_meets_a_system_once_up_to_signs_and_repeats(monkeypatch):
    # sin(x) = -1 and cos(x) = 0 hold at x = 3 pi/2 (the principal solution sympy returns);
    # the same system with -cos(x) and a repeated equation is the same system
    calls = []

    def once(eqs, unknowns, budget):
        calls.append(tuple(eqs))
        return [{x: 3 * sp.pi / 2}]

    monkeypatch.setattr(system, "_sympy_solve_once", once)
    monkeypatch.setattr(system, "_SOLVED", {})
    first = system._sympy_solve([-sp.sin(x) - 1, -sp.cos(x), sp.cos(x)], [x], None)
    again = system._sympy_solve([sp.sin(x) + 1, sp.cos(x)], [x], None)
    assert first == again == [{x: 3 * sp.pi / 2}]
    assert len(calls) == 1 and len(calls[0]) == 2


def test_a_failure_is_not_remembered(monkeypatch):
    calls = []

    def fails(eqs, unknowns, budget):
        calls.append(eqs)
        return None

    monkeypatch.setattr(system, "_sympy_solve_once", fails)
    monkeypatch.setattr(system, "_SOLVED", {})
    assert system._sympy_solve([x - sp.cos(x) ** 3], [x], None) is None
    assert system._sympy_solve([x - sp.cos(x) ** 3], [x], None) is None
    assert len(calls) == 2


def _must_not_be_called(*args):
    raise AssertionError("sympy.solve was called")
