"""Maximum entropy over finite values: lagropt.statmech.maxent, checked independently."""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from scipy.optimize import brentq, fsolve

from lagropt.errors import LagroptError, StatMechError
from lagropt.statmech import logsumexp, maxent, softmax

DICE = [1, 2, 3, 4, 5, 6]


def beta_by_brentq(values, mean, g=None):
    """The moment equation sum x g e^{-beta x} / sum g e^{-beta x} = mean, solved by brentq."""
    x = np.asarray(values, dtype=float)
    g = np.ones_like(x) if g is None else np.asarray(g, dtype=float)

    def excess(beta):
        w = g * np.exp(-beta * (x - (x.min() if beta > 0 else x.max())))
        return (w @ x) / w.sum() - mean

    return brentq(excess, -1e3, 1e3, xtol=1e-15, rtol=1e-15)


def boltzmann(values, beta, g=None):
    x = np.asarray(values, dtype=float)
    g = np.ones_like(x) if g is None else np.asarray(g, dtype=float)
    w = g * np.exp(-beta * (x - x.min()))
    return w / w.sum()


# -- Jaynes' Brandeis dice --------------------------------------------------------------------

def test_brandeis_dice_matches_independent_root_and_published_values():
    res = maxent(DICE, mean=4.5)
    beta = beta_by_brentq(DICE, 4.5)
    assert res.success and res.status == "converged"
    assert res.beta == pytest.approx(beta, rel=1e-12)
    assert res.beta == pytest.approx(-0.37105, abs=5e-6)                 # Jaynes (1963)
    published = [0.05435, 0.07877, 0.11416, 0.16545, 0.23977, 0.34749]
    np.testing.assert_allclose(res.p, published, atol=5e-6)
    np.testing.assert_allclose(res.p, boltzmann(DICE, beta), rtol=1e-12)
    assert res.multipliers["beta"] == res.beta
    assert res.mean == pytest.approx(4.5, rel=1e-14)
    assert res.residual < 1e-13


def test_dice_exact_solution_is_the_root_of_the_lecture_polynomial():
    res = maxent(DICE, mean=Fraction(9, 2))
    e = res.exact
    w = sp.Symbol("w")
    # sum_k (k - 9/2) w^(k - 1) = 0, times 2
    expected = 3 * w**5 + w**4 - w**3 - 3 * w**2 - 5 * w - 7
    assert sp.expand(e.equation.lhs.subs(e.w, w) - expected) == 0
    assert abs(sp.N(expected.subs(w, e.root), 60)) < 1e-45
    assert float(e.beta) == pytest.approx(res.beta, rel=1e-13)
    assert abs(sp.N(sp.Add(*e.p) - 1, 60)) < 1e-45
    mean = sp.Add(*[k * pk for k, pk in zip(DICE, e.p)])
    assert abs(sp.N(mean - sp.Rational(9, 2), 60)) < 1e-45
    np.testing.assert_allclose([float(v) for v in e.p], res.p, rtol=1e-13)
    assert float(e.entropy) == pytest.approx(res.entropy, rel=1e-13)
    assert float(e.log_Z) == pytest.approx(res.log_Z, rel=1e-13)


def test_exact_rational_root_and_symmetric_mean():
    # p ∝ (1, w, w^2) on 0, 1, 2 with w = 2 has mean (2 + 8) / 7 = 10/7
    res = maxent([0, 1, 2], mean=Fraction(10, 7))
    assert res.exact.root == 2
    assert sp.simplify(res.exact.beta + sp.log(2)) == 0
    assert list(res.exact.p) == [sp.Rational(1, 7), sp.Rational(2, 7), sp.Rational(4, 7)]
    flat = maxent(DICE, mean=3.5)
    assert flat.exact.beta == 0 and flat.exact.p == (sp.Rational(1, 6),) * 6
    assert abs(flat.beta) < 1e-15


def test_exact_with_a_common_step_and_degeneracy():
    values = [Fraction(1, 3), Fraction(2, 3), Fraction(5, 3)]
    res = maxent(values, mean=1, degeneracy=[1, 2, 1])
    assert res.exact.step == sp.Rational(1, 3)
    assert float(res.exact.beta) == pytest.approx(beta_by_brentq(values, 1.0, [1, 2, 1]), rel=1e-12)
    assert maxent(np.random.default_rng(0).random(100), mean=0.5).exact is None


# -- properties ---------------------------------------------------------------------------------

def test_mirror_symmetry_reverses_the_distribution():
    low, high = min(DICE), max(DICE)
    for m in (1.3, 2.0, 4.5, 5.9):
        a, b = maxent(DICE, mean=m), maxent(DICE, mean=low + high - m)
        np.testing.assert_allclose(a.p, b.p[::-1], rtol=1e-12, atol=1e-300)
        assert a.beta == pytest.approx(-b.beta, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=3, max_size=12, unique=True),
       st.floats(0.02, 0.98), st.floats(-1e3, 1e3))
