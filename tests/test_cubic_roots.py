"""Critical points at the roots of a cubic, which SymPy writes in Cardano's radicals.

min x + 1/x + y^2 s.t. x + y = 3, by hand: stationarity 1 - 1/x^2 = lambda and 2 y = lambda
with y = 3 - x give x^2 - 1 = 2 x^2 (3 - x), i.e. 2 x^3 - 5 x^2 - 1 = 0. Its discriminant
is -4*(-5)^3*(-1) - 27*2^2*1 = -500 - 108 < 0 (a x^3 + b x^2 + d with c = 0:
b^2 c^2 - 4 a c^3 - 4 b^3 d - 27 a^2 d^2 + 18 a b c d = -4*(-125)*(-1) - 27*4 = -608), so one
real root (x = 2.5753851215787705...) and two complex ones. Along x = 3 - y, as x -> 0 from
below, 1/x -> -oo while x + y^2 -> 9: the problem is unbounded below.

Before: SymPy's cubic formula gave the complex roots with an imaginary unit inside, their
realness test answered with SymPy's ``false`` (not Python's ``False``, so ``is False`` missed
it) and both complex points were admitted; then rationalizing a denominator with a cube root
ran past the budget, and the numeric fallback offered the local minimum f = 3.14 as the answer.
"""

import numpy as np
import sympy as sp

import lagropt
from lagropt.solver.polynomial import rationalized
from lagropt.solver.requirements import real_number
from lagropt.solver.system import is_zero
from lagropt.standard import StandardForm
from lagropt.solver.candidates import find_candidates
from lagropt.runtime import Budget

x, y = sp.symbols("x y", real=True)
CUBE = (12 * sp.sqrt(114) + 179) ** sp.Rational(1, 3)
OMEGA = -sp.Rational(1, 2) - sp.sqrt(3) * sp.I / 2       # a complex cube root of unity
REAL_ROOT = max(np.roots([2, -5, 0, -1]).real)           # numpy's, independent of SymPy


def _problem():
    return lagropt.minimize(x + 1 / x + y ** 2, [sp.Eq(x + y, 3)])


def test_the_realness_test_answers_with_python_bools():
    complex_root = sp.Rational(5, 6) + OMEGA * CUBE / 6 + 25 / (6 * OMEGA * CUBE)
    assert abs(sp.im(sp.N(complex_root, 30))) > 0.4        # -0.0377 - 0.4390 i, by hand above
    assert real_number(complex_root) is False
    assert real_number(sp.Rational(5, 6) + CUBE / 6 + 25 / (6 * CUBE)) is True
    assert is_zero(CUBE ** 3 - 12 * sp.sqrt(114) - 179) is True


def test_only_the_real_root_of_the_cubic_is_a_candidate():
    points, residual, _ = find_candidates(StandardForm(_problem()), Budget(None), classify=False)
    assert not residual
    assert len(points) == 1
    (p,) = points
    px, py = sp.N(p.x[x], 40), sp.N(p.x[y], 40)
    assert sp.im(px) == 0 and sp.im(py) == 0
    assert abs(float(px) - REAL_ROOT) < 1e-12
    assert abs(sp.N(2 * p.x[x] ** 3 - 5 * p.x[x] ** 2 - 1, 40)) < 1e-35
    assert sp.simplify(p.x[x] + p.x[y] - 3) == 0
    # f = x + 1/x + (3 - x)^2 reduced by 2 x^3 - 5 x^2 = 1 (so 1/x = 2 x^2 - 5 x): 3 x^2 - 10 x + 9
    assert abs(sp.N(p.value - (3 * p.x[x] ** 2 - 10 * p.x[x] + 9), 40)) < 1e-35


def test_a_pole_makes_the_cubic_problem_unbounded():
    sol = _problem().solve()
    assert sol.status == "unbounded", (sol.status, sol.message)
    assert sol.value == -sp.oo


def test_rationalized_removes_square_roots_and_keeps_cube_roots():
    assert sp.simplify(rationalized(1 / (1 + sp.sqrt(2))) - (sp.sqrt(2) - 1)) == 0
    assert rationalized(1 / (1 + sp.sqrt(2))).as_numer_denom()[1] == 1
    value = 1 / (sp.Rational(5, 6) + CUBE / 6 + 25 / (6 * CUBE))      # 1/x at the real root
    out = rationalized(value)
    assert abs(sp.N(out - value, 40)) < 1e-35
    assert abs(sp.N(out, 30) - sp.Float(1 / REAL_ROOT, 30)) < 1e-12
