"""The polynomial back end (lagropt/solver/polynomial.py): lex bases through FGLM, exact roots.

Expected answers are derived by hand in the comments, or computed by an independent route
(SymPy's direct lex Buchberger, which the solver no longer calls on zero-dimensional ideals).
"""

from __future__ import annotations

import os
import sys

import pytest
import sympy as sp

from lagropt.solver.polynomial import lex_basis, simplest_algebraic, solve_polynomial_system
from lagropt.standard import StandardForm

sys.path.insert(0, os.path.dirname(__file__))
from reference_problems import by_name  # noqa: E402

x, y, z, lam = sp.symbols("x y z lambda", real=True)


def _normalized(basis, gens) -> set:
    """A basis as a set of monic polynomials over Q (the reduced basis is unique up to that)."""
    return {tuple(sp.Poly(g, *gens, domain="QQ").monic().terms()) for g in basis}


def _direct_lex(polys, gens) -> set:
    return _normalized(sp.groebner(polys, *gens, order="lex").exprs, gens)


# (polynomials, unknowns): zero-dimensional, positive-dimensional and inconsistent ideals
SMALL_SYSTEMS = [
    ([y - 2 * lam * x, x - 2 * lam * y, x ** 2 + y ** 2 - 2], [x, y, lam]),   # xy on a circle
    ([x ** 2 + y ** 2 + z ** 2 - 1, x - y, y * z - x ** 2], [x, y, z]),
    ([x ** 3 - 2 * x * y, x ** 2 * y - 2 * y ** 2 + x], [x, y]),                # Cox-Little-O'Shea
    ([x * y, x * z], [x, y, z]),                                                # not zero-dim
    ([x - 1, x ** 2 - 2], [x]),                                                 # no solution
]


@pytest.mark.parametrize("polys, gens", SMALL_SYSTEMS)
def test_lex_basis_is_the_reduced_lex_basis(polys, gens):
    assert _normalized(lex_basis(polys, gens), gens) == _direct_lex(polys, gens)


@pytest.mark.parametrize("name, active", [("HS39", ()), ("HS42", ()), ("markowitz-3-assets", ()),
                                          ("rationing-binding", (0, 1))])
def test_lex_basis_agrees_with_buchberger_on_kkt_systems(name, active):
    """The KKT systems of bench/run.py groebner-kkt on which direct lex finishes in time."""
    eqs, unknowns, _ = StandardForm(by_name(name).build()).kkt_system(active)
    polys = [sp.numer(sp.together(e)) for e in eqs]
    assert _normalized(lex_basis(polys, unknowns), unknowns) == _direct_lex(polys, unknowns)


def test_hs40_kkt_system_is_solved_exactly():
    # HS40: minimize -x1 x2 x3 x4 subject to x1^3 + x2^2 = 1, x1^2 x4 = x3, x4^2 = x2.
    # By hand: x2 = x4^2 and x3 = x1^2 x4 give f = -x1^3 x4^4 = -(1 - s) s with s = x4^4
    # (x1^3 = 1 - x2^2 = 1 - s), least at s = 1/2: f = -1/4, x4 = +-2^(-1/4),
    # x2 = 2^(-1/2), x1 = 2^(-1/3), x3 = x1^2 x4 = +-2^(-11/12). Direct lex Buchberger does not
    # finish on this system within minutes; grevlex + FGLM does in about a second.
    eqs, unknowns, _ = StandardForm(by_name("HS40").build()).kkt_system(())
    result = solve_polynomial_system(eqs, unknowns)
    assert result.dimension == 0
    points = [{str(u): v for u, v in s.items()} for s in result.solutions]
    for sign in (1, -1):
        want = {"x1": 2 ** sp.Rational(-1, 3), "x2": 2 ** sp.Rational(-1, 2),
                "x3": sign * 2 ** sp.Rational(-11, 12), "x4": sign * 2 ** sp.Rational(-1, 4)}
        assert any(all(sp.simplify(p[k] - v) == 0 for k, v in want.items()) for p in points)
    for p in points:       # every solution satisfies the system exactly
        at = {u: p[str(u)] for u in unknowns}
        assert all(sp.simplify(e.xreplace(at)) == 0 for e in eqs)


