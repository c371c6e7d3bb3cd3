"""Issue 18: the Lagrange dual, derived. Expected answers derived by hand beside each test."""

import numpy as np
import pytest
import scipy.optimize as so
import sympy as sp

import lagropt as lg
from lagropt.errors import LagroptError

from conftest import same

x, y = sp.symbols("x y", real=True)


def test_dual_of_the_closest_point_on_a_line():
    # min x^2 + y^2 s.t. x + y = 1. L = x^2 + y^2 - lambda (x + y - 1), x = y = lambda/2,
    # q(lambda) = lambda - lambda^2/2, maximized at lambda = 1: d* = 1/2 = p* (gap 0; convex,
    # affine constraint: Slater).
    D = lg.minimize(x**2 + y**2, [sp.Eq(x + y, 1)]).dual()
    (lam,) = D.multipliers
    assert same(D.function, lam - lam**2 / 2)
    assert D.domain == ()
    assert same(D.minimizer[x], lam / 2) and same(D.minimizer[y], lam / 2)
    assert same(D.solution.x[lam], 1)
    assert same(D.value, sp.Rational(1, 2)) and same(D.primal_value, sp.Rational(1, 2))
    assert D.gap == 0 and any("Slater" in e for e in D.evidence)
    (check,) = D.check()
    assert check.error < 1e-6, str(check)
    # the dual optimum against scipy: maximize q numerically
    q = sp.lambdify(lam, D.function)
    r = so.minimize_scalar(lambda t: -q(t))
    assert abs(r.x - 1) < 1e-6 and abs(-r.fun - 0.5) < 1e-9


def test_dual_of_a_linear_program():
    # min x + 2y s.t. x + y >= 1, x >= 0, y >= 0. L = x + 2y - mu1 (x + y - 1) - mu2 x - mu3 y
    # is affine: q = mu1 where 1 - mu1 - mu2 = 0 and 2 - mu1 - mu3 = 0, else -oo. The dual:
    # max mu1 s.t. mu1 + mu2 = 1, mu1 + mu3 = 2, mu >= 0 -> mu1 = 1, d* = 1 = p* (x = 1, y = 0).
    D = lg.minimize(x + 2 * y, [x + y >= 1, x >= 0, y >= 0]).dual()
    mu1, mu2, mu3 = D.multipliers
    assert same(D.function, mu1)
    assert {sp.expand(r.lhs - r.rhs) for r in D.domain} == {1 - mu1 - mu2, 2 - mu1 - mu3}
    assert same(D.value, 1) and D.gap == 0
    (check,) = D.check()
    assert check.error < 1e-6, str(check)


def test_maximum_entropy_dual_is_log_z_plus_beta_e():
    # max S = -sum p_i log p_i, sum p_i = 1, sum p_i E_i = U, E = (0, 1, 2), U = 1/2.
    # L = S - l1 (sum p - 1) - l2 (sum p E - U); sup over p: p_i = exp(-1 - l1 - l2 E_i),
    # q = sum_i p_i + l1 + l2 U. Minimizing over l1 (the normalization): exp(-1 - l1) Z = 1,
    # so q = log Z(l2) + l2 U with Z = sum_i exp(-l2 E_i): the lecture's log Z, with the
    # dual's sign (the primal maximizes, so the dual minimizes q). Gap 0 (concave S, affine
    # constraints).
    ps = sp.symbols("p1:4", positive=True)
    E, U = [0, 1, 2], sp.Rational(1, 2)
    S = -sum(p * sp.log(p) for p in ps)
    D = lg.maximize(S, [sp.Eq(sum(ps), 1), sp.Eq(sum(e * p for e, p in zip(E, ps)), U)]).dual()
    l1, l2 = D.multipliers
    assert same(D.function, sum(sp.exp(-1 - l1 - l2 * e) for e in E) + l1 + l2 * U)
    Z = sum(sp.exp(-l2 * e) for e in E)
    reduced = D.eliminate(l1)
    assert same(sp.expand_log(reduced - (sp.log(Z) + l2 * U), force=True), 0) or \
        same(sp.simplify(sp.exp(reduced) - sp.exp(sp.log(Z) + l2 * U)), 0)
    assert D.gap == 0
    (check,) = D.check()
    assert check.error < 1e-6, str(check)
    # the dual value equals the maximum entropy, computed by scipy
    r = so.minimize(lambda z: -float(sum(-v * np.log(v) for v in z)), [0.5, 0.3, 0.2],
                    constraints=[{"type": "eq", "fun": lambda z: sum(z) - 1},
                                 {"type": "eq", "fun": lambda z: z[1] + 2 * z[2] - 0.5}],
                    bounds=[(1e-12, 1)] * 3, method="SLSQP", options={"ftol": 1e-14})
    assert abs(float(D.value) - (-r.fun)) < 1e-8


