"""The stable log-partition function and softmax shared by statmech and regression."""

import numpy as np
import pytest
import sympy as sp
from scipy import special

from lagropt.softmax import log_softmax, logsumexp, softmax
from lagropt.statmech import Canonical


def test_logsumexp_matches_scipy_on_every_axis_and_with_weights():
    rng = np.random.default_rng(3)
    z = rng.normal(scale=300, size=(4, 5))
    b = rng.random((4, 5))
    for axis in (None, 0, 1, -1, (0, 1)):
        np.testing.assert_allclose(logsumexp(z, axis=axis), special.logsumexp(z, axis=axis),
                                   rtol=1e-14)
        np.testing.assert_allclose(logsumexp(z, axis=axis, b=b),
                                   special.logsumexp(z, axis=axis, b=b), rtol=1e-14)
    np.testing.assert_allclose(softmax(z, axis=0), special.softmax(z, axis=0), rtol=1e-13)


def test_no_overflow_and_limits():
    assert logsumexp([1000.0, 1000.0]) == pytest.approx(1000 + np.log(2), rel=1e-15)
    np.testing.assert_array_equal(softmax([1e308, -1e308]), [1.0, 0.0])
    np.testing.assert_allclose(softmax([800.0, 800.0, -np.inf]), [0.5, 0.5, 0.0])
    assert logsumexp([-np.inf, -np.inf]) == -np.inf
    assert logsumexp([3.0, 5.0], b=[1.0, 0.0]) == pytest.approx(3.0)
    assert log_softmax([0.0, -2000.0])[1] == pytest.approx(-2000.0)        # p would underflow
    with pytest.raises(ValueError, match="non-negative"):
        logsumexp([1.0, 2.0], b=[1.0, -1.0])


def test_gradient_of_log_partition_is_softmax():
    z = np.array([0.3, -1.2, 2.0, 0.0])
    h = 1e-6
    grad = [(logsumexp(z + h * e) - logsumexp(z - h * e)) / (2 * h) for e in np.eye(4)]
    np.testing.assert_allclose(grad, softmax(z), rtol=1e-8)


def test_boltzmann_is_softmax_of_minus_beta_eps():
    beta = sp.Symbol("beta", real=True)
    eps = sp.symbols("varepsilon1:4", real=True)
    z = [-beta * e for e in eps]
    softmax_exact = [sp.exp(zi) / sp.Add(*[sp.exp(zj) for zj in z]) for zi in z]
    for p, s in zip(Canonical(list(eps)).p(beta), softmax_exact):
        assert sp.simplify(p - s) == 0
    levels = np.array([0.0, 0.5, 2.0])
    np.testing.assert_allclose(Canonical(list(levels)).p(1.7), softmax(-1.7 * levels),
                               rtol=1e-14)


def test_two_class_softmax_is_the_logistic_function():
    for t in (-30.0, -1.0, 0.0, 2.5, 40.0):
        assert softmax([t, 0.0])[0] == pytest.approx(special.expit(t), rel=1e-14)