def test_mirror_and_shift_properties(values, fraction, shift):
    x = np.array(values)
    if x.max() - x.min() < 1e-3:
        return
    m = x.min() + fraction * (x.max() - x.min())
    res = maxent(x, mean=m)
    mirrored = maxent(x.min() + x.max() - x, mean=x.min() + x.max() - m)
    np.testing.assert_allclose(mirrored.p, res.p, rtol=1e-8, atol=1e-14)
    assert mirrored.beta == pytest.approx(-res.beta, rel=1e-8, abs=1e-10)
    shifted = maxent(x + shift, mean=m + shift)
    assert shifted.beta == pytest.approx(res.beta, rel=1e-7, abs=1e-9)
    np.testing.assert_allclose(shifted.p, res.p, rtol=1e-6, atol=1e-12)
    assert shifted.entropy == pytest.approx(res.entropy, rel=1e-7, abs=1e-9)


def test_shift_invariance_and_log_z_shift():
    a = maxent(DICE, mean=4.5)
    b = maxent(np.array(DICE) + 100.0, mean=104.5)
    assert b.beta == pytest.approx(a.beta, rel=1e-12)
    np.testing.assert_allclose(b.p, a.p, rtol=1e-12)
    assert b.log_Z == pytest.approx(a.log_Z - 100 * a.beta, rel=1e-12)      # Z e^{-beta c}


def test_entropy_is_ln_z_plus_beta_u_and_counts_degeneracy():
    g = [1, 3, 3, 1]
    res = maxent([0, 1, 2, 3], mean=1.2, degeneracy=g)
    direct = -float(np.sum(res.p * np.log(res.p / np.array(g))))
    assert res.entropy == pytest.approx(direct, rel=1e-13)
    assert res.entropy == pytest.approx(res.log_Z + res.beta * 1.2, rel=1e-13)
    assert res.multipliers["lambda_1"] == pytest.approx(res.log_Z - 1, rel=1e-14)
    # a level of degeneracy 3 is three equal states
    expanded = maxent([0, 1, 1, 1, 2, 2, 2, 3], mean=1.2)
    assert expanded.beta == pytest.approx(res.beta, rel=1e-12)
    assert expanded.p[1:4].sum() == pytest.approx(res.p[1], rel=1e-12)
    assert expanded.entropy == pytest.approx(res.entropy, rel=1e-12)


def test_boltzmann_form_is_softmax_of_minus_beta_eps():
    eps = np.array([0.0, 0.4, 1.1, 2.5])
    g = np.array([1.0, 2.0, 2.0, 5.0])
    res = maxent(eps, mean=1.0, degeneracy=g)
    np.testing.assert_allclose(res.p, softmax(-res.beta * eps, b=g), rtol=1e-13)
    assert res.log_Z == pytest.approx(float(logsumexp(-res.beta * eps, b=g)), rel=1e-13)


def test_no_constraint_is_flat():
    res = maxent([3, 1, 2], degeneracy=[1, 2, 1])
    np.testing.assert_allclose(res.p, [0.25, 0.5, 0.25])
    assert res.beta is None
    assert res.entropy == pytest.approx(math.log(4))


# -- extremes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("mean", [1e-9, 1e-3, 500.0, 999.999, 1000 - 1e-9])
def test_no_overflow_for_any_beta(mean):
    x = np.arange(0, 1001, dtype=float)
    res = maxent(x, mean=mean, exact=False)
    assert res.success and np.all(np.isfinite(res.p)) and np.isfinite(res.log_Z)
    assert float(res.p @ x) == pytest.approx(mean, rel=1e-10, abs=1e-12)
    assert res.p.sum() == pytest.approx(1.0, rel=1e-14)


