"""Issue 18: shadow prices and comparative statics, derived and checked.

Every expected answer is derived by hand in the comment beside it (the envelope theorem in the
lecture's sign, L = f - lambda (g - c): dV*/dc = lambda), never taken from lagropt's output. The
numeric checks are central differences of V* computed by scipy (SLSQP from the optimum), to 1e-6.
"""

import numpy as np
import pytest
import sympy as sp

import lagropt as lg
from lagropt.errors import LagroptError

from conftest import same

FD_TOL = 1e-6


def _fd_agrees(result, at=None):
    checks = result.check(at) if at is not None else result.check()
    assert checks, "no numeric check ran"
    for c in checks:
        assert c.error <= FD_TOL, str(c)


def _equal_at_random_points(a, b, symbols, ranges, tries=5):
    """a == b at random rational points (50 digits) - for powers with a symbolic exponent whose
    bases SymPy cannot prove positive."""
    rng = np.random.default_rng(0)
    for _ in range(tries):
        at = {s: sp.Rational(int(rng.integers(lo * 100 + 1, hi * 100)), 100)
              for s, (lo, hi) in zip(symbols, ranges)}
        assert abs(sp.N((a - b).xreplace(at), 50)) < 1e-40, at


# -- Cobb-Douglas: the marginal utility of income and the demand derivatives -------------------
x, y, p, q, m, a = sp.symbols("x y p q m a", positive=True)
third = sp.Rational(1, 3)


def _cobb_douglas():
    return lg.maximize(x**a * y**(1 - a), [sp.Eq(p * x + q * y, m)],
                       variables=[x, y], params=[p, q, m, a], assume=[a < 1]).solve()


def _at_third(expr):
    """expr at a = 1/3, where SymPy can compare the powers exactly."""
    return sp.sympify(expr).subs(a, third)


def test_cobb_douglas_marginal_utility_of_income_is_lambda():
    # Hand: x* = a m/p, y* = (1 - a) m/q, V*(m) = m (a/p)^a ((1 - a)/q)^(1 - a), so
    # dV*/dm = (a/p)^a ((1 - a)/q)^(1 - a) (Varian, Microeconomic Analysis, ch. 7). Raising the
    # budget's right-hand side m by c is raising m: the shadow price is the marginal utility
    # of income. At a = 1/3 the comparison is exact; for every a in (0, 1) at random points.
    sol = _cobb_douglas()
    prices = sol.shadow_prices()
    (price,) = prices
    want = (a / p)**a * ((1 - a) / q)**(1 - a)
    assert price.state == "equality"
    assert same(_at_third(price.rate), _at_third(want))
    assert same(_at_third(price.multiplier_value), _at_third(want))
    assert price.value_function is not None
    assert same(_at_third(price.value_function), _at_third((m + price.c) * want))
    _equal_at_random_points(price.rate, want, [a, p, q, m], [(0, 1), (1, 5), (1, 5), (1, 20)])
    _fd_agrees(prices, {p: 2, q: 3, m: 12, a: third})
    _fd_agrees(prices, {p: 2, q: 3, m: 12, a: sp.Rational(2, 5)})


def test_marshallian_demand_derivatives_and_roys_identity():
    # Hand: x* = a m/p: dx*/dp = -a m/p^2, dx*/dm = a/p, dx*/dq = 0; y* = (1 - a) m/q:
    # dy*/dp = 0. Roy's identity: x* = -(dV*/dp)/(dV*/dm).
    sol = _cobb_douglas()
    sp_ = sol.sensitivity(p)
    assert same(sp_.x[x], -a * m / p**2) and same(sp_.x[y], 0)
    assert sp_.by_closed_form and sp_.by_implicit_function
    sm = sol.sensitivity(m)
    assert same(sm.x[x], a / p) and same(sm.x[y], (1 - a) / q)
    assert same(sol.sensitivity(q).x[x], 0)
    assert same(_at_third(-sp_.value / sm.value), third * m / p)      # Roy's identity
    _fd_agrees(sp_, {p: 2, q: 3, m: 12, a: third})
    _fd_agrees(sm, {p: 2, q: 3, m: 12, a: third})


def test_slutsky_equation_for_cobb_douglas():
    # Slutsky: dx/dp (Marshallian) = dh/dp (Hicksian) - x dx/dm. For Cobb-Douglas the own-price
    # substitution effect is dh/dp = dx/dp + x dx/dm = -a m/p^2 + (a m/p)(a/p) = -a(1 - a) m/p^2
    # (hand: Varian, Microeconomic Analysis, ch. 8), negative as it must be.
    sol = _cobb_douglas()
    xs = sol.x[x]
    substitution = sol.sensitivity(p).x[x] + xs * sol.sensitivity(m).x[x]
    assert same(substitution, -a * (1 - a) * m / p**2)


