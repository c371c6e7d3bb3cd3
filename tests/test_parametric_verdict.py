"""Verdicts with symbolic parameters (issue 17): never "optimal" for an arbitrary candidate.

max x1 x2 x3 subject to x1 + x2 + x3 = S (S a real parameter) was reported ``optimal`` with
value 0 at (S, 0, 0). By hand:

* Lagrange: x2 x3 = x1 x3 = x1 x2 = lambda, x1 + x2 + x3 = S. Either two coordinates vanish
  (lambda = 0: (S, 0, 0) and its permutations, f = 0), or all are equal (S/3, S/3, S/3),
  lambda = S^2/9, f = S^3/27.
* At (S, 0, 0): H = d^2 f = [[0, x3, x2], [x3, 0, x1], [x2, x1, 0]] = [[0, 0, 0], [0, 0, S],
  [0, S, 0]]; tangent directions d = (-u - v, u, v): d^T H d = 2 S u v, i.e. [[0, S], [S, 0]]
  in (u, v), eigenvalues +-S: indefinite for S != 0, a saddle.
* Unbounded for every S: x2 = x3 = -s, x1 = S + 2 s gives f = s^2 (S + 2 s) -> +oo as
  s -> +oo (leading coefficient 2 > 0, whatever S is); for the minimum, x2 = x3 = s gives
  s^2 (S - 2 s) -> -oo.
"""

import sympy as sp

from lagropt import maximize, minimize
from lagropt.solver.classify import classify_point, indefinite_minor

x1, x2, x3, S, a, c, k, x = sp.symbols("x1 x2 x3 S a c k x", real=True)


def _product_problem(sense, s=S):
    return sense(x1 * x2 * x3, [sp.Eq(x1 + x2 + x3, s)], variables=[x1, x2, x3], params=[s])


def test_product_on_a_plane_is_unbounded_above_for_every_S():
    sol = _product_problem(maximize).solve()
    assert sol.status == "unbounded"
    assert sol.value == sp.oo
    assert sol.optimum == []
    assert any("oo" in e for e in sol.evidence)


def test_product_on_a_plane_is_unbounded_below_for_every_S():
    sol = _product_problem(minimize).solve()
    assert sol.status == "unbounded"
    assert sol.value == -sp.oo


def test_positive_total_does_not_change_the_answer():
    s = sp.Symbol("s", positive=True)
    assert _product_problem(maximize, s).solve().status == "unbounded"


def test_the_corner_critical_points_are_saddles_and_the_symmetric_one_is_found():
    sol = _product_problem(maximize).solve()
    corners = [p for p in sol.points if sp.simplify(p.value) == 0]
    assert len(corners) == 3
    for p in corners:
        assert p.kind == "saddle", p.reason
        assert "S != 0" in p.reason
    (sym,) = [p for p in sol.points if p not in corners]
    for v in (x1, x2, x3):
        assert sp.simplify(sym.x[v] - S / 3) == 0
    assert sp.simplify(sym.value - S ** 3 / 27) == 0


def test_indefinite_minor_of_the_reduced_hessian():
    # [[0, S], [S, 0]]: the 2 x 2 minor is -S^2, negative exactly where S != 0
    minor, condition = indefinite_minor(sp.Matrix([[0, S], [S, 0]]))
    assert sp.simplify(minor + S ** 2) == 0
    assert condition == sp.Ne(S, 0)
    # [[1, 0], [0, -(a^2 + 1)]]: minor -(a^2 + 1) < 0 for every real a
    minor, condition = indefinite_minor(sp.Matrix([[1, 0], [0, -(a ** 2 + 1)]]))
    assert condition is sp.true
    # [[a^2, 0], [0, a^2 + 1]] is positive semidefinite: no witness
    assert indefinite_minor(sp.Matrix([[a ** 2, 0], [0, a ** 2 + 1]])) is None


def test_saddle_from_a_symbolic_reduced_hessian():
    # f = S x y at the origin, no constraint: H = [[0, S], [S, 0]]
    c_ = classify_point(sp.Matrix([[0, S], [S, 0]]), sp.zeros(0, 2), {}, sense="max")
    assert c_.kind == "saddle"


def test_candidates_valid_in_different_regions_are_not_picked_arbitrarily():
    # max a x on x^2 <= 1: x = 1 is a KKT point only if mu = a/2 >= 0, x = -1 only if a <= 0.
    # The value is |a|; without a region split neither a nor -a is "the" optimal value.
    sol = maximize(a * x, [x ** 2 <= 1], variables=[x], params=[a]).solve(timeout=30)
    assert sol.status != "optimal" or sp.simplify(sol.value - sp.Abs(a)) == 0
    assert sol.status in ("parametric", "piecewise")


def test_a_dominant_candidate_is_still_found():
    # min (x - a)^2: one candidate x = a, f = 0: optimal (convex)
    sol = minimize((x - a) ** 2, variables=[x], params=[a]).solve()
    assert sol.status == "optimal"
    assert sol.x[x] == a and sol.value == 0