def test_a_rational_function_of_a_crootof_is_one_crootof():
    # rho, the real root of t^3 - t - 1 (the plastic number). y = 1/(1 + rho) gives
    # rho = 1/y - 1, and (1/y - 1)^3 - (1/y - 1) - 1 = 0 times y^3 is 1 - 3y + 2y^2 - y^3 = 0:
    # y is the real root of y^3 - 2y^2 + 3y - 1, the only one (its derivative 3y^2 - 4y + 3 has
    # no real zero). The failure was HS7's PolynomialError on 1/(2 t^4 + 4 t^2 + 2).
    t = sp.Symbol("t")
    rho = sp.CRootOf(t ** 3 - t - 1, 0)
    value = simplest_algebraic(1 / (1 + rho))
    assert isinstance(value, sp.CRootOf)
    minimal = value.poly.as_expr().subs(value.poly.gens[0], y)
    assert sp.expand(minimal - (y ** 3 - 2 * y ** 2 + 3 * y - 1)) == 0
    assert abs(sp.N(value - 1 / (1 + rho), 50)) < sp.Float(10) ** -45


def test_a_system_whose_last_unknown_does_not_separate_goes_through_t_equals_x_plus_y():
    # x^2 = 1 and y^3 = y + 1: y is the plastic number rho (the only real root: y^3 - y - 1
    # has derivative 3y^2 - 1 and local values -1 -+ 2/(3 sqrt 3) < 0 at both critical points),
    # x = +-1, so two real solutions (1, rho) and (-1, rho). The last unknown y takes the same
    # value at both (no shape form with t = y) and rho is no radical (no triangular solve), so
    # the solver substitutes y = t - x and uses the shape form in (x, t).
    rho = sp.CRootOf(y ** 3 - y - 1, 0)
    result = solve_polynomial_system([x ** 2 - 1, y ** 3 - y - 1], [x, y])
    shown = sorted((p[x], p[y]) for p in result.display)
    assert len(shown) == 2
    assert [a for a, _ in shown] == [-1, 1]
    assert all(b == rho for _, b in shown)


def _chebyshev_9_minus_half():
    # 2 T_9(x) - 1: cos(9 theta) = 1/2 at theta = 2 pi m / 54 with m = 6k +- 1, all coprime to
    # 54, so its 9 roots x = cos(2 pi m / 54) are real, distinct, and conjugates of
    # cos(2 pi / 54), whose minimal polynomial has degree phi(54)/2 = 9: irreducible over Q,
    # 9 real roots, each a CRootOf
    return 2 * sp.chebyshevt(9, x) - 1


def test_more_real_crootof_solutions_than_the_count_are_left_unsolved():
    from lagropt.solver.polynomial import MAX_ALGEBRAIC_POINTS
    assert MAX_ALGEBRAIC_POINTS < 9
    result = solve_polynomial_system([_chebyshev_9_minus_half(), y - x], [x, y])
    assert result.solutions == [] and "9 real solutions" in result.too_many


def test_the_count_is_of_crootof_points_only():
    # (x - 1)(x - 2)...(x - 9): nine rational solutions, each exact and cheap
    result = solve_polynomial_system([sp.prod([x - k for k in range(1, 10)]), y - x], [x, y])
    assert not result.too_many
    assert sorted(s[x] for s in result.solutions) == list(range(1, 10))


def test_a_system_over_the_count_is_a_residual_branch_never_no_solution():
    from lagropt.solver.system import solve_system
    branches = solve_system([_chebyshev_9_minus_half(), y - x], [x, y])
    assert [b.status for b in branches] == ["residual"]
    assert "9 real solutions" in branches[0].note