# -- inequalities: a binding one (mu = dV/dc) and a slack one (0) -------------------------------
X, Y = sp.symbols("X Y", real=True)


def test_binding_and_slack_inequalities_of_a_minimization():
    # min X^2 + Y^2 s.t. X + Y >= 1 + c: X = Y = (1 + c)/2, V(c) = (1 + c)^2/2, dV/dc = 1 at
    # c = 0; the KKT multiplier (2X = mu) is mu_1 = 1. X <= 5 is slack at X = 1/2: rate 0.
    sol = lg.minimize(X**2 + Y**2, [X + Y >= 1, X <= 5]).solve()
    prices = sol.shadow_prices()
    assert prices[1].state == "binding" and same(prices[1].rate, 1)
    assert same(prices[1].value_function, (1 + prices[1].c)**2 / 2)
    assert prices[2].state == "slack" and prices[2].rate == 0 and prices[2].multiplier_value == 0
    _fd_agrees(prices)


def test_a_le_constraint_of_a_minimization_has_rate_minus_mu():
    # min (X - 2)^2 s.t. X <= 1 + c: X = 1 + c, V(c) = (c - 1)^2, dV/dc = -2 at 0. The lecture's
    # KKT form (h = 1 - X >= 0, L = f - mu h): 2(X - 2) + mu = 0 -> mu = 2 >= 0, so
    # dV/dc = -mu (CONVENTIONS: relaxing a <= constraint lowers the minimum).
    sol = lg.minimize((X - 2)**2, [X <= 1]).solve()
    (price,) = sol.shadow_prices()
    assert same(price.multiplier_value, 2) and same(price.rate, -2)
    assert "minus its multiplier" in str(sol.shadow_prices().derivation)
    _fd_agrees(sol.shadow_prices())


def test_a_le_constraint_of_a_maximization_has_rate_mu():
    # max -(X - 2)^2 s.t. X <= 1 + c: V(c) = -(c - 1)^2, dV/dc = 2; L = f - mu (X - 1):
    # -2(X - 2) = mu -> mu = 2.
    sol = lg.maximize(-(X - 2)**2, [X <= 1]).solve()
    (price,) = sol.shadow_prices()
    assert same(price.multiplier_value, 2) and same(price.rate, 2)
    _fd_agrees(sol.shadow_prices())


# -- physics: Boltzmann dS/dE = beta -----------------------------------------------------------
def test_two_level_system_entropy_rate_is_beta():
    # Two states, energies 0 and eps, mean energy E (0 < E < eps/2): the constraints fix
    # p2 = E/eps, p1 = 1 - E/eps; S(E) = -p1 log p1 - p2 log p2, dS/dE = log(p1/p2)/eps, and
    # the Boltzmann form p2/p1 = exp(-beta eps) gives beta = log(p1/p2)/eps: dS/dE = beta,
    # the lecture's identification of temperature (beta = 1/kT), here from the shadow price.
    eps, E = sp.symbols("epsilon E", positive=True)
    p1, p2 = sp.symbols("p1 p2", positive=True)
    S = -p1 * sp.log(p1) - p2 * sp.log(p2)
    sol = lg.maximize(S, [sp.Eq(p1 + p2, 1), sp.Eq(eps * p2, E)], variables=[p1, p2],
                      params=[eps, E], assume=[E < eps]).solve()
    prices = sol.shadow_prices()
    beta = sp.log((1 - E / eps) / (E / eps)) / eps
    energy = prices[2]
    assert same(sp.expand_log(energy.rate, force=True), sp.expand_log(beta, force=True))
    assert same(energy.rate, energy.multiplier_value)
    _fd_agrees(prices, {eps: 2, E: sp.Rational(1, 2)})


# -- errors -------------------------------------------------------------------------------------
def test_no_optimum_no_shadow_prices():
    sol = lg.maximize(X + Y, [sp.Eq(X * Y, 1)]).solve()
    with pytest.raises(LagroptError, match="need an optimum"):
        sol.shadow_prices()


def test_sensitivity_to_a_symbol_that_is_not_a_parameter():
    sol = _cobb_douglas()
    with pytest.raises(LagroptError, match="not a parameter"):
        sol.sensitivity(x)


def test_the_check_needs_parameter_values():
    with pytest.raises(LagroptError, match="needs values for the parameters"):
        _cobb_douglas().shadow_prices().check()


def test_derivations_render_in_latex():
    sol = _cobb_douglas()
    for result in (sol.shadow_prices(), sol.sensitivity(p)):
        tex = result.latex()
        assert r"\begin{align" in tex and "lambda" in tex.replace("\\", "")