@pytest.mark.parametrize("scale", [1e-300, 1e-8, 1.0, 1e150, 1e200])
def test_any_spread_of_values(scale):
    x = scale * np.array([0.0, 1.0, 3.0, 7.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # no overflow warning on the way
        res = maxent(x, mean=2.2 * scale)
    ref = maxent([0.0, 1.0, 3.0, 7.0], mean=2.2)
    assert res.beta * scale == pytest.approx(ref.beta, rel=1e-10)
    np.testing.assert_allclose(res.p, ref.p, rtol=1e-10)
    # the variance scales with scale^2: beyond float64 (about 1e308) it is inf, honestly
    expected = ref.variance * scale ** 2 if scale < 1e154 else np.inf
    assert res.variance == pytest.approx(expected, rel=1e-9)


def test_large_random_levels_against_brentq():
    rng = np.random.default_rng(7)
    x = rng.exponential(2.0, 200_000)               # exercises the single-precision warm start
    g = rng.integers(1, 5, x.size)
    res = maxent(x, mean=0.9, degeneracy=g)
    beta = beta_by_brentq(x, 0.9, g)
    assert res.beta == pytest.approx(beta, rel=1e-10)
    w = g * np.exp(-beta * x)
    assert float((w @ x) / w.sum()) == pytest.approx(0.9, rel=1e-10)
    assert float(res.p @ x) == pytest.approx(0.9, rel=1e-12)


# -- variance and further moments ---------------------------------------------------------------

def test_variance_constraint_against_fsolve():
    m, V = 4.5, 2.0
    res = maxent(DICE, mean=m, variance=V)
    x = np.array(DICE, dtype=float)

    def moments(lam):
        w = np.exp(-lam[0] * (x - m) - lam[1] * (x - m) ** 2)
        p = w / w.sum()
        return [p @ x - m, p @ (x - m) ** 2 - V]

    beta, gamma = fsolve(moments, [0.0, 0.0], xtol=1e-14)
    assert res.beta == pytest.approx(beta, rel=1e-9)
    assert res.gamma == pytest.approx(gamma, rel=1e-9)
    assert float(res.p @ x) == pytest.approx(m, rel=1e-13)
    assert float(res.p @ (x - m) ** 2) == pytest.approx(V, rel=1e-12)
    assert res.entropy == pytest.approx(res.log_Z + res.beta * m + res.gamma * V, rel=1e-12)


def test_symmetric_variance_has_zero_beta_and_raw_moment_multipliers_relate():
    res = maxent(DICE, mean=3.5, variance=1.5)
    assert abs(res.beta) < 1e-12 and res.gamma > 0
    raw = maxent(DICE, mean=4.0, moments={2: 4.0 ** 2 + 2.0})
    central = maxent(DICE, mean=4.0, variance=2.0)
    np.testing.assert_allclose(raw.p, central.p, rtol=1e-10)
    # -beta x - gamma (x - m)^2 = -(beta - 2 gamma m) x - gamma x^2 + const
    assert raw.multipliers["mu_1"] == pytest.approx(central.gamma, rel=1e-9)
    assert raw.beta == pytest.approx(central.beta - 2 * central.gamma * 4.0, rel=1e-9)


def test_callable_and_array_moments():
    x = np.linspace(-1, 1, 9)
    a = maxent(x, moments=[(np.abs, 0.4)])
    b = maxent(x, moments=[(np.abs(x), 0.4)])
    np.testing.assert_allclose(a.p, b.p, rtol=1e-12)
    assert float(a.p @ np.abs(x)) == pytest.approx(0.4, rel=1e-12)


# -- failures ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, words", [
    (dict(mean=7), "outside [1, 6]"),
    (dict(mean=0.5), "outside [1, 6]"),
    (dict(mean=6), "largest value"),
    (dict(mean=1), "smallest value"),
    (dict(mean=3.5, variance=6.25), "largest possible"),
    (dict(mean=3.5, variance=7), "outside"),
    (dict(mean=3.5, variance=0.25), "smallest possible"),
    (dict(mean=3.5, variance=0.1), "below the smallest"),
    (dict(mean=3.0, variance=0.0), "all probability sits on 3"),
    (dict(variance=2), "needs the mean"),
    (dict(mean=3.5, moments={1: 3.0}), "contradictory"),
    (dict(mean=3.5, moments={1: 3.5}), "redundant"),
    (dict(mean=3.5, moments=[(lambda v: (v - 3.5) ** 2, 6.25)]), "boundary"),
    (dict(mean=3.5, moments=[(lambda v: (v - 3.5) ** 2, 9.0)]), "contradictory"),
    (dict(mean=float("nan")), "finite"),
    (dict(mean="4"), None),
    (dict(mean=3, degeneracy=[1, 1]), "2 degeneracies for 6 values"),
    (dict(mean=3, degeneracy=[1, 1, 0, 1, 1, 1]), "positive"),
])
def test_clear_errors(kwargs, words):
    with pytest.raises(StatMechError) as info:
        maxent(DICE, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    if words:
        assert words in message
    assert isinstance(info.value, LagroptError)


@pytest.mark.parametrize("values", [[], [[1, 2]], [1, float("inf")], ["a", "b"], [2, 2, 2]])
def test_bad_values(values):
    with pytest.raises(StatMechError):
        maxent(values, mean=2)


def test_non_convergence_is_reported_not_silent():
    with pytest.warns(RuntimeWarning, match="did not converge"):
        res = maxent(DICE, mean=5.99, max_iter=1, exact=False)
    assert not res.success and res.status == "max_iter"
    assert "did not converge" in res.message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert maxent(DICE, mean=5.99).success


def test_binomial_degeneracy_gives_the_binomial_distribution():
    from scipy.stats import binom

    n, q = 10, 0.3
    res = maxent(np.arange(n + 1), mean=n * q, degeneracy=[math.comb(n, k) for k in range(n + 1)])
    np.testing.assert_allclose(res.p, binom(n, q).pmf(np.arange(n + 1)), rtol=1e-12)
    assert res.beta == pytest.approx(math.log((1 - q) / q), rel=1e-12)     # e^{-beta} = q/(1-q)
    assert sp.simplify(res.exact.beta - sp.log(sp.Rational(7, 3))) == 0