def test_nonconvex_problem_has_a_positive_gap():
    # min -x^2 s.t. -1 <= x <= 1: p* = -1 at x = +-1. L = -x^2 - mu1 (x + 1) - mu2 (1 - x)
    # (h >= 0 when minimizing) is a concave parabola in x for every mu: inf_x L = -oo, so
    # q = -oo everywhere and d* = -oo < p* = -1: an (infinite) positive duality gap; the
    # problem is not convex.
    D = lg.minimize(-x**2, [x >= -1, x <= 1]).dual()
    assert D.function == -sp.oo and D.value == -sp.oo
    assert same(D.primal_value, -1)
    assert D.gap == sp.oo and any("not convex" in e for e in D.evidence)


def test_one_quadratic_constraint_closes_the_gap():
    # min -x^2 s.t. x^2 <= 1 (the same set, written with one quadratic): h = 1 - x^2 >= 0,
    # L = -x^2 - mu (1 - x^2) = (mu - 1) x^2 - mu: convex iff mu > 1, q = -mu, d* = sup = -1 = p*
    # (approached as mu -> 1): a nonconvex problem with zero gap (the S-lemma).
    D = lg.minimize(-x**2, [x**2 <= 1]).dual()
    (mu,) = D.multipliers
    assert same(D.function, -mu)
    assert len(D.domain) == 1
    assert D.domain[0].subs(mu, 2) == sp.true and D.domain[0].subs(mu, sp.Rational(1, 2)) == sp.false
    assert same(D.value, -1) and D.gap == 0
    (check,) = D.check()          # the supremum -1 is approached as mu -> 1+
    assert check.error < 1e-6, str(check)


def test_problem_without_constraints_has_no_dual():
    with pytest.raises(LagroptError, match="no constraints"):
        lg.minimize(x**2).dual()


def test_dual_derivation_renders():
    D = lg.minimize(x**2 + y**2, [sp.Eq(x + y, 1)]).dual()
    kinds = D.derivation.kinds
    assert kinds[:2] == ["dual-lagrangian", "dual-function"] and "dual-gap" in kinds
    assert r"\begin{align" in D.latex()


def test_a_finite_positive_gap():
    # min (x^2 - 1)^2 s.t. x^3 = 1/8: the only feasible point is x = 1/2, p* = (1/4 - 1)^2 = 9/16.
    # L = (x^2 - 1)^2 - lambda (x^3 - 1/8) grows like x^4 for every lambda, so inf_x L is
    # attained at a stationary point: x (4x^2 - 3 lambda x - 4) = 0, x = 0 or
    # x = (3 lambda +- sqrt(9 lambda^2 + 64))/8, and q is the least of L there. At lambda = 0
    # the branches give L = 1, 0, 0 (x = 0, +-1): q(0) = 0. For every lambda,
    # q(lambda) <= min(L(1), L(-1)) = min(-7 lambda/8, 9 lambda/8) <= 0, so d* = q(0) = 0 and
    # the gap is 9/16 (the problem is not convex; the dual optimum is where two branches tie).
    D = lg.minimize((x**2 - 1)**2, [sp.Eq(x**3, sp.Rational(1, 8))]).dual()
    (lam,) = D.multipliers
    assert isinstance(D.function, sp.Min) and len(D.function.args) == 3
    assert D.function.subs(lam, 0) == 0
    for t in (sp.Rational(-3, 2), sp.Rational(1, 3), 2):      # the bound of the comment
        assert sp.N(D.function.subs(lam, t)) <= min(-sp.Rational(7, 8) * t, sp.Rational(9, 8) * t)
    assert same(D.primal_value, sp.Rational(9, 16))
    assert D.value == 0 and same(D.gap, sp.Rational(9, 16))
    assert any("positive duality gap" in e for e in D.evidence)
