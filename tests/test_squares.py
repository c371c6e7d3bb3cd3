"""A sum of squares that reaches its bound (lagropt/solver/squares.py): f = c0 + sum c_i b_i^(2k_i)
with c_i > 0 is >= c0 everywhere, so feasible zeros of every b_i are the global minimizers.

Each expected answer is derived by hand in the comment beside it."""

import os
import sys

import pytest
import sympy as sp

import lagropt
from lagropt.solver.squares import square_terms

sys.path.insert(0, os.path.dirname(__file__))
import hs_problems  # noqa: E402

x, y = sp.symbols("x y", real=True)


def _kinds(sol):
    return [step.kind for step in sol.derivation.steps]


def _same(a, b) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


def test_hs26_both_global_minimizers_exactly():
    # HS26: f = (x1 - x2)^2 + (x2 - x3)^4 >= 0, and f = 0 iff x1 = x2 = x3 = t. The constraint
    # (1 + x2^2) x1 + x3^4 = 3 becomes t^4 + t^3 + t - 3 = (t - 1)(t^3 + 2t^2 + 2t + 3) = 0.
    # The cubic's derivative 3t^2 + 4t + 2 has discriminant 16 - 24 < 0, so the cubic is
    # increasing: exactly one real root r, in (-2, -3/2) (values -1 and 9/8 there). So the
    # global minimum 0 is attained at (1, 1, 1) (the book's x*) and at (r, r, r), and nowhere else.
    t = sp.Symbol("t")
    assert sp.expand((t - 1) * (t ** 3 + 2 * t ** 2 + 2 * t + 3)) == t ** 4 + t ** 3 + t - 3
    problem = hs_problems.by_name("HS26")
    sol = problem.problem().solve(timeout=10)
    assert sol.status == "optimal" and sol.value == 0
    assert all(pt.exact and pt.kind == "minimum" for pt in sol.optimum)
    xs = problem.variables
    coords = sorted((tuple(pt.x[v] for v in xs) for pt in sol.optimum), key=lambda c: float(c[0]))
    assert len(coords) == 2
    (r1, r2, r3), ones = coords
    assert ones == (1, 1, 1)
    assert _same(r1, r2) and _same(r2, r3)
    assert _same(r1 ** 3 + 2 * r1 ** 2 + 2 * r1 + 3, 0) and -2 < float(r1) < -1.5
    assert "squares_bound" in _kinds(sol) and "squares_zero" in _kinds(sol)


def test_hs46_exact_unique_minimizer():
    # HS46: f = (x1 - x2)^2 + (x3 - 1)^2 + (x4 - 1)^4 + (x5 - 1)^6 = 0 iff x1 = x2, x3 = x4 =
    # x5 = 1; then x1^2 x4 + sin(x4 - x5) = 1 gives x1^2 = 1 and x2 + x3^4 x4^2 = 2 gives x2 = 1,
    # so x1 = x2 = 1: the only global minimizer is (1, 1, 1, 1, 1), f* = 0 (the book's answer).
    # grad f = 0 there and the constraints' gradients (2, 0, 0, 2, -1), (0, 1, 4, 2, 0) are
    # independent, so both multipliers are 0.
    problem = hs_problems.by_name("HS46")
    sol = problem.problem().solve(timeout=10)
    assert sol.status == "optimal" and sol.value == 0
    (pt,) = sol.optimum
    assert pt.exact and pt.regular and all(pt.x[v] == 1 for v in problem.variables)
    assert set(pt.multipliers.values()) == {0}
    assert "squares_bound" in _kinds(sol)


def test_maximizing_minus_a_sum_of_squares_with_a_constant():
    # f = 3 - (x - 1)^2 - (y + 2)^2 <= 3, with f = 3 only at (1, -2), which lies on x + y = -1.
    sol = lagropt.maximize(3 - (x - 1) ** 2 - (y + 2) ** 2, [sp.Eq(x + y, -1)], [x, y]).solve()
    assert sol.status == "optimal" and sol.value == 3
    (pt,) = sol.optimum
    assert pt.x == {x: 1, y: -2} and pt.kind == "maximum"
    assert "squares_bound" in _kinds(sol)
    assert any("<= 3 everywhere" in e for e in sol.evidence)


def test_zero_at_an_irregular_point():
    # min x^2 + y^2 on the cusp y^2 = x^3: f = 0 only at (0, 0), which lies on the curve, so it
    # is the global minimizer; the constraint's gradient (-3x^2, 2y) vanishes there (irregular).
    sol = lagropt.minimize(x ** 2 + y ** 2, [sp.Eq(y ** 2, x ** 3)], [x, y]).solve()
    assert sol.status == "optimal" and sol.value == 0
    (pt,) = sol.optimum
    assert pt.x == {x: 0, y: 0} and not pt.regular


def test_the_bound_not_reached_leaves_the_usual_path():
    # min x^2 + y^2 on x + y = 1: the zero (0, 0) is not feasible; Lagrange gives x = y = 1/2,
    # f = 1/2. min (x - 2)^2 with x <= 1: the zero x = 2 is infeasible; the bound x = 1 gives 1.
    sol = lagropt.minimize(x ** 2 + y ** 2, [sp.Eq(x + y, 1)], [x, y]).solve()
    assert sol.status == "optimal" and sol.value == sp.Rational(1, 2)
    assert "squares_bound" not in _kinds(sol)
    sol = lagropt.minimize((x - 2) ** 2, [x <= 1], [x]).solve()
    assert sol.status == "optimal" and sol.value == 1 and sol.optimum[0].x == {x: 1}
    assert "squares_bound" not in _kinds(sol)


def test_the_derivation_renders():
    sol = hs_problems.by_name("HS46").problem().solve(timeout=10)
    text = sol.derivation.latex()
    assert "\\geq" in text and "x_{5}" in text


@pytest.mark.parametrize("expr, expected", [
    ((x - 1) ** 2 + 2 * (x - y) ** 4 + 5, (5, (x - 1, x - y))),
    (sp.Rational(1, 100) * (x + y) ** 6, (0, (x + y,))),
])
def test_square_terms_accepts_positive_even_powers(expr, expected):
    c0, bases = square_terms(expr)
    assert c0 == expected[0] and set(bases) == set(expected[1])


@pytest.mark.parametrize("expr", [
    x ** 2 - y ** 2,            # a negative coefficient
    (x - 1) ** 3 + y ** 2,      # an odd power
    x ** 2 + y,                 # a term that is not a power
    sp.Integer(4),              # no square at all
    x ** 2 + sp.I,              # a complex constant
    # complex bases for x < 0: the sum is 2 + 2x, negative there
    (1 + sp.sqrt(x)) ** 2 + (1 - sp.sqrt(x)) ** 2,
])
def test_square_terms_refuses_what_is_not_bounded_below_that_way(expr):
    assert square_terms(expr) is None
