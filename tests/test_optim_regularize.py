"""L1 and L2 inside the step: penalty gradients (deck 001), decoupled weight decay (deck 004)
and proximal soft-thresholding, and how they differ."""

import numpy as np
import pytest

import lagropt
from lagropt import losses, optim, penalties
from lagropt.errors import OptimizerError


@pytest.fixture(scope="module")
def lasso_data():
    rng = np.random.default_rng(0)
    m, n = 200, 4
    Q, _ = np.linalg.qr(rng.normal(size=(m, n)))
    Xv = Q * np.sqrt(m)                      # orthogonal design: X^T X / m = I
    yv = Xv @ np.array([2.0, -1.0, 0.05, 0.0]) + 0.01 * rng.normal(size=m)
    X, y, beta = losses.regression_symbols()
    f = lagropt.compile(losses.mse(y, losses.linear(X, beta)), wrt=beta, data=[X, y])
    return f, Xv, yv, X, y, beta


def test_penalty_gradients_are_the_lectures_gd_on_the_penalized_loss(lasso_data):
    f, Xv, yv, X, y, beta = lasso_data
    penalized = lagropt.compile(losses.mse(y, losses.linear(X, beta)) + penalties.l1(beta, 0.1)
                                + penalties.l2(beta, 0.05), wrt=beta, data=[X, y])
    b0 = np.array([0.5, -0.5, 0.3, 0.2])
    a = optim.minimize(f, b0, optim.regularize(optim.GD(0.05), l1=0.1, l2=0.05), steps=50,
                       data=(Xv, yv))
    b = optim.minimize(penalized, b0, optim.GD(0.05), steps=50, data=(Xv, yv))
    np.testing.assert_allclose(a.path, b.path, rtol=1e-13, atol=1e-15)


def test_decoupled_decay_is_the_l2_gradient_for_plain_gd(lasso_data):
    """theta (1 - alpha lambda) - alpha grad = theta - alpha (grad + lambda theta): weight
    decay lambda equals the penalty (lambda / 2) ||theta||^2, i.e. l2 = lambda / 2."""
    f, Xv, yv, *_ = lasso_data
    b0 = np.array([0.5, -0.5, 0.3, 0.2])
    decay = optim.minimize(f, b0, optim.regularize(optim.GD(0.05), weight_decay=0.2), steps=40,
                           data=(Xv, yv))
    l2 = optim.minimize(f, b0, optim.regularize(optim.GD(0.05), l2=0.1), steps=40, data=(Xv, yv))
    np.testing.assert_allclose(decay.path, l2.path, rtol=1e-12, atol=1e-15)
    # first step by hand: b0 (1 - 0.05 * 0.2) - 0.05 grad(b0)
    np.testing.assert_allclose(decay.path[1], b0 * 0.99 - 0.05 * f.grad(b0, Xv, yv), rtol=1e-14)


def test_with_adam_the_decoupled_decay_and_the_penalty_gradient_differ(lasso_data):
    f, Xv, yv, *_ = lasso_data
    b0 = np.array([0.5, -0.5, 0.3, 0.2])
    adamw = optim.minimize(f, b0, optim.AdamW(0.01, weight_decay=0.2), steps=40, data=(Xv, yv))
    wrapped = optim.minimize(f, b0, optim.regularize(optim.Adam(0.01), weight_decay=0.2),
                             steps=40, data=(Xv, yv))
    coupled = optim.minimize(f, b0, optim.Adam(0.01, weight_decay=0.2), steps=40, data=(Xv, yv))
    np.testing.assert_allclose(wrapped.path, adamw.path, rtol=1e-13)
    assert np.abs(coupled.path - adamw.path).max() > 1e-3


def test_proximal_l1_reaches_exact_zeros_and_the_soft_threshold_solution(lasso_data):
    """With X^T X / m = I the lasso min (1/m)||y - Xb||^2 + lam ||b||_1 has the closed form
    (deck 004) b_j = sign(b_ols_j) max(|b_ols_j| - lam / H_jj, 0), H_jj = 2."""
    f, Xv, yv, *_ = lasso_data
    lam = 0.2
    ols = Xv.T @ yv / len(yv)
    closed = np.sign(ols) * np.maximum(np.abs(ols) - lam / 2, 0)
    assert (closed == 0).sum() == 2
    prox = optim.minimize(f, np.zeros(4), optim.regularize(optim.GD(0.1), l1=lam, proximal=True),
                          steps=300, data=(Xv, yv))
    sub = optim.minimize(f, np.zeros(4), optim.regularize(optim.GD(0.1), l1=lam), steps=300,
                         data=(Xv, yv))
    np.testing.assert_allclose(prox.x, closed, atol=1e-12)
    assert np.array_equal(prox.x == 0, closed == 0)              # exact zeros
    assert np.all(sub.x[closed == 0] != 0)                        # the subgradient oscillates
    assert np.abs(sub.x[closed == 0]).max() < 0.05                # ... about 0, never at it


def test_soft_threshold():
    np.testing.assert_array_equal(optim.soft_threshold(np.array([3.0, -0.5, 0.2, -2.0]), 1.0),
                                  [2.0, 0.0, 0.0, -1.0])


def test_mask_leaves_the_intercept_unpenalized():
    opt = optim.regularize(optim.GD(0.1), l2=1.0, weight_decay=0.5, mask=[False, True])
    x = np.array([1.0, 1.0])
    opt.step(x, np.zeros(2), opt.init(x))
    # coordinate 0 untouched; coordinate 1: 1 (1 - 0.05) - 0.1 * 2 * 1
    assert x.tolist() == [1.0, pytest.approx(0.95 - 0.2)]


def test_bad_regularization():
    with pytest.raises(OptimizerError, match="l1 > 0"):
        optim.regularize(optim.GD(0.1), proximal=True)
    with pytest.raises(OptimizerError, match="wraps an optimizer"):
        optim.regularize("GD", l1=0.1)
    with pytest.raises(OptimizerError, match="l2"):
        optim.regularize(optim.GD(0.1), l2=-1)
